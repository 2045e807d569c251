/**
 * The signing connection class for the callback lineage (lineage.ts): @elastic/elasticsearch
 * 7.x and the OpenSearch client 2.x/3.x. Their `request(params, callback)` returns an `abort()`
 * handle at once and calls back with the raw `IncomingMessage`.
 *
 * Each request runs the exchange every lineage shares (exchange.ts: sign, send, read, learn,
 * retry once) through a `send` that wraps the base's callback in a promise. What the exchange
 * reads of a response is its body as a string or Buffer (responses.ts): so `send` reads the
 * body of exactly the responses that must be looked at — a 403 (an AWS rejection to recognise,
 * redact and explain) and the answer to the 7.14–7.17 product check (product-check.ts) — and
 * passes every other response through as the raw stream, unread. Bodies that were read reach
 * the transport as a stand-in stream (stand-in-response.ts).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { ConnectionConstructor, NodeOptions, ResolvedOptions } from './options'
import type { Exchanges, Send } from '../exchange/exchanges'
import type {
  ConnectionContext,
  ConnectionResponse,
  SignedTransportRequest,
  TransportRequest,
} from '../exchange/types'
import { callbackClientOf } from './lineage'
import { loadedModuleExports } from '../platform/client-loader'
import { nodeContext, setUpNodeConnection } from './setup'
import { isReadable } from '../exchange/payload'
import { parseJsonObject } from '../aws/rejections'
import { serviceFor } from '../aws/services'
import { bodyText } from '../exchange/types'
import { AwsSigV4AbortError, AwsSigV4UnsupportedEngineError } from '../errors'
import { answerProductCheck, isProductCheck, LOCAL_PRODUCT_CHECK_INFO } from './product-check'
import { readResponseBody, standInResponse } from './stand-in-response'

/** How the base connection calls back. */
export type ConnectionCallback = (err: Error | null, response: IncomingMessage | null) => void

/** What `request()` returns: the transport aborts through it. */
export interface Abortable {
  abort(): void
}

/** What the mixin needs of a callback-lineage base connection instance. */
interface CallbackBaseInstance {
  url: URL
  headers: IncomingHttpHeaders
  /** The base counts requests in flight here; `close()` waits for it to reach 0. */
  _openRequests?: number
  request(params: Record<string, unknown>, callback: ConnectionCallback): Abortable
}

// A mixin base must take `any[]`; the public types stay `any`-free.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CallbackBase = new (...args: any[]) => CallbackBaseInstance

/** The keys of the transport's params that the signed copy supplies. */
const SIGNED_KEYS = new Set(['method', 'path', 'querystring', 'headers', 'body'])
/**
 * Keys never handed to the base, which passes every key on to `http.request`: the OpenSearch
 * transport's `auth` (its own signer's credentials) would be taken there as `user:password`.
 */
const NEVER_SENT = new Set(['auth', '__proto__'])

const NO_ABORT: Abortable = Object.freeze({ abort() {} })

/**
 * The class for `baseConnection` of the callback lineage, signing through `exchanges` (shared by
 * every connection of the class). The client's package is looked up once, here.
 */
