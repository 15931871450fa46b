// The lab's static host: serves the production build (dist/) and a /config.json over https, as any
// static host of a real deployment would. Run inside the lab's cloud namespace.
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:https'
import { extname, join, normalize, sep } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: { host: { type: 'string' }, port: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, dist: { type: 'string' }, config: { type: 'string' } }
})
const dist = values.dist!
// read per request: a test may rewrite it between scenarios, as an operator would
const configFile = values.config!
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.wasm': 'application/wasm', '.webmanifest': 'application/manifest+json' }

function fileFor (urlPath: string): string | undefined {
  let decoded: string
  try { decoded = decodeURIComponent(urlPath) } catch { return undefined }
  const file = normalize(join(dist, decoded))
  if (file !== dist && !file.startsWith(dist + sep)) return undefined
  try { return statSync(file).isFile() ? file : undefined } catch { return undefined }
}

const server = createServer({ cert: readFileSync(values.cert!), key: readFileSync(values.key!) }, (req, res) => {
  const path = new URL(req.url ?? '/', 'https://lab').pathname
  if (path === '/config.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(readFileSync(configFile))
    return
  }
  const file = fileFor(path) ?? join(dist, 'index.html')
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
  createReadStream(file).pipe(res)
})
server.listen(Number(values.port), values.host, () => { console.log(`app serving https://${values.host}:${values.port}/`) })
process.on('SIGTERM', () => { server.close(); process.exit(0) })
