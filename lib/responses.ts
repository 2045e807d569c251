/**
 * What the connection does to a response before the client sees it: echoed secrets redacted,
 * AWS's rejection recognised (the body is decoded and parsed once), what was signed added to a
 * signature mismatch, and the product header for Amazon-managed engines.
 */
import type { AwsRejection } from './aws-rejection'
import type { RefusalStyle } from './services'
import type { ConnectionResponse, SignedTransportRequest } from './transport'
import { classifyAwsRejection } from './aws-rejection'
import { ELASTIC_PRODUCT } from './constants'
import { withoutEchoedSecrets } from './redaction'
import { bodyText } from './transport'

/** A response read once: redacted, and the rejection it carries, if any. */
export interface ReadResponse {
  /** The response, with any secret of `signed` that AWS quoted back replaced. */
  response: ConnectionResponse
  rejection?: AwsRejection
}

/**
 * Reads an error response's body once: the text is redacted, then (for a 403) parsed and
 * classified in the service's refusal style. Successful responses are passed through untouched.
 */
export function readResponse(
  response: ConnectionResponse,
  signed: SignedTransportRequest,
  style: RefusalStyle,
): ReadResponse {
  const text = response.statusCode < 400 ? undefined : bodyText(response.body)
  if (text === undefined) return { response }
  const redacted = withoutEchoedSecrets(text, signed)
  const rejection = classifyAwsRejection({ statusCode: response.statusCode, body: redacted }, style)
  if (redacted === text) return { response, rejection }
  const body = Buffer.isBuffer(response.body) ? Buffer.from(redacted, 'utf8') : redacted
  return { response: { ...response, body }, rejection }
}

/** For a signature mismatch, puts what we signed beside AWS's message in the response body. */
export function withSignatureDebug(
  { response, rejection }: ReadResponse,
  signed: SignedTransportRequest,
): ConnectionResponse {
  if (rejection?.kind !== 'signature-mismatch' || rejection.json === undefined) return response
  return {
    ...response,
    body: JSON.stringify({ ...rejection.json, sigv4_debug: signed.describe() }),
  }
}

/** Adds `x-elastic-product` to a response from an Amazon-managed engine (see compat.ts). */
export function withProductHeader(response: ConnectionResponse): ConnectionResponse {
  if (response.headers['x-elastic-product'] !== undefined) return response
  return { ...response, headers: { ...response.headers, 'x-elastic-product': ELASTIC_PRODUCT } }
}
