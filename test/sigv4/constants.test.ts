import { expect } from 'chai'
import * as smithy from '@smithy/signature-v4'
import * as constants from '../../lib/sigv4/constants'

describe('constants', () => {
  it("spells SigV4's names as AWS's signer (@smithy/signature-v4) does", () => {
    for (const name of [
      'ALGORITHM_IDENTIFIER',
      'KEY_TYPE_IDENTIFIER',
      'AUTH_HEADER',
      'AMZ_DATE_HEADER',
      'TOKEN_HEADER',
      'SHA256_HEADER',
      'UNSIGNED_PAYLOAD',
    ] as const) {
      expect(constants[name], name).to.equal(smithy[name])
    }
  })

  it("lists the presigned-URL query parameters as AWS's signer names them", () => {
    expect(constants.PRESIGNED_QUERY_PARAMETERS).to.deep.equal([
      smithy.ALGORITHM_QUERY_PARAM,
      smithy.CREDENTIAL_QUERY_PARAM,
      smithy.AMZ_DATE_QUERY_PARAM,
      smithy.SIGNATURE_QUERY_PARAM,
      smithy.SIGNED_HEADERS_QUERY_PARAM,
      smithy.TOKEN_QUERY_PARAM,
    ])
  })

  it('EMPTY_PAYLOAD_SHA256 is the SHA-256 of nothing', async () => {
    const { createHash } = await import('node:crypto')
    expect(constants.EMPTY_PAYLOAD_SHA256).to.equal(createHash('sha256').digest('hex'))
  })
})
