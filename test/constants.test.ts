import { expect } from 'chai'
import * as smithy from '@smithy/signature-v4'
import * as constants from '../lib/constants'

describe('constants', () => {
  it("spells SigV4's names as AWS's signer (@smithy/signature-v4) does", () => {
    for (const name of [
      'ALGORITHM_IDENTIFIER',
      'KEY_TYPE_IDENTIFIER',
      'SHA256_HEADER',
      'UNSIGNED_PAYLOAD',
    ] as const) {
      expect(constants[name], name).to.equal(smithy[name])
    }
  })

  it('EMPTY_PAYLOAD_SHA256 is the SHA-256 of nothing', async () => {
    const { createHash } = await import('node:crypto')
    expect(constants.EMPTY_PAYLOAD_SHA256).to.equal(createHash('sha256').digest('hex'))
  })
})
