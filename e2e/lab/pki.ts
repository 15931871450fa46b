import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A test certificate authority made for one run, and one server certificate it signed. */
export interface LabPki {
  readonly dir: string
  readonly caCert: string
  readonly cert: string
  readonly key: string
  /**
   * A HOME for Chromium whose NSS database trusts the CA: on Linux, Chromium reads trust from
   * $HOME/.pki/nssdb, so pages opened with it trust the lab's https and wss as a real deployment's.
   */
  readonly browserHome: string
}

const openssl = (args: string[]): void => { execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] }) }

/** Makes the CA and a certificate for `names` (DNS names the lab's servers answer to). */
export function makeLabPki (names: readonly string[]): LabPki {
  const dir = mkdtempSync(join(tmpdir(), 'lab-pki-'))
  const caKey = join(dir, 'ca.key')
  const caCert = join(dir, 'ca.pem')
  const key = join(dir, 'server.key')
  const csr = join(dir, 'server.csr')
  const cert = join(dir, 'server.pem')
  const ext = join(dir, 'server.ext')
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', '/CN=Peer Rooms NAT lab CA'])
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${names[0]}`])
  writeFileSync(ext, `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`)
  openssl(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext])
  const browserHome = join(dir, 'home')
  const nssdb = join(browserHome, '.pki', 'nssdb')
  mkdirSync(nssdb, { recursive: true })
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password'])
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'peer-rooms-lab-ca', '-i', caCert])
  return { dir, caCert, cert, key, browserHome }
}
