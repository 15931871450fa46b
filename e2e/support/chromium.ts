import { existsSync } from 'node:fs'
import type { LaunchOptions } from '@playwright/test'

/**
 * Finds a Chromium to drive: $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own
 * browser, so the same test command works in CI here and on a developer's laptop.
 */
export function chromiumExecutable (): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv != null && fromEnv !== '') return fromEnv
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  return undefined
}

/** Flags that make WebRTC work between headless pages on a loopback-only machine, plus a fake camera and mic. */
export const webrtcTestFlags = [
  '--no-sandbox',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run'
]

export function chromiumLaunchOptions (extraArgs: string[] = []): LaunchOptions {
  const executablePath = chromiumExecutable()
  return {
    ...(executablePath != null ? { executablePath } : {}),
    args: [...webrtcTestFlags, ...extraArgs]
  }
}
