/**
 * What the connection does to a response before the client sees it: the body of an error
 * decoded (gzip/deflate, as the client asked for with `compression: true`) and read once,
 * echoed secrets redacted, AWS's rejection recognised, what was signed added to a signature
 * mismatch, and Serverless's hint.
 *
 * Only bodies up to {@link MAX_READ_BYTES} (or the client's smaller `maxResponseSize`) are read:
 * AWS's refusals are a few kilobytes, and whatever is larger is no refusal to recognise. A larger
 * body, or a compressed one that decodes to more, is handed on as it came, for the client to
 * read (or refuse) by its own limits.
 */
import type { AwsRejection } from '../aws/rejections'
import type { RefusalStyle } from '../aws/services'
import type { ConnectionResponse, SignedTransportRequest } from './types'
import type { SigningTarget } from '../aws/endpoint'
import { classifyAwsRejection, isBareForbidden } from '../aws/rejections'
import { isTransportDecoded, unzipBody } from '../common/content-encoding'
import { withoutEchoedSecrets } from './secret-views'
import { bodyText, parseJsonObject } from '../common/body'

/**
 * The most of a response body the connection reads, or decodes, to look at it: 4 MiB. An AWS
 * refusal, even a signature mismatch quoting a long canonical request, is a few kilobytes.
 */
export const MAX_READ_BYTES = 4 * 1024 * 1024

/** A response read once: redacted, and the rejection it carries, if any. */
export interface ReadResponse {
  /** The response, with any secret of `signed` that AWS quoted back replaced. */
  response: ConnectionResponse
  rejection?: AwsRejection
}

/**
 * Reads an error response's body once: decoded when it came compressed, the text redacted,
 * then (for a 403) parsed and classified in the service's refusal style. Successful responses
 * are passed through untouched, and so is a body that cannot be decoded, or is (or decodes to)
 * more than `maxBytes` (default {@link MAX_READ_BYTES}): a gzip bomb is decoded only to the cap
 * here, and once by the client, as without us.
 */
export async function readResponse(
  response: ConnectionResponse,
  signed: SignedTransportRequest,
  style: RefusalStyle,
  maxBytes = MAX_READ_BYTES,
): Promise<ReadResponse> {
  if (response.statusCode < 400) return { response }
  const read = await readBody(response, maxBytes)
  if (read === undefined) return { response }
  const text = read
  const redacted = withoutEchoedSecrets(text, signed)
  const rejection = classifyAwsRejection({ statusCode: response.statusCode, body: redacted }, style)
  if (redacted === text) return { response, rejection }
  // A Buffer that came uncompressed (a binary media type) stays a Buffer.
  const keepBuffer = Buffer.isBuffer(response.body) && !isCompressed(response)
  return {
    response: withBody(response, keepBuffer ? Buffer.from(redacted, 'utf8') : redacted),
    rejection,
  }
}

/** For a signature mismatch, puts what we signed beside AWS's message in the response body. */
export function withSignatureDebug(
  { response, rejection }: ReadResponse,
  signed: SignedTransportRequest,
): ConnectionResponse {
  if (rejection?.kind !== 'signature-mismatch' || rejection.json === undefined) return response
  return withBody(response, JSON.stringify({ ...rejection.json, sigv4_debug: signed.describe() }))
}

/** What OpenSearch Serverless's `x-aoss-response-hint` values mean (its troubleshooting guide). */
const AOSS_HINTS: Readonly<Record<string, string>> = {
  'X01:gw-helper-deny':
    'refused before the collection: a data access policy that does not grant this principal ' +
    'the action (or aoss:APIAccessAll missing from its IAM policy), or a request not signed ' +
    'for aoss with x-amz-content-sha256',
  'X01:network-policy-deny': "the collection's network policy does not allow this source",
}

/**
 * For OpenSearch Serverless's bare refusal, puts its `x-aoss-response-hint` into AWS's body as
 * `error.caused_by`, which the client's `ResponseError` shows in its message (`Forbidden`, then
 * `Caused by: x-aoss-response-hint: …`). Nothing of AWS's body is changed or lost.
 */
