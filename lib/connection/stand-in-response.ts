/**
 * Responses in the callback lineage (7.x, OpenSearch client): the base connection calls back
 * with the raw `IncomingMessage`, and the transport reads the body itself. To look at a response
 * first (a 403 the exchange classifies, the product check's answer), the connection reads its
 * bytes here, and hands the transport a stand-in: a byte stream with the status and headers, as
 * much of an `IncomingMessage` as those transports use (`statusCode`, `headers`, `data`/`end`,
 * `setEncoding`, `destroy`). A body read here is decoded, so the stand-in is never compressed.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import type { ConnectionResponse } from '../exchange/types'
import { isTransportDecoded, unzipBody } from '../common/content-encoding'

/** A response whose body has been read. */
export interface BufferedResponse extends ConnectionResponse {
  body: Buffer
}

/**
 * Reads a response's body to the end, decoded when it is gzip or deflate (the encodings the
 * transports decode; anything else stays as it came, header and all). Rejects when the
 * response ends early (connection dropped, request aborted).
 */
export async function readResponseBody(res: IncomingMessage): Promise<BufferedResponse> {
  const raw = await collect(res)
  const headers: IncomingHttpHeaders = { ...res.headers }
  let body = raw
  if (isTransportDecoded(headers['content-encoding'])) {
    try {
      body = await unzipBody(raw)
      delete headers['content-encoding']
    } catch {
      // Not what it says it is: the transport's own decoding reports it as it would have.
    }
  }
  return { statusCode: res.statusCode ?? 0, headers, body }
}

/** A stream the transport reads like the response it stands in for, with `response.body` as its bytes. */
export function standInResponse(response: ConnectionResponse): IncomingMessage {
  const body = response.body
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : '', 'utf8')
  const stream = new Readable({ read() {} })
  stream.push(bytes)
  stream.push(null)
  return Object.assign(stream, {
    statusCode: response.statusCode,
    headers: { ...response.headers, 'content-length': String(bytes.length) },
  }) as unknown as IncomingMessage
}

function collect(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let done = false
    const finish = (err?: Error): void => {
      if (done) return
      done = true
      if (err) reject(err)
      else resolve(Buffer.concat(chunks))
    }
    res.on('data', (chunk: Buffer) => chunks.push(chunk))
    res.once('end', () => finish())
    res.once('error', (err) => finish(err))
    res.once('aborted', () => finish(new Error('Response aborted while reading the body')))
    res.once('close', () => {
      if (!res.complete) finish(new Error('Response closed before its end'))
    })
  })
}
