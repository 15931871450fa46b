import { useEffect, useRef, useState } from 'react'
import { BarcodeDetector, prepareZXingModule } from 'barcode-detector/ponyfill'
import zxingWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url'
import { ErrorText, messageOf } from './dialog.tsx'

// Chromium on Linux has no native BarcodeDetector: the ponyfill runs ZXing as WebAssembly, served
// by this app itself (the wasm is part of the build), never fetched from a CDN.
prepareZXingModule({
  overrides: { locateFile: (path: string, prefix: string) => path.endsWith('.wasm') ? zxingWasmUrl : prefix + path }
})

/** Pause between decode attempts: decoding every frame would keep a core busy for nothing. */
const scanIntervalMs = 150

/** The camera's picture with a QR decoder on it; reports the first code's text. */
export function QrScanner ({ onResult }: { onResult: (text: string) => void }) {
  const video = useRef<HTMLVideoElement>(null)
  const [error, setError] = useState<string>()
  const [scanning, setScanning] = useState(false)
  useEffect(() => {
    let stream: MediaStream | undefined
    let stopped = false
    const detector = new BarcodeDetector({ formats: ['qr_code'] })
    const scan = async () => {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      const el = video.current
      if (stopped || el == null) return
      el.srcObject = stream
      await el.play()
      setScanning(true)
      while (!stopped) {
        if (el.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
          const found = (await detector.detect(el))[0]
          if (found != null && !stopped) { onResult(found.rawValue); return }
        }
        await new Promise((resolve) => setTimeout(resolve, scanIntervalMs))
      }
    }
    scan().catch((err: unknown) => { if (!stopped) setError(`Camera unavailable: ${messageOf(err)}`) })
    return () => {
      stopped = true
      for (const track of stream?.getTracks() ?? []) track.stop()
    }
  }, [onResult])
  return (
    <div className='qr-scanner'>
      <video ref={video} muted playsInline aria-label='Camera preview for scanning an invite QR code' />
      <p role='status' className='hint'>{scanning ? 'Point the camera at an invite QR code…' : 'Starting the camera…'}</p>
      <ErrorText error={error} />
    </div>
  )
}
