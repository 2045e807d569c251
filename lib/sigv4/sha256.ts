import * as crypto from 'node:crypto'
import { createHash, createHmac } from 'node:crypto'
import type { Hash, Hmac } from 'node:crypto'
import type { Checksum, ChecksumConstructor, SourceData } from '@smithy/types'

export type { Checksum, ChecksumConstructor }

/**
 * Node's native SHA-256 / HMAC-SHA256 in the shape the smithy signer expects. Native hashing
 * runs at about 20x the speed of the pure-JavaScript `@aws-crypto/sha256-js`. It behaves as
 * smithy's own `Hash('sha256', secret)` of `@smithy/core/serde` (test/sha256.test.ts compares
 * them), written here so that loading the package does not load `@smithy/core`.
 */
export class NodeSha256 implements Checksum {
  readonly #secret: SourceData | undefined
  #hash: Hash | Hmac

  /** With a secret (of any length but 0), HMAC-SHA256 keyed with it. */
  constructor(secret?: SourceData) {
    this.#secret = secret
    this.#hash = this.#fresh()
  }

  update(data: SourceData): void {
    this.#hash.update(bytesOf(data))
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest())
  }

  reset(): void {
    this.#hash = this.#fresh()
  }

  #fresh(): Hash | Hmac {
    // An empty string is no key, as in smithy's Hash.
    return this.#secret ? createHmac('sha256', bytesOf(this.#secret)) : createHash('sha256')
  }
}

/** The bytes of `data` without a copy; strings as UTF-8. */
function bytesOf(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return new Uint8Array(data)
}

interface OneShotHash {
  (algorithm: string, data: string | Uint8Array, outputEncoding: 'hex'): string
  (algorithm: string, data: string | Uint8Array, outputEncoding: 'buffer'): Buffer
}

/**
 * `crypto.hash` (Node 20.12 and later): one native call, no Hash object to create; undefined on
 * an older Node.
 */
export const oneShotHash = (crypto as { hash?: OneShotHash }).hash

/** Hex SHA-256 of text (as UTF-8) or bytes, with Node's native crypto, now; no copy of bytes. */
export function sha256HexNow(data: string | Uint8Array): string {
  return oneShotHash !== undefined
    ? oneShotHash('sha256', data, 'hex')
    : createHash('sha256').update(data).digest('hex')
}

/**
 * Hex SHA-256 of a payload. With the native constructor (or none) this is one native call with
 * no copy of the bytes; with another (e.g. `@aws-crypto/sha256-js`) it goes through that one.
 */
export async function sha256Hex(
  data: string | Uint8Array,
  sha256?: ChecksumConstructor,
): Promise<string> {
  if (sha256 === undefined || sha256 === NodeSha256) return sha256HexNow(data)
  const hash = new sha256()
  hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
  return Buffer.from(await hash.digest()).toString('hex')
}
