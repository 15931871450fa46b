import type { AvatarInit } from '../client/api.ts'

/** The protocol's limit on an avatar (a profile is at most 48 KiB). */
export const maxAvatarBytes = 32 * 1024

/**
 * Shrinks a picked image on a canvas until it fits {@link maxAvatarBytes}: smaller sides and lower
 * quality in turn, WebP where the browser encodes it, else JPEG.
 */
export async function resizeAvatar (file: Blob): Promise<AvatarInit> {
  const bitmap = await createImageBitmap(file)
  try {
    for (const side of [256, 192, 128, 96, 64]) {
      for (const quality of [0.85, 0.7, 0.5]) {
        const blob = await drawSquare(bitmap, side, quality)
        if (blob.size <= maxAvatarBytes) return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: blob.type }
      }
    }
  } finally {
    bitmap.close()
  }
  throw new Error('This image cannot be made small enough for an avatar; try another one')
}

async function drawSquare (bitmap: ImageBitmap, side: number, quality: number): Promise<Blob> {
  const canvas = document.createElement('canvas')
  canvas.width = side
  canvas.height = side
  const ctx = canvas.getContext('2d')
  if (ctx == null) throw new Error('Canvas 2D is not available')
  const crop = Math.min(bitmap.width, bitmap.height)
  ctx.drawImage(bitmap, (bitmap.width - crop) / 2, (bitmap.height - crop) / 2, crop, crop, 0, 0, side, side)
  return await new Promise<Blob>((resolve, reject) => {
    canvas.toBlob((blob) => { if (blob == null) reject(new Error('Could not encode the image')); else resolve(blob) }, 'image/webp', quality)
  })
}
