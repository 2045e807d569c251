import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { Sha256 } from '@aws-crypto/sha256-js'
import { describeWithSmithy, signWithSmithy } from '../../lib/sigv4/smithy'
import type { RequestToSign, SigningContext } from '../../lib/sigv4/types'

const req: RequestToSign = {
  method: 'GET',
  host: 'example.amazonaws.com',
  path: '/a%20b/',
  query: 'x=1&y=%2A',
  headers: { 'content-type': 'application/json', date: 'Mon, 01 Jan 2026 12:00:00 GMT' },
  payloadHash: 'UNSIGNED-PAYLOAD',
}
const ctx: SigningContext = {
  credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'TOKEN' },
  region: 'eu-west-1',
  service: 'es',
  signingDate: new Date('2026-01-01T12:00:00Z'),
  sha256: Sha256,
}

describe("sigv4-smithy: AWS's own signer, the reference", () => {
  it('signs with the context: scope, date, token, the signed header names', async () => {
    const headers = await signWithSmithy(req, ctx)
    expect(headers['x-amz-date']).to.equal('20260101T120000Z')
    expect(headers['x-amz-security-token']).to.equal('TOKEN')
    expect(headers.authorization).to.match(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20260101\/eu-west-1\/es\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    )
  })

  it('describes what its sign signs (a given date header dropped as sign drops it), token redacted', () => {
    const { canonicalRequest, stringToSign } = describeWithSmithy(req, ctx)
    expect(canonicalRequest).to.equal(
      [
        'GET',
        '/a%2520b/',
        'x=1&y=%2A',
        'content-type:application/json',
        'host:example.amazonaws.com',
        'x-amz-content-sha256:UNSIGNED-PAYLOAD',
        'x-amz-date:20260101T120000Z',
        'x-amz-security-token:<redacted session token>',
        '',
        'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token',
        'UNSIGNED-PAYLOAD',
      ].join('\n'),
    )
    const hashed = createHash('sha256')
      .update(canonicalRequest.replace('<redacted session token>', 'TOKEN'))
      .digest('hex')
    expect(stringToSign).to.equal(
      `AWS4-HMAC-SHA256\n20260101T120000Z\n20260101/eu-west-1/es/aws4_request\n${hashed}`,
    )
  })
})
