import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { createHash, createHmac } from 'node:crypto'
import { resolve } from 'node:path'
import { inspect } from 'node:util'
import fc from 'fast-check'
import { HmacSha256Key } from '../../lib/sigv4/hmac'
import { fuzzSeed } from '../reliability/fuzz-properties'

const reference = (key: Uint8Array, message: string): string =>
  createHmac('sha256', key).update(message).digest('hex')

describe('hmac: HMAC-SHA256 with pads computed once per key', () => {
  it("RFC 4231's test cases 1, 2 and 6 (a 131-byte key, hashed first)", () => {
    const cases: Array<[Buffer, string, string]> = [
      [
        Buffer.alloc(20, 0x0b),
        'Hi There',
        'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
      ],
      [
        Buffer.from('Jefe'),
        'what do ya want for nothing?',
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      ],
      [
        Buffer.alloc(131, 0xaa),
        'Test Using Larger Than Block-Size Key - Hash Key First',
        '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      ],
    ]
    for (const [key, message, expected] of cases) {
      expect(new HmacSha256Key(key).hex(message)).to.equal(expected)
    }
  })

  it('keys of 0, 1, 63, 64, 65 and 200 bytes, messages empty to longer than any buffer kept', () => {
    for (const size of [0, 1, 31, 32, 63, 64, 65, 200]) {
      const key = Buffer.alloc(size, size + 1)
      const hmac = new HmacSha256Key(key)
      for (const message of ['', 'a', 'é日😀', 'x'.repeat(5000), 'y'.repeat(10)]) {
        expect(hmac.hex(message), `${size}-byte key`).to.equal(reference(key, message))
      }
    }
  })

  it(`random keys (short, block-sized, longer than a block) and messages (multi-byte UTF-8, long) give what crypto.createHmac gives (seed ${fuzzSeed()})`, () => {
    const stats = { longKeys: 0, longMessages: 0, multiByte: 0 }
    const keyArb = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ minLength: 65, maxLength: 300 }),
    )
    const messageArb = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      // Past the 1,024-byte scratch buffer, which must then grow.
      fc.string({ unit: 'grapheme', minLength: 1_100, maxLength: 3_000 }),
    )
    fc.assert(
      fc.property(keyArb, fc.array(messageArb, { minLength: 1, maxLength: 4 }), (key, messages) => {
        const hmac = new HmacSha256Key(key)
        if (key.length > 64) stats.longKeys++
        // One key, several messages: the pads are not changed by use.
        for (const message of messages) {
          expect(hmac.hex(message)).to.equal(reference(key, message))
          if (Buffer.byteLength(message) > 1024) stats.longMessages++
          if (Buffer.byteLength(message) > message.length) stats.multiByte++
        }
      }),
      { seed: fuzzSeed(), numRuns: 2000 },
    )
    // The fuzz reaches each kind of input it is meant to.
    for (const [kind, count] of Object.entries(stats)) expect(count, kind).to.be.greaterThan(200)
  })

  it('shows no key material in util.inspect or JSON (the key, either pad, any of their bytes)', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef', 'utf8')
    const hmac = new HmacSha256Key(key)
    hmac.hex('a message that leaves nothing behind')
    const pad = (byte: number): Buffer => Buffer.from(key.map((b) => b ^ byte))
    const shown = [
      inspect(hmac, { showHidden: true, depth: Infinity }),
      inspect({ nested: { hmac } }, { showHidden: true, depth: Infinity }),
      JSON.stringify(hmac),
      String(hmac),
    ]
    for (const text of shown) {
      for (const secret of [key, pad(0x36), pad(0x5c)]) {
        for (const form of ['hex', 'base64', 'latin1'] as const) {
          expect(text).not.to.include(secret.toString(form).slice(0, 12))
        }
        // util.inspect prints Buffer bytes as "<Buffer 30 31 ...>".
        expect(text).not.to.include(
          secret
            .subarray(0, 6)
            .toString('hex')
            .replace(/(..)(?!$)/g, '$1 '),
        )
      }
    }
    expect(shown[0]).to.equal('HmacSha256Key {}')
  })

  it('keeps its own copy of the key: changing the caller’s buffer changes nothing', () => {
    const key = Buffer.alloc(32, 7)
    const hmac = new HmacSha256Key(key)
    const before = hmac.hex('m')
    key.fill(0)
    expect(hmac.hex('m')).to.equal(before)
  })
})

describe('hmac and sha256 on a Node without crypto.hash (before 20.12)', function () {
  this.timeout(30_000)

  it('fall back to createHmac and createHash, with the same results', async () => {
    const script = `
      delete require('node:crypto').hash
      const { HmacSha256Key } = require(${JSON.stringify(resolve(__dirname, '../../lib/sigv4/hmac.ts'))})
      const { sha256HexNow } = require(${JSON.stringify(resolve(__dirname, '../../lib/sigv4/sha256.ts'))})
      const key = Buffer.alloc(100, 3)
      process.stdout.write(JSON.stringify({
        hasHash: typeof require('node:crypto').hash,
        hmac: new HmacSha256Key(key).hex('message é'),
        sha: sha256HexNow('payload é'),
      }))`
    const out = await new Promise<string>((res, rej) =>
      execFile(process.execPath, ['--import', 'tsx', '-e', script], (err, stdout, stderr) =>
        err ? rej(new Error(`${err.message}\n${stderr}`)) : res(stdout),
      ),
    )
    expect(JSON.parse(out)).to.deep.equal({
      hasHash: 'undefined',
      hmac: reference(Buffer.alloc(100, 3), 'message é'),
      sha: createHash('sha256').update('payload é').digest('hex'),
    })
  })
})
