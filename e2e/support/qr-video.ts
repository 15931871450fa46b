import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import QRCode from 'qrcode'

const run = promisify(execFile)

/**
 * Turns text into a Y4M video of its QR code, for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`), so a QR scan is tested end to end through the real
 * camera path. The code is centred on white at 640x480, as a phone held in front of a screen.
 */
export async function qrCodeVideo (text: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'qr-video-'))
  const png = join(dir, 'qr.png')
  const y4m = join(dir, 'qr.y4m')
  await QRCode.toFile(png, text, { errorCorrectionLevel: 'M', margin: 4, width: 440 })
  await run('/usr/bin/ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', png,
    '-vf', 'scale=440:440,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=white,format=yuv420p',
    '-r', '10', '-frames:v', '10', y4m
  ])
  return y4m
}

/** The launch flag that makes the fake camera (already on in chromiumLaunchOptions) show the Y4M file. */
export const fakeCameraFlag = (y4m: string): string => `--use-file-for-fake-video-capture=${y4m}`
