/**
 * What SigV4 signs and what it gives back: a plain request description, knowing nothing of
 * transports or clients. A leaf module: every step of the signer, and the layers above, take
 * their types from here.
 */
import type { AwsCredentialIdentity, ChecksumConstructor } from '@smithy/types'

/**
 * The parts of a request that are signed, as they will go on the wire. Only these headers are
 * signed; anything a proxy or the HTTP stack may add or rewrite (user-agent, connection,
 * accept-encoding, x-elastic-client-meta, …) stays out of the signature.
 */
export interface RequestToSign {
  method: string
  /** `Host` header value: host name, plus the port when it is not the scheme's default. */
  host: string
  /** The path exactly as sent (already percent-encoded by the client, path prefix included). */
  path: string
  /** The canonical query string (canonical-query.ts), which is also the one sent. */
  query: string
  /** Further headers to sign (lower-case names): `content-type`, and any the user opted into. */
  headers: Record<string, string>
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. */
  payloadHash: string
  /**
   * Send and sign `x-amz-content-sha256` (default). Only AWS's generic test vectors turn this
   * off; OpenSearch Serverless rejects requests without it.
   */
  signPayloadHashHeader?: boolean
}

export interface SigningContext {
  credentials: AwsCredentialIdentity
  region: string
  service: string
  signingDate: Date
  sha256: ChecksumConstructor
}

/** The headers SigV4 adds to the request. */
export interface SigV4Headers {
  host: string
  authorization: string
  'x-amz-date': string
  'x-amz-content-sha256'?: string
  'x-amz-security-token'?: string
}

/** What was signed, for comparing with what AWS says it expected. Never includes secrets. */
export interface SignatureDescription {
  canonicalRequest: string
  stringToSign: string
}

export interface Signature {
  headers: SigV4Headers
  /** The canonical request and string to sign this signature was computed over, token redacted. */
  describe(): SignatureDescription
}

/** The canonical headers of a request: what the canonical request lists, and their names. */
export interface CanonicalHeaders {
  /** `name:value\n` for every signed header, sorted by name. */
  lines: string
  /** `SignedHeaders`: the signed names, sorted, `;`-separated. */
  signed: string
}
