// Self-signed certificates made by Debian's openssl, for TLS tests on loopback.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A PEM certificate and key pair on disk; the certificate is its own CA. */
export interface TestCert {
  readonly certFile: string
  readonly keyFile: string
  readonly cert: string
}

/** Writes `<name>.crt` / `<name>.key` in dir: P-256, valid for localhost and 127.0.0.1, one day. */
export function makeTestCert (dir: string, name: string): TestCert {
  const certFile = join(dir, `${name}.crt`)
  const keyFile = join(dir, `${name}.key`)
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=localhost/O=${name}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile
  ], { stdio: 'ignore' })
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8') }
}
