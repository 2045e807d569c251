import type { SignedTransportRequest } from './request-signer'
import type { ConnectionResponse } from './redaction'
import { classifyAwsRejection } from './aws-rejection'
import { ELASTIC_PRODUCT } from './constants'

/** Adds `x-elastic-product` to a response from an Amazon-managed engine (see compat.ts). */
export function withProductHeader(response: ConnectionResponse): ConnectionResponse {
  if (response.headers['x-elastic-product'] !== undefined) return response
  return { ...response, headers: { ...response.headers, 'x-elastic-product': ELASTIC_PRODUCT } }
}

/** For a signature mismatch, puts what we signed beside AWS's message in the response body. */
export async function withSignatureDebug(
  response: ConnectionResponse,
  signed: SignedTransportRequest,
): Promise<ConnectionResponse> {
  if (classifyAwsRejection(response)?.kind !== 'signature-mismatch') return response
  const text = Buffer.isBuffer(response.body) ? response.body.toString('utf8') : response.body
  let body: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(text as string)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return response
    body = parsed as Record<string, unknown>
  } catch {
    return response
  }
  body.sigv4_debug = await signed.describe()
  return { ...response, body: JSON.stringify(body) }
}
