// A TLS-terminating TCP proxy, as a reverse proxy in front of the relay would be in a deployment
// (HAProxy or nginx in stream mode): TLS from browsers on --listen, plain TCP to --to.
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { createServer } from 'node:tls'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { host: { type: 'string' }, port: { type: 'string' }, to: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' } } })
const [toHost, toPort] = values.to!.split(':') as [string, string]
const server = createServer({ cert: readFileSync(values.cert!), key: readFileSync(values.key!) }, (socket) => {
  const upstream = connect(Number(toPort), toHost)
  socket.pipe(upstream).pipe(socket)
  const close = (): void => { socket.destroy(); upstream.destroy() }
  socket.on('error', close)
  upstream.on('error', close)
  socket.on('close', close)
  upstream.on('close', close)
})
server.listen(Number(values.port), values.host, () => { console.log(`tls proxy on ${values.host}:${values.port} -> ${values.to}`) })
process.on('SIGTERM', () => { process.exit(0) })