export function withResponseHint({ response, rejection }: ReadResponse): ConnectionResponse {
  const header = response.headers['x-aoss-response-hint']
  const hint = Array.isArray(header) ? header.join(', ') : header
  const json = rejection?.kind === 'unexplained' ? rejection.json : undefined
  const error = json?.error
  if (!hint || typeof error !== 'object' || error === null || 'caused_by' in error) {
    return response
  }
  const meaning = AOSS_HINTS[hint]
  const caused_by = {
    type: 'x-aoss-response-hint',
    reason: meaning === undefined ? hint : `${hint} (${meaning})`,
  }
  return withBody(response, JSON.stringify({ ...json, error: { ...error, caused_by } }))
}

/**
 * For OpenSearch Serverless's bare refusal of a request signed for another service: a
 * collection behind a custom host (a proxy, a CNAME, a tunnel) is signed for the default `es`,
 * and Serverless answers only `Forbidden`. Says to sign for `aoss`, as `error.caused_by`, which
 * the client's `ResponseError` shows in its message, as `diagnose` says it with `--service aoss`.
 */
export function withServiceHint(
  { response }: ReadResponse,
  target: Pick<SigningTarget, 'service' | 'serviceSource'>,
): ConnectionResponse {
  if (target.service === 'aoss' || (response.statusCode !== 403 && response.statusCode !== 401)) {
    return response
  }
  const text = bodyText(response.body)
  const json = text === undefined ? undefined : parseJsonObject(text)
  const error = json?.error
  if (json === undefined || !isBareForbidden(json) || typeof error !== 'object' || error === null) {
    return response
  }
  if ('caused_by' in error) return response
  const header = response.headers['x-aoss-response-hint']
  const hint = Array.isArray(header) ? header.join(', ') : header
  const signed = `service '${target.service}'${target.serviceSource === 'default' ? ' (the default)' : ''}`
  const caused_by = {
    type: 'aws_sigv4_hint',
    reason:
      `OpenSearch Serverless refused a request signed for ${signed}: a collection behind a ` +
      "custom host must be signed for its own service, service: 'aoss' " +
      "(createAwsSigV4Connection({ service: 'aoss' }))" +
      (hint ? ` (x-aoss-response-hint: ${hint})` : ''),
  }
  return withBody(response, JSON.stringify({ ...json, error: { ...error, caused_by } }))
}

/**
 * The body as text. Both base connections of both majors hand a compressed body over as the
 * Buffer that arrived (the transport unzips it later), so it is unzipped here first, to at most
 * `maxBytes`. Undefined for no body in hand (a stream), a corrupt one, or one larger than
 * `maxBytes`.
 */
async function readBody(
  response: ConnectionResponse,
  maxBytes: number,
): Promise<string | undefined> {
  const { body } = response
  if (!isCompressed(response) || !Buffer.isBuffer(body)) {
    const size = typeof body === 'string' ? body.length : Buffer.isBuffer(body) ? body.length : 0
    return size > maxBytes ? undefined : bodyText(body)
  }
  try {
    return (await unzipBody(body, maxBytes)).toString('utf8')
  } catch {
    // Corrupt, or too large to look at: the client decodes it as it would have without us.
    return undefined
  }
}

function isCompressed(response: ConnectionResponse): boolean {
  return isTransportDecoded(response.headers['content-encoding'])
}

/**
 * The response with a new, uncompressed body: where the old one came compressed, without its
 * `content-encoding` (nor the now wrong `content-length`), so the transport reads it as it is.
 */
function withBody(response: ConnectionResponse, body: string | Buffer): ConnectionResponse {
  if (!isCompressed(response)) return { ...response, body }
  const headers = { ...response.headers }
  delete headers['content-encoding']
  delete headers['content-length']
  return { ...response, headers, body }
}
