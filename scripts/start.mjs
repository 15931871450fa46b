#!/usr/bin/env node
// `npm start`: builds the app, starts a bootstrap/relay node, and serves dist/ with the relay's
// address in /config.json (read by loadNetworkConfig() in src/network/config.ts; a file, not an
// inline script, so the page keeps a strict CSP). Ctrl-C stops both.
//
// `npm start -- --lan` (or PEER_ROOMS_LAN=1) serves both on this machine's LAN address instead, over
// https with a self-signed certificate made here: a page on http://<LAN IP> is not a secure context,
// and the app needs WebCrypto. The relay uses the profile that accepts private addresses.
import { execFileSync, spawn } from 'node:child_process'
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { networkInterfaces } from 'node:os'
import { createInterface } from 'node:readline'
import { extname, join, normalize, resolve, sep } from 'node:path'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')
const port = Number(process.env.PORT ?? 8080)
const relayPort = Number(process.env.RELAY_PORT ?? 9090)
const dataDir = resolve(root, process.env.RELAY_DATA_DIR ?? '.data/relay')
const lan = process.argv.includes('--lan') || process.env.PEER_ROOMS_LAN === '1'

/** The first IPv4 address of an interface that is up and not loopback, or undefined. */
function lanAddress () {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return undefined
}

const host = lan ? (process.env.LAN_HOST ?? lanAddress()) : (process.env.HOST ?? '127.0.0.1')
if (host == null) {
  console.error('npm start --lan: this machine has no LAN address (set LAN_HOST=<its IP>)')
  process.exit(2)
}

/** A self-signed certificate for the LAN address, made once per address with Debian's openssl. */
function lanCertificate () {
  const dir = join(dataDir, 'lan-tls')
  const cert = join(dir, `${host}.crt`)
  const key = join(dir, `${host}.key`)
  if (!existsSync(cert) || !existsSync(key)) {
    mkdirSync(dir, { recursive: true })
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '365',
      '-subj', `/CN=Peer Rooms on ${host}`, '-addext', `subjectAltName=IP:${host}`, '-keyout', key, '-out', cert
    ], { stdio: 'ignore' })
  }
  return { cert, key }
}
const tls = lan ? lanCertificate() : undefined

// --no-build serves the dist/ already there
if (!process.argv.includes('--no-build')) execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' })

const relay = spawn(process.execPath, [
  '--import', 'tsx', 'src/node/main.ts',
  '--host', lan ? host : '127.0.0.1', '--port', String(relayPort), '--data-dir', dataDir, '--profile', 'loopback',
  ...(tls != null ? ['--tls-cert', tls.cert, '--tls-key', tls.key] : [])
], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })

const relayAddr = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: relay.stdout })
  let addr
  lines.on('line', (line) => {
    console.log(line)
    const m = /^relay listening (\/ip4\/\S+)$/.exec(line)
    if (m != null && addr == null) { addr = m[1]; resolve(addr) }
  })
  relay.once('exit', (code) => { reject(new Error(`the relay exited (code ${code}) before listening`)) })
})

const config = JSON.stringify({ bootstrap: [relayAddr], profile: 'loopback', iceServers: [] })

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.map': 'application/json'
}

/** A file under dist/ for a URL path, or undefined (never a path outside dist/). */
function fileFor (urlPath) {
  let decoded
  try { decoded = decodeURIComponent(urlPath) } catch { return undefined }
  const file = normalize(join(dist, decoded))
  if (file !== dist && !file.startsWith(dist + sep)) return undefined
  try { return statSync(file).isFile() ? file : undefined } catch { return undefined }
}

const handler = (req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  if (path === '/config.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(config)
    return
  }
  // unknown paths get the app (client-side routes such as invite links)
  const file = fileFor(path) ?? join(dist, 'index.html')
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
  createReadStream(file).pipe(res)
}
const server = tls != null ? createTlsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, handler) : createServer(handler)
server.listen(port, host, () => {
  if (tls == null) console.log(`\nPeer Rooms is running: http://localhost:${port}/  (relay ${relayAddr})\nCtrl-C stops it.`)
  else {
    console.log(`\nPeer Rooms is running on your network: https://${host}:${port}/  (relay ${relayAddr})`)
    console.log(`Others on this network open that URL. The certificate is self-signed: each browser asks once to accept it,`)
    console.log(`and Firefox also for the relay, at https://${host}:${relayPort}/ (a 400 page there is fine).\nCtrl-C stops it.`)
  }
})

let stopping = false
function stop () {
  if (stopping) return
  stopping = true
  server.close()
  relay.kill('SIGTERM')
  relay.once('exit', () => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
relay.once('exit', () => { if (!stopping) { console.error('the relay stopped; exiting'); server.close(); process.exit(1) } })
