/**
 * The signing connection class for the callback lineage (lineage.ts): @elastic/elasticsearch
 * 7.x and the OpenSearch client 2.x/3.x. Their `request(params, callback)` returns an `abort()`
 * handle at once and calls back with the raw `IncomingMessage`.
 *
 * Each request runs the exchange every lineage shares (exchange/exchanges.ts: sign, send, read,
 * learn, retry once) through a `send` that wraps the base's callback in a promise
 * ({@link CallbackRequest}). What the exchange reads of a response is its body as a string or
 * Buffer: so `send` reads the body of exactly the responses that must be looked at — a 403 (an
 * AWS rejection to recognise, redact and explain) and the answer to the 7.14–7.17 product check
 * (product-check.ts), at most MAX_READ_BYTES of it within the request's timeout — and passes
 * every other response through as the raw stream, unread; for any other error, with any secret
 * it quotes replaced as the transport reads it. Bodies that were read reach the transport as a
 * stand-in stream (stand-in-response.ts).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { ResolvedOptions } from './options'
import type { ConnectionConstructor } from './types'
import type { Exchanges, Send } from '../exchange/exchanges'
import type {
  ConnectionResponse,
  SignedTransportRequest,
  TransportRequest,
} from '../exchange/types'
import { callbackClientOf } from './lineage'
import { loadedModuleExports } from '../platform/client-loader'
import { NodeSigning } from './setup'
import { isReadable } from '../exchange/payload'
import { AwsSigV4AbortError } from '../errors'
import { ProductCheckAnswers, isProductCheck } from './product-check'
import {
  declaredLength,
  readResponseBody,
  redactWhileRead,
  standInResponse,
} from './stand-in-response'
import { withoutEchoedSecrets } from '../exchange/secret-views'
import type { ResponseErrors } from './stand-in-response'
import { MAX_READ_BYTES } from '../exchange/responses'

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

/** The base class's own `request`, bound to one connection. */
type BaseRequest = (params: Record<string, unknown>, callback: ConnectionCallback) => Abortable

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
  const errors: ResponseErrors = {
    ConnectionError: client.ConnectionError,
    TimeoutError: client.TimeoutError,
    RequestAbortedError: RequestAborted,
  }
  const productCheck = new ProductCheckAnswers()

  class AwsSigV4Connection extends Base {
    // Private, so `util.inspect`, `JSON.stringify` and the transport's `meta.connection` never
    // reach anything signing-related.
    readonly #signing: NodeSigning

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args)
      this.#signing = new NodeSigning(this, args[0], config)
    }

    override request(params: Record<string, unknown>, callback: ConnectionCallback): Abortable {
      const done = once(callback)
      const { node } = this.#signing
      const isCheck = client.productCheck && node.plainMediaTypes && isProductCheck(params)
      const local = isCheck ? productCheck.localAnswer(node.target.service) : undefined
      if (local !== undefined) {
        process.nextTick(() =>
          local instanceof Error ? done(local, null) : done(null, standInResponse(local)),
        )
        return NO_ABORT
      }

      const request = new CallbackRequest(params, isCheck, this, errors, (p, cb) =>
        super.request(p, cb),
      )
      exchanges
        .run(
          {
            params: params as unknown as TransportRequest,
            context: this.#signing.context(),
            signal: request.signal,
            asStream: request.asStream,
            timeoutMs: typeof params.timeout === 'number' ? params.timeout : undefined,
          },
          request.send,
        )
        .then((response) => (isCheck ? productCheck.answered(response) : response))
        .then(
          (response) => done(null, toIncomingMessage(response)),
          (err: unknown) => done(request.aborted ? abortError(err) : (err as Error), null),
        )
      return { abort: () => request.abort() }
    }
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
 * One request of the transport, through every attempt the exchange makes: each attempt goes to
 * the base, and an abort stops the one in flight (the base then calls back its own
 * RequestAbortedError), or the signer before anything is sent.
 */
