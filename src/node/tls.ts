import { readFileSync } from 'node:fs'
import { createSecureContext, type SecureContext } from 'node:tls'
import type { ServerOptions } from 'node:https'

/** The relay's certificate, read from PEM files and re-read on reload (e.g. after a renewal). */
export interface RelayTls {
  /** Options for every TLS server of the relay (WebSockets and the health/credentials endpoint). */
  readonly serverOptions: ServerOptions
  /**
   * Re-reads both files. New handshakes use the new certificate, open connections keep theirs.
   * Throws (and keeps the old certificate) when the files are unreadable or do not form a pair.
   */
  reload (): void
}

/** Reads a PEM certificate chain and its private key. Throws when either is missing or they do not match. */
export function loadRelayTls (certFile: string, keyFile: string): RelayTls {
  const read = (): { cert: Buffer, key: Buffer, context: SecureContext } => {
    const cert = readFileSync(certFile)
    const key = readFileSync(keyFile)
    // createSecureContext checks that the key belongs to the certificate
    return { cert, key, context: createSecureContext({ cert, key }) }
  }
  let current = read()
  return {
    serverOptions: {
      // the initial pair answers clients that send no server name (dials by IP address); every
      // browser dialling a /dns4 address sends one and so gets the current context, reloads included
      cert: current.cert,
      key: current.key,
      SNICallback: (_name, cb) => { cb(null, current.context) }
    },
    reload () { current = read() }
  }
}
