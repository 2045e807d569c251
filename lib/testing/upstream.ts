/**
 * Forwarding a verified request to a real cluster (`upstream`), without the SigV4 headers, and
 * streaming its answer back with the emulator's `Date`.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { joinedHeaders } from './http'

/** What is not forwarded: the signature, AWS's headers, and what the new hop sets itself. */
function notForwarded(name: string): boolean {
  return (
    name === 'authorization' ||
    name.startsWith('x-amz-') ||
    name === 'host' ||
    name === 'connection' ||
    name === 'content-length' ||
    name === 'transfer-encoding'
  )
}

/** Forwards the request; resolves with the upstream status once its answer has been relayed. */
export function forwardToUpstream(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  upstream: URL,
  date: () => string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = joinedHeaders(req.rawHeaders, notForwarded)
    headers['content-length'] = String(body.length)
    const base = upstream.pathname.replace(/\/+$/, '')
    const call = upstream.protocol === 'https:' ? httpsRequest : httpRequest
    const out = call(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: base + (req.url ?? '/'),
        headers,
        auth: upstream.username
          ? `${decodeURIComponent(upstream.username)}:${decodeURIComponent(upstream.password)}`
          : undefined,
      },
      (upstreamRes) => {
        const status = upstreamRes.statusCode ?? 502
        for (let i = 0; i + 1 < upstreamRes.rawHeaders.length; i += 2) {
          const name = upstreamRes.rawHeaders[i].toLowerCase()
          if (name === 'connection' || name === 'keep-alive' || name === 'date') continue
          res.appendHeader(upstreamRes.rawHeaders[i], upstreamRes.rawHeaders[i + 1])
        }
        res.statusCode = status
        res.setHeader('Date', date())
        upstreamRes.pipe(res)
        upstreamRes.on('end', () => resolve(status))
        upstreamRes.on('error', reject)
      },
    )
    out.on('error', reject)
    out.end(body)
  })
}
