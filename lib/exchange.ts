/**
 * One signed exchange with the service: sign the request, send it through the base connection,
 * read the answer, learn from an AWS rejection (recovery.ts), and retry once, re-signed, when
 * that sends something new. Independent of the client lineage: the base connection is reached
 * only through `send`, so the promise-based 8.x/9.x connections and the callback-based 7.x
 * ones share this flow.
 */
import type { CredentialCache } from './credentials'
import type { SkewCorrectedClock } from './clock'
import type { RequestSigner } from './request-signer'
import type {
  ConnectionContext,
  ConnectionResponse,
  SignedTransportRequest,
  TransportRequest,
} from './transport'
import type { ReadResponse } from './responses'
import { readResponse, withResponseHint, withSignatureDebug } from './responses'
import { Recovery } from './recovery'

export interface ExchangeOptions {
  signer: RequestSigner
  credentials: CredentialCache
  /** The skew-corrected clock the signer dates requests with. */
  clock: SkewCorrectedClock
  retryOnAwsRejection: boolean
  debugSignatureMismatch: boolean
}

/** Sends a signed request through the base connection and resolves with its response. */
export type Send = (signed: SignedTransportRequest) => Promise<ConnectionResponse>

export interface ExchangeRequest {
  params: TransportRequest
  context: ConnectionContext
  signal?: AbortSignal
  /**
   * The caller reads the body as a stream: it is neither redacted nor classified, and only the
   * clock is learned from a 403 (see `Recovery.learnFromStream`).
   */
  asStream?: boolean
}

/** Runs exchanges for every connection of one connection class (one cache, one clock). */
export class Exchanges {
  readonly #options: ExchangeOptions
  readonly #recovery: Recovery

  constructor(options: ExchangeOptions, recovery?: Recovery) {
    this.#options = options
    this.#recovery =
      recovery ?? new Recovery({ credentials: options.credentials, clock: options.clock })
  }

  async run(request: ExchangeRequest, send: Send): Promise<ConnectionResponse> {
    const { signer, retryOnAwsRejection } = this.#options
    const { params, context, signal } = request
    let signedAt = this.#recovery.stamp()
    let signed = await signer.sign(params, context, signal)
    let response = await send(signed)
    if (request.asStream) {
      this.#recovery.learnFromStream(response, signed)
      return response
    }
    if (response.statusCode < 400) return response

    let read = await readResponse(response, signed, context.refusals)
    // Learned whether or not a retry follows; only the retry itself is optional.
    const retry = retryOnAwsRejection && signed.replayable
    const helps = await this.#recovery.learn(read, signed, { retry, signedAt, signal })
    if (retry && helps) {
      signedAt = this.#recovery.stamp()
      signed = await signer.sign({ ...params, body: signed.params.body }, context, signal)
      response = await send(signed)
      if (response.statusCode < 400) return response
      read = await readResponse(response, signed, context.refusals)
      // Learned from too (a clock that was learned wrong heals here), but not retried again.
      await this.#recovery.learn(read, signed, { retry: false, signedAt, signal })
    }
    return this.#forClient(read, signed)
  }

  /** The refusal as the client gets it: what was signed beside a mismatch, Serverless's hint. */
  #forClient(read: ReadResponse, signed: SignedTransportRequest): ConnectionResponse {
    const debugged = this.#options.debugSignatureMismatch
      ? withSignatureDebug(read, signed)
      : read.response
    return withResponseHint({ ...read, response: debugged })
  }
}
