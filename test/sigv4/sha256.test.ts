import { expect } from 'chai'
import { createHash, randomBytes } from 'node:crypto'
import { inspect } from 'node:util'
import { Sha256 } from '@aws-crypto/sha256-js'
import { Hash } from '@smithy/core/serde'
import type { SourceData } from '@smithy/types'
import { NodeSha256, sha256Hex, sha256HexNow } from '../../lib/sigv4/sha256'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** Chunks of every shape the signer may hand over, views at an offset included. */
function chunks(): SourceData[] {
  const backing = Buffer.from('__the middle part__', 'utf8')
  return [
    'plain ascii',
    'ünïcödé ✓ 𝄞',
    '',
    Buffer.from('a buffer'),
    new Uint8Array([0, 1, 2, 255]),
    backing.subarray(6, 12),
    new Uint8Array(backing.buffer, backing.byteOffset + 2, 5),
    new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2),
    new Float32Array([1.5, -2]),
    new Uint8Array([42, 43]).buffer,
  ]
}

const SECRETS: Array<[string, SourceData | undefined]> = [
  ['no secret', undefined],
  ['an empty string (no key, as in smithy)', ''],
  ['a string', 'AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'],
  ['bytes', new Uint8Array([1, 2, 3, 4, 5])],
  ['an ArrayBuffer', new Uint8Array([7, 7, 7]).buffer],
]

describe('NodeSha256 behaves as smithy’s Hash("sha256")', () => {
  for (const [label, secret] of SECRETS) {
    it(`${label}: each chunk alone, all in one hash, and after reset()`, async () => {
      for (const chunk of chunks()) {
        const ours = new NodeSha256(secret)
        const theirs = new Hash('sha256', secret)
        ours.update(chunk)
        theirs.update(chunk)
        expect(hex(await ours.digest()), inspect(chunk)).to.equal(hex(await theirs.digest()))
      }
      const ours = new NodeSha256(secret)
      const theirs = new Hash('sha256', secret)
      for (const chunk of chunks()) {
        ours.update(chunk)
        theirs.update(chunk)
      }
      expect(hex(await ours.digest())).to.equal(hex(await theirs.digest()))
      ours.reset()
      theirs.reset()
      ours.update('again')
      theirs.update('again')
      expect(hex(await ours.digest())).to.equal(hex(await theirs.digest()))
    })
  }

  it('digests to a Uint8Array of 32 bytes', async () => {
    const digest = await new NodeSha256().digest()
    expect(digest).to.be.instanceOf(Uint8Array)
    expect(digest).to.have.length(32)
  })

  it('keeps the key out of util.inspect and JSON', () => {
    const key = 'secret-signing-key-material'
    const h = new NodeSha256(key)
    expect(inspect(h, { showHidden: true, depth: 5 })).not.to.include(key)
    expect(JSON.stringify(h)).not.to.include(key)
  })
})

describe('sha256Hex', () => {
  it('native and through a constructor give the same hex', async () => {
    for (const data of ['x', Buffer.from('yz'), new Uint8Array([1, 2])]) {
      expect(await sha256Hex(data, NodeSha256)).to.equal(await sha256Hex(data))
      expect(await sha256Hex(data, class extends NodeSha256 {})).to.equal(await sha256Hex(data))
    }
  })
})

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
