/**
 * The floor contender: UndiciConnection sending SigV4-sized headers (`host`, an Authorization of
 * real length, `x-amz-date`, `x-amz-content-sha256`) and Amazon's plain media types, on a copy
 * of the request, with no crypto and no canonicalisation: what any SigV4 connection costs
 * before it signs anything. Signing can come near this, not below it.
 */
import { UndiciConnection } from '@elastic/elasticsearch'
import type { ConnectionRequestParams } from '@elastic/elasticsearch'

const AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/es/aws4_request, ' +
  `SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=${'0123456789abcdef'.repeat(4)}`
const PAYLOAD_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const PLAIN: Readonly<Record<string, string>> = {
  'application/vnd.elasticsearch+json; compatible-with=9': 'application/json',
  'application/vnd.elasticsearch+x-ndjson; compatible-with=9': 'application/x-ndjson',
}

export class FloorConnection extends UndiciConnection {
  // The base's overloads (buffered, streamed) are kept by passing its options through as they are.
  override request(params: ConnectionRequestParams, options: object): Promise<never> {
    const headers: Record<string, unknown> = { ...params.headers }
    for (const name of ['content-type', 'accept']) {
      const value = headers[name]
      if (typeof value === 'string') headers[name] = PLAIN[value] ?? value
    }
    headers.host = this.url.host
    headers.authorization = AUTHORIZATION
    headers['x-amz-date'] = '20261201T120000Z'
    headers['x-amz-content-sha256'] = PAYLOAD_HASH
    return super.request(
      { ...params, headers } as ConnectionRequestParams,
      options as never,
    ) as Promise<never>
  }
}
