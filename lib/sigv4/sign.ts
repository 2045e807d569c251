/**
 * SigV4 over a request description ({@link RequestToSign}): the canonical request, the string
 * to sign and the signature. Knows nothing of the transport.
 *
 * With Node's native hash (the default) it signs in one synchronous pass over the written-out
 * canonicalisation of canonical-request.ts; with any other hash constructor it goes through
 * `@smithy/signature-v4` (sigv4-smithy.ts), AWS's own signer, which is also the reference the
 * written-out path is tested against.
 */
import { createHmac } from 'node:crypto'
import type { AwsCredentialIdentity, ChecksumConstructor } from '@smithy/types'
import { ALGORITHM_IDENTIFIER, KEY_TYPE_IDENTIFIER, SHA256_HEADER } from './constants'
import { amzDate, canonicalHeaders, canonicalRequest } from './canonical-request'
import { NodeSha256, sha256HexNow } from './sha256'
import { describeWithSmithy, signWithSmithy } from './smithy'
import { HmacSha256Key } from './hmac'
import { redactToken } from '../exchange/secret-views'

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
  /** The canonical query string (query.ts `canonicalQuery`), which is also the one sent. */
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

/**
 * Signs a request: synchronously over the written-out canonicalisation when the context's hash
 * is Node's native one ({@link signNow}), through smithy's own `sign` for any other.
 */
export async function signRequest(req: RequestToSign, ctx: SigningContext): Promise<Signature> {
  if (ctx.sha256 === NodeSha256) return signNow(req, ctx)
  const signed = await signWithSmithy(req, ctx)
  return {
    headers: sigV4Headers(req, signed.authorization, signed['x-amz-date'], ctx.credentials),
    describe: () => describeWithSmithy(req, ctx),
  }
}

/**
 * Signs a request with Node's native crypto, in one synchronous pass: canonical request,
 * string to sign, signing key (kept per credentials object and scope), HMAC. Gives exactly what
 * smithy's `sign` gives (test/sigv4.test.ts holds it to that), without its request copies, a
 * dozen awaits, byte conversions and the extra HMAC per request its key cache costs.
 */
export function signNow(req: RequestToSign, ctx: Omit<SigningContext, 'sha256'>): Signature {
  const { credentials, region, service } = ctx
  const longDate = amzDate(ctx.signingDate)
  const shortDate = longDate.slice(0, 8)
  const token = credentials.sessionToken
  const headers = canonicalHeaders(req, longDate, token)
  const canonical = canonicalRequest(req, headers)
  const scope = `${shortDate}/${region}/${service}/${KEY_TYPE_IDENTIFIER}`
  const stringToSign = `${ALGORITHM_IDENTIFIER}\n${longDate}\n${scope}\n${sha256HexNow(canonical)}`
  const signature = signingKey(credentials, scope, shortDate, region, service).hex(stringToSign)
  const authorization =
    `${ALGORITHM_IDENTIFIER} Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${headers.signed}, Signature=${signature}`
  return {
    headers: sigV4Headers(req, authorization, longDate, credentials),
    describe: () => ({ canonicalRequest: redactToken(canonical, credentials), stringToSign }),
  }
}

/** SigV4's own headers, in the order they are sent. */
function sigV4Headers(
  req: RequestToSign,
  authorization: string,
  longDate: string,
  credentials: AwsCredentialIdentity,
): SigV4Headers {
  const out: SigV4Headers = { host: req.host, authorization, 'x-amz-date': longDate }
  if (req.signPayloadHashHeader !== false) out[SHA256_HEADER] = req.payloadHash
  if (credentials.sessionToken) out['x-amz-security-token'] = credentials.sessionToken
  return out
}

/**
 * The SigV4 signing key (HMAC chain over date, region, service), kept per credentials object for
 * the current scope only: weakly keyed, so it goes when the credential cache replaces the object,
 * and checked against the secret, in case a credentials object is updated in place.
 */
const signingKeys = new WeakMap<
  AwsCredentialIdentity,
  { secret: string; scope: string; key: HmacSha256Key }
>()

/** `scope`: the credential scope the key is for, `<date>/<region>/<service>/aws4_request`. */
function signingKey(
  credentials: AwsCredentialIdentity,
  scope: string,
  shortDate: string,
  region: string,
  service: string,
): HmacSha256Key {
  const cached = signingKeys.get(credentials)
  const secret = credentials.secretAccessKey
  if (cached !== undefined && cached.scope === scope && cached.secret === secret) return cached.key
  let key = createHmac('sha256', `AWS4${secret}`).update(shortDate).digest()
  for (const part of [region, service, KEY_TYPE_IDENTIFIER]) {
    key = createHmac('sha256', key).update(part).digest()
  }
  const prepared = new HmacSha256Key(key)
  signingKeys.set(credentials, { secret, scope, key: prepared })
  return prepared
}