export function createCallbackConnection(
  config: ResolvedOptions,
  exchanges: Exchanges,
): ConnectionConstructor {
  const Base = config.baseConnection as unknown as CallbackBase
  const client = callbackClientOf(config.baseConnection, loadedModuleExports())
  const RequestAborted = client.RequestAbortedError ?? AwsSigV4AbortError
  // What the engine reported, once its product check answer showed it unsupported: later checks
  // (the transport's retries, the re-check before each later request) are answered locally.
  let unsupportedEngine: string | undefined

  class AwsSigV4Connection extends Base {
    // Private, so `util.inspect`, `JSON.stringify` and the transport's `meta.connection` never
    // reach anything signing-related.
    readonly #node: NodeOptions
    #context: ConnectionContext | undefined

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args)
      this.#node = setUpNodeConnection(this, args[0], config)
    }

    override request(params: Record<string, unknown>, callback: ConnectionCallback): Abortable {
      const done = once(callback)
      const productCheck =
        client.productCheck && this.#node.plainMediaTypes && isProductCheck(params)
      if (productCheck) {
        const local = this.#localProductCheckAnswer()
        if (local !== undefined) {
          process.nextTick(() => (local instanceof Error ? done(local, null) : done(null, local)))
          return NO_ABORT
        }
      }

      const controller = new AbortController()
      // The base's request of the latest attempt: aborting it stops it in flight, or stops the
      // transport's read of the response it called back with, as on the base class itself.
      let current: Abortable | undefined
      let aborted = false
      const asStream = params.asStream === true
      const mustRead = (status: number | undefined): boolean =>
        productCheck || (status === 403 && !asStream)

      const send: Send = (signed) =>
        new Promise<ConnectionResponse>((resolve, reject) => {
          if (aborted) return reject(new AwsSigV4AbortError())
          const open = this._openRequests
          try {
            current = super.request(sendableCopy(params, signed), (err, res) => {
              if (err !== null || res === null) {
                return reject(
                  err ?? new Error('The base connection called back without a response'),
                )
              }
              if (!mustRead(res.statusCode)) {
                return resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res })
              }
              readResponseBody(res).then(resolve, reject)
            })
          } catch (err) {
            // `http.request` throws synchronously for some header values, after the base counted
            // the request as open: uncounted again, or `close()` would wait for it forever.
            if (typeof open === 'number' && this._openRequests === open + 1)
              this._openRequests = open
            reject(err)
          }
        })

      const context = (this.#context = nodeContext(this.#node, this, this.#context))
      exchanges
        .run(
          {
            params: params as unknown as TransportRequest,
            context,
            signal: controller.signal,
            asStream,
          },
          send,
        )
        .then((response) => (productCheck ? answered(response) : response))
        .then(
          (response) => done(null, toIncomingMessage(response)),
          (err: unknown) => done(aborted ? abortError(err) : (err as Error), null),
        )

      return {
        abort: () => {
          if (aborted) return
          aborted = true
          // Sent, the base calls back its own RequestAbortedError; before, the signer stops.
          current?.abort()
          controller.abort()
        },
      }
    }

    /** The product check answered without sending it, or undefined when it must be sent. */
    #localProductCheckAnswer(): IncomingMessage | Error | undefined {
      if (unsupportedEngine !== undefined) {
        return new AwsSigV4UnsupportedEngineError(unsupportedEngine)
      }
      if (!serviceFor(this.#node.target.service).clusterInfo) {
        return standInResponse({
          statusCode: 200,
          headers: { 'content-type': 'application/json; charset=UTF-8' },
          body: JSON.stringify(LOCAL_PRODUCT_CHECK_INFO),
        })
      }
      return undefined
    }
  }

  /** The server's answer to the product check, as the client is to see it. */
  function answered(response: ConnectionResponse): ConnectionResponse {
    const text = response.statusCode < 300 ? bodyText(response.body) : undefined
    const info = text === undefined ? undefined : parseJsonObject(text)
    if (info === undefined) return response
    const answer = answerProductCheck(info)
    if (answer.kind === 'unsupported') {
      unsupportedEngine = answer.engine
      throw new AwsSigV4UnsupportedEngineError(answer.engine)
    }
    return answer.kind === 'adapted' ? { ...response, body: JSON.stringify(answer.info) } : response
  }

  /** The client's own RequestAbortedError: the base's, when it reported the abort itself. */
  function abortError(err: unknown): Error {
    if (
      err instanceof Error &&
      err.name === 'RequestAbortedError' &&
      !(err instanceof AwsSigV4AbortError)
    ) {
      return err
    }
    return new RequestAborted('Request aborted before it was signed and sent')
  }

  return AwsSigV4Connection as unknown as ConnectionConstructor
}

/**
 * What the base is handed: the signed method, path, query, headers and body, and every other
 * key of the transport's params as it is (`timeout`, `asStream`, …) except those never sent.
 * The signed params' prototype is kept: it shows the token and signature redacted when the base
 * logs the params (`DEBUG=elasticsearch`, `DEBUG=opensearch`). The transport's params are never
 * modified.
 */
export function sendableCopy(
  params: Record<string, unknown>,
  signed: SignedTransportRequest,
): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(signed.params) as object) as Record<
    string,
    unknown
  >
  for (const key of Object.keys(params)) {
    if (!SIGNED_KEYS.has(key) && !NEVER_SENT.has(key)) copy[key] = params[key]
  }
  return Object.assign(copy, signed.params)
}

/** The response for the base's callback: the raw one when nothing read it, else a stand-in. */
function toIncomingMessage(response: ConnectionResponse): IncomingMessage {
  return isReadable(response.body) ? (response.body as IncomingMessage) : standInResponse(response)
}

/** A callback that runs at most once; later calls (a late error after an abort) are dropped. */
function once(callback: ConnectionCallback): ConnectionCallback {
  let called = false
  return (err, response) => {
    if (called) return
    called = true
    callback(err, response)
  }
}
