import { THUMB_MAX_BYTES } from '../core/blob/manifest.ts'

/** The longest side of a thumbnail, in pixels: enough for the inline preview on a dense screen. */
const THUMB_SIDE = 320
const QUALITIES = [0.8, 0.6, 0.4, 0.25] as const

export interface ThumbnailBytes { readonly bytes: Uint8Array, readonly mime: string, readonly width: number, readonly height: number }

/**
 * A small preview of an image, made here in the browser (nobody else sees the original before it is
 * fetched): scaled to THUMB_SIDE, WebP, at the best quality that fits one thumbnail chunk.
 * Undefined when the browser cannot decode the file as an image.
 */
export async function makeThumbnail (file: Blob): Promise<ThumbnailBytes | undefined> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    return undefined
  }
  try {
    const scale = Math.min(1, THUMB_SIDE / Math.max(bitmap.width, bitmap.height))
    const width = Math.max(1, Math.round(bitmap.width * scale))
    const height = Math.max(1, Math.round(bitmap.height * scale))
    const canvas = new OffscreenCanvas(width, height)
    const context = canvas.getContext('2d')
    if (context == null) return undefined
    context.drawImage(bitmap, 0, 0, width, height)
    for (const quality of QUALITIES) {
      const blob = await canvas.convertToBlob({ type: 'image/webp', quality })
      // A browser without WebP encoding falls back to PNG, which the manifest also takes.
      if (blob.size <= THUMB_MAX_BYTES) return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: blob.type === 'image/webp' ? 'image/webp' : 'image/png', width, height }
    }
    return undefined
  } finally {
    bitmap.close()
  }
}
