#!/usr/bin/env node
// `npm start`: builds the app, starts a bootstrap/relay node, and serves dist/ with the relay's
// address in /config.json (read by loadNetworkConfig() in src/network/config.ts; a file, not an
// inline script, so the page keeps a strict CSP). Ctrl-C stops both.
import { execFileSync, spawn } from 'node:child_process'
import { createReadStream, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { createInterface } from 'node:readline'
import { extname, join, normalize, sep } from 'node:path'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')
const port = Number(process.env.PORT ?? 8080)
const host = process.env.HOST ?? '127.0.0.1'
const relayPort = Number(process.env.RELAY_PORT ?? 9090)

// --no-build serves the dist/ already there
if (!process.argv.includes('--no-build')) execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' })

const relay = spawn(process.execPath, [
  '--import', 'tsx', 'src/node/main.ts',
  '--host', '127.0.0.1', '--port', String(relayPort), '--data-dir', process.env.RELAY_DATA_DIR ?? '.data/relay', '--profile', 'loopback'
], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })

const relayAddr = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: relay.stdout })
  let addr
  lines.on('line', (line) => {
    console.log(line)
    const m = /^relay listening (\/ip4\/127\.0\.0\.1\/\S+)$/.exec(line)
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

const server = createServer((req, res) => {
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
})
server.listen(port, host, () => {
  console.log(`\nPeer Rooms is running: http://localhost:${port}/  (relay ${relayAddr})\nCtrl-C stops it.`)
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
