import { expect } from 'chai'
import { createHash, randomBytes } from 'node:crypto'
import { Sha256 } from '@aws-crypto/sha256-js'
import { NodeSha256, sha256Hex, sha256HexNow } from '../lib/sha256'

const reference = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex')

describe('sha256: payload hashes', () => {
  const samples: Array<string | Uint8Array> = [
    '',
    'abc',
    'héllo 日本 😀',
    'x'.repeat(100_000),
    randomBytes(4097),
    new Uint8Array(randomBytes(33)),
  ]

  it('sha256HexNow is the hex SHA-256 of text as UTF-8, and of bytes', () => {
    for (const data of samples) expect(sha256HexNow(data)).to.equal(reference(data))
    expect(sha256HexNow('abc')).to.equal(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('sha256Hex gives the same with the native constructor, none, or sha256-js', async () => {
    for (const data of samples) {
      for (const ctor of [undefined, NodeSha256, Sha256]) {
        expect(await sha256Hex(data, ctor)).to.equal(reference(data))
      }
    }
  })
})
