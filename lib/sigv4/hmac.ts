/**
 * HMAC-SHA256 with a key that signs many messages (a SigV4 signing key serves every request of
 * a day): RFC 2104's `H((K ^ opad) || H((K ^ ipad) || message))` with both pads computed once
 * per key, so a message costs two one-shot SHA-256s (`crypto.hash`) and no Hmac object. Creating
 * one costs more than the hashing under load (an OpenSSL key schedule, a provider look-up per
 * object). Held to `crypto.createHmac` by test/sigv4/hmac.test.ts; measured by bench/hmac-ab.ts.
 */
import * as crypto from 'node:crypto'
// undefined before Node 20.12, where messages are signed with createHmac.
import { oneShotHash } from './sha256'

/** SHA-256's block size: the key is padded (or first hashed) to this length. */
const BLOCK = 64
const DIGEST = 32

/**
 * Reused for every message: both hashes run synchronously, one message at a time. Never from
 * Buffer's shared pool (`Buffer.alloc`, not `allocUnsafe`), so no other Buffer's `.buffer`
 * reaches it, and its pad block is wiped after each use.
 */
let scratch = Buffer.alloc(1024)

/** Key material only in private fields and unpooled buffers: util.inspect shows none of it. */
export class HmacSha256Key {
  /** The key itself, kept only where there is no `crypto.hash` to use the pads with. */
  readonly #key: Buffer | undefined
  /** K ^ 0x36 and K ^ 0x5c, one block each. */
  readonly #inner = Buffer.alloc(BLOCK, 0x36)
  readonly #outer = Buffer.alloc(BLOCK, 0x5c)

  constructor(key: Uint8Array) {
    const k = key.length > BLOCK ? crypto.createHash('sha256').update(key).digest() : key
    for (let i = 0; i < k.length; i++) {
      this.#inner[i] ^= k[i]
      this.#outer[i] ^= k[i]
    }
    if (oneShotHash === undefined) {
      this.#key = Buffer.alloc(k.length)
      this.#key.set(k)
    }
  }

  /** Hex HMAC-SHA256 of a message (as UTF-8). */
  hex(message: string): string {
    if (oneShotHash === undefined) {
      return crypto.createHmac('sha256', this.#key!).update(message).digest('hex')
    }
    const length = BLOCK + Buffer.byteLength(message)
    if (scratch.length < length) scratch = Buffer.alloc(length)
    this.#inner.copy(scratch, 0)
    scratch.write(message, BLOCK)
    const inner = oneShotHash('sha256', scratch.subarray(0, length), 'buffer')
    this.#outer.copy(scratch, 0)
    inner.copy(scratch, BLOCK)
    const out = oneShotHash('sha256', scratch.subarray(0, BLOCK + DIGEST), 'hex')
    scratch.fill(0, 0, BLOCK)
    return out
  }
}
