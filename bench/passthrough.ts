/**
 * The floor of the proxy section: an unsigned pass-through proxy, as little as a proxy can be on
 * Node's own HTTP (a server, and a client on one keep-alive agent, as the signing proxy has):
 * request and answer piped through, hop-by-hop headers dropped, nothing read, hashed, logged or
 * checked. The signing proxy can come near this, not below it.
 *
 *   node --import tsx bench/passthrough.ts <upstream URL>   (prints `http://127.0.0.1:PORT`)
 */
import http from 'node:http'

const upstream = new URL(process.argv[2])
const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo', maxFreeSockets: 256 })
const HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'te', 'upgrade']

function withoutHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers }
  for (const name of HOP) delete out[name]
  return out
}

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const headers = withoutHop(req.headers)
  headers.host = upstream.host
  const out = http.request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHop(answer.headers))
      answer.pipe(res)
    },
  )
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502)
    res.end()
  })
  req.pipe(out)
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  process.stdout.write(`http://127.0.0.1:${address.port}\n`)
})
process.on('SIGTERM', () => process.exit(0))
