/**
 * The proxy's `send` for the exchange layer: a signed request to the endpoint over Node's own
 * HTTP client, on one keep-alive agent (so no Elasticsearch client is needed). The answer comes
 * back as it arrives: its body is the response stream, except for a refusal (401, 403), whose
 * body is read (bounded) so the exchange can tell a rejected token or a skewed clock from the
 * rest, and retry.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { ClientRequest, IncomingMessage } from 'node:http'
import type { RequestOptions } from 'node:https'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'
import type { ConnectionResponse, SignedTransportRequest } from '../../exchange/types'
import { joinPath } from '../../exchange/request-signer'
import { isReadable } from '../../exchange/payload'
import type { Departure } from './departure'

/** Refusal bodies are read up to this many bytes; a longer one is passed on as a stream. */
export const MAX_REFUSAL_BYTES = 1024 * 1024

export interface UpstreamOptions {
  /** The endpoint: scheme, host, port, and the path prefix every request goes under. */
  url: URL
  /** The name the certificate must be for, when it is not the URL's host (`--signing-host`). */
  servername?: string
  /** CA certificates to trust instead of Node's (`--cacert`). */
  ca?: string | Buffer
  /** Accept any certificate (`--insecure`). */
  insecure?: boolean
  /** Time to wait for an answer's head. */
  timeoutMs: number
}

/** Why no answer came: the endpoint was not reached or failed, or took longer than allowed. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'timeout' | 'aborted',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    // A timeout is named as the platform names one (unreachable.ts words it so).
    this.name = kind === 'timeout' ? 'TimeoutError' : 'UpstreamError'
  }
}

export class Upstream {
  readonly #prefix: string
  readonly #agent: HttpAgent
  readonly #https: boolean
  readonly #timeoutMs: number
  /** What every request to the endpoint is opened with. */
  readonly #base: RequestOptions

  constructor(options: UpstreamOptions) {
    this.#prefix = options.url.pathname
    this.#https = options.url.protocol === 'https:'
    this.#timeoutMs = options.timeoutMs
    const common = { keepAlive: true, scheduling: 'lifo' as const, maxFreeSockets: 256 }
    this.#agent = this.#https
      ? new HttpsAgent({
          ...common,
          ...(options.ca === undefined ? {} : { ca: options.ca }),
          rejectUnauthorized: options.insecure !== true,
        })
      : new HttpAgent(common)
    this.#base = {
      agent: this.#agent,
      protocol: options.url.protocol,
      hostname: options.url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: options.url.port,
      ...(options.servername === undefined ? {} : { servername: options.servername }),
    }
  }

  /**
   * Sends one signed request; resolves with the answer once its head has arrived, rejects with
   * an UpstreamError. A request on a pooled connection the endpoint had closed meanwhile is
   * sent once more on a new one, when its body can be sent again.
   */
  send(signed: SignedTransportRequest, departure?: Departure): Promise<ConnectionResponse> {
    return this.#attempt(signed, departure).catch((err: unknown) => {
      if (!(err instanceof StaleSocketError)) throw err
      return this.#attempt(signed, departure)
    })
  }

  /** Closes the pooled connections. */
  close(): void {
    this.#agent.destroy()
  }

  #attempt(signed: SignedTransportRequest, departure?: Departure): Promise<ConnectionResponse> {
    const { method, path, querystring, headers, body } = signed.params
    const target = joinPath(this.#prefix, path) + (querystring === '' ? '' : `?${querystring}`)
    return new Promise<ConnectionResponse>((resolve, reject) => {
      if (departure?.gone) {
        reject(new UpstreamError('aborted', 'the client went away'))
        return
      }
      // The signed request's own headers (content-length among them, set by the caller).
      const request = (this.#https ? httpsRequest : httpRequest)({
        ...this.#base,
        method,
        path: target,
        headers,
      })
      let settled = false
      const fail = (err: UpstreamError | StaleSocketError): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        undo?.()
        reject(err)
      }
      const timer = setTimeout(() => {
        fail(new UpstreamError('timeout', `no answer within ${this.#timeoutMs / 1000} s`))
        request.destroy()
      }, this.#timeoutMs)
      // Until the answer's head, a client going away ends the request; after, the answer.
      let undo: (() => void) | undefined = departure?.onLeave(() => {
        fail(new UpstreamError('aborted', 'the client went away'))
        request.destroy()
      })

      request.on('error', (err: NodeJS.ErrnoException) => {
        if (request.reusedSocket && err.code === 'ECONNRESET' && !isReadable(body)) {
          fail(new StaleSocketError())
        } else {
          fail(new UpstreamError('unreachable', err.message, { cause: err }))
        }
      })
      request.on('response', (response: IncomingMessage) => {
        clearTimeout(timer)
        undo?.()
        undo = departure?.onLeave(() => response.destroy())
        const status = response.statusCode ?? 502
        if (status !== 401 && status !== 403) {
          settled = true
          resolve({ statusCode: status, headers: response.headers, body: response })
          return
        }
        readRefusal(response, MAX_REFUSAL_BYTES).then(
          (bodyRead) => {
            settled = true
            resolve({ statusCode: status, headers: response.headers, body: bodyRead })
          },
          (err: Error) => fail(new UpstreamError('unreachable', err.message, { cause: err })),
        )
      })
      writeBody(request, body)
    })
  }
}

/** A pooled connection the endpoint had closed before our request went out on it. */
class StaleSocketError extends Error {}

function writeBody(request: ClientRequest, body: SignedTransportRequest['params']['body']): void {
  if (isReadable(body)) {
    body.on('error', (err) => request.destroy(err))
    body.pipe(request)
  } else if (body === undefined || body === null) {
    request.end()
  } else {
    request.end(body)
  }
}

/**
 * A refusal's body: the Buffer of its bytes when they are at most `cap`; otherwise a stream of
 * all of them (those read, then the rest), so nothing is lost and nothing large is held.
 */
export async function readRefusal(response: Readable, cap: number): Promise<Buffer | Readable> {
  const iterator = (response as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
  const chunks: Buffer[] = []
  let size = 0
  for (;;) {
    const next = await iterator.next()
    if (next.done) return Buffer.concat(chunks, size)
    chunks.push(next.value)
    size += next.value.length
    if (size > cap) {
      return Readable.from(
        (async function* () {
          yield* chunks
          for (let more = await iterator.next(); !more.done; more = await iterator.next()) {
            yield more.value
          }
        })(),
      )
    }
  }
}
