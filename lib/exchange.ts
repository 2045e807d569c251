/**
 * One signed exchange with the service: sign the request, send it through the base connection,
 * read the answer, learn from an AWS rejection, and retry once, re-signed, when that can help.
 * Independent of the client lineage: the base connection is reached only through `send`, so the
 * promise-based 8.x/9.x connections and the callback-based 7.x ones share this flow.
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
import { readResponse, withSignatureDebug } from './responses'

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
  /** The caller reads the body as a stream: it is neither redacted nor classified. */
  asStream?: boolean
}

/** Runs exchanges for every connection of one connection class (one cache, one clock). */
export class Exchanges {
  readonly #options: ExchangeOptions

  constructor(options: ExchangeOptions) {
    this.#options = options
  }

  async run(request: ExchangeRequest, send: Send): Promise<ConnectionResponse> {
    const { signer, credentials, clock, retryOnAwsRejection, debugSignatureMismatch } =
      this.#options
    const { params, context, signal } = request
    let signed = await signer.sign(params, context, signal)
    let response = await send(signed)
    if (request.asStream) return response

    let read = await readResponse(response, signed, context.refusals)
    const rejection = read.rejection
    if (rejection !== undefined && retryOnAwsRejection && signed.replayable) {
      // Retry once, re-signed: with fresh credentials, or with the server's time.
      let recoverable = false
      if (rejection.kind === 'credentials-rejected') {
        credentials.invalidate(signed.credentials)
        recoverable = true
      } else if (rejection.kind === 'clock-skew') {
        recoverable = clock.learnFrom(response.headers.date)
      }
      if (recoverable) {
        signed = await signer.sign({ ...params, body: signed.params.body }, context, signal)
        response = await send(signed)
        read = await readResponse(response, signed, context.refusals)
      }
    }
    return debugSignatureMismatch ? withSignatureDebug(read, signed) : read.response
  }
}
