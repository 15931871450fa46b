// A DNS-over-HTTPS resolver (the JSON API, as Cloudflare and Google serve it) on loopback, with a
// zone the test writes. Plain http: the client code is the same, only the URL scheme differs.
import { createServer, type Server } from 'node:http'

export interface DohServer {
  /** Its endpoint, e.g. http://127.0.0.1:PORT/dns-query. */
  readonly url: string
  /** The names asked for so far. */
  readonly queries: readonly string[]
  close (): Promise<void>
}

/** Serves TXT answers from zone (name -> raw answer data strings); status answers every request with that HTTP status instead. */
export async function startDohServer (zone: Readonly<Record<string, readonly string[]>>, status = 200): Promise<DohServer> {
  const queries: string[] = []
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const name = url.searchParams.get('name') ?? ''
    queries.push(name)
    if (status !== 200 || url.pathname !== '/dns-query') {
      res.writeHead(status === 200 ? 404 : status).end()
      return
    }
    const records = zone[name] ?? []
    res.writeHead(200, { 'content-type': 'application/dns-json' })
    res.end(JSON.stringify({
      Status: records.length > 0 ? 0 : 3,
      Question: [{ name, type: 16 }],
      Answer: records.map((data) => ({ name, type: 16, TTL: 60, data }))
    }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/dns-query`,
    queries,
    close: async () => new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  }
}