class CallbackRequest {
  readonly asStream: boolean
  readonly #params: Record<string, unknown>
  /** Every answer is read (the product check's); otherwise only a 403 not read as a stream. */
  readonly #readEvery: boolean
  readonly #connection: CallbackBaseInstance
  readonly #errors: ResponseErrors
  readonly #baseRequest: BaseRequest
  readonly #controller = new AbortController()
  /** The base's request of the latest attempt. */
  #current: Abortable | undefined
  #aborted = false

  constructor(
    params: Record<string, unknown>,
    readEvery: boolean,
    connection: CallbackBaseInstance,
    errors: ResponseErrors,
    baseRequest: BaseRequest,
  ) {
    this.#params = params
    this.asStream = params.asStream === true
    this.#readEvery = readEvery
    this.#connection = connection
    this.#errors = errors
    this.#baseRequest = baseRequest
  }

  get signal(): AbortSignal {
    return this.#controller.signal
  }

  get aborted(): boolean {
    return this.#aborted
  }

  /** The exchange's `send`: one attempt through the base, read when it must be looked at. */
  readonly send: Send = (signed) =>
    new Promise<ConnectionResponse>((resolve, reject) => {
      if (this.#aborted) return reject(new AwsSigV4AbortError())
      const connection = this.#connection
      const open = connection._openRequests
      const sentAt = Date.now()
      try {
        this.#current = this.#baseRequest(sendableCopy(this.#params, signed), (err, res) => {
          if (err !== null || res === null) {
            return reject(err ?? new Error('The base connection called back without a response'))
          }
          if (!this.#mustRead(res)) {
            this.#redactWhileRead(res, signed)
            return resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res })
          }
          // Read within what is left of the request's timeout, which the base stops applying
          // once the headers are in.
          const timeout = this.#params.timeout
          const timeoutMs =
            typeof timeout === 'number' && timeout > 0 ? timeout - (Date.now() - sentAt) : undefined
          readResponseBody(res, { maxBytes: MAX_READ_BYTES, timeoutMs, errors: this.#errors }).then(
            resolve,
            reject,
          )
        })
      } catch (err) {
        // `http.request` throws synchronously for some header values, after the base counted
        // the request as open: uncounted again, or `close()` would wait for it forever.
        if (typeof open === 'number' && connection._openRequests === open + 1) {
          connection._openRequests = open
        }
        reject(err)
      }
    })

  abort(): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#current?.abort()
    this.#controller.abort()
  }

  /**
   * The product check's answer, and a 403 not read as a stream; but not a body that declares
   * itself larger than what is read: that one the client takes, or refuses, by its own limits.
   */
  #mustRead(res: IncomingMessage): boolean {
    const wanted = this.#readEvery || (res.statusCode === 403 && !this.asStream)
    return wanted && !this.#declaredTooLarge(res)
  }

  /**
   * Any error other than those read here: the transport reads it itself, and any secret it
   * quotes is replaced as it is read (redactWhileRead). The base calls back as the headers
   * arrive, before any of the body; a base that called back later, with body bytes already in
   * the response, would get it as it came.
   */
  #redactWhileRead(res: IncomingMessage, signed: SignedTransportRequest): void {
    if ((res.statusCode ?? 0) < 400 || this.asStream || this.#declaredTooLarge(res)) return
    redactWhileRead(res, (text) => withoutEchoedSecrets(text, signed), MAX_READ_BYTES)
  }

  /** A body declared larger than what is read: the client takes, or refuses, it by its own limits. */
  #declaredTooLarge(res: IncomingMessage): boolean {
    return declaredLength(res.headers) > MAX_READ_BYTES
  }
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

/**
 * The response for the base's callback: the raw one when nothing read it (with the headers the
 * exchange redacted, if it did), else a stand-in.
 */
function toIncomingMessage(response: ConnectionResponse): IncomingMessage {
  if (!isReadable(response.body)) return standInResponse(response)
  const raw = response.body as IncomingMessage
  if (raw.headers !== response.headers) raw.headers = response.headers
  return raw
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
