/**
 * SigV4 over a request description ({@link RequestToSign}): the canonical request, the string
 * to sign and the signature. Knows nothing of the transport.
 *
 * With Node's native hash (the default) it signs in one synchronous pass, {@link signNow}, which
 * reads top to bottom as AWS's documentation lists the steps; with any other hash constructor it
 * goes through `@smithy/signature-v4` (smithy.ts), AWS's own signer, which is also the reference
 * the written-out path is tested against.
 */
import type { AwsCredentialIdentity } from '@smithy/types'
import type { RequestToSign, SigV4Headers, Signature, SigningContext } from './types'
import {
  ALGORITHM_IDENTIFIER,
  AMZ_DATE_HEADER,
  KEY_TYPE_IDENTIFIER,
  SHA256_HEADER,
  TOKEN_HEADER,
} from './constants'
import { amzDate } from './amz-date'
import { canonicalHeaders } from './canonical-headers'
import { canonicalRequest } from './canonical-request'
import { NodeSha256, sha256HexNow } from './sha256'
import { signingKey } from './signing-key'
import { redactToken } from './redact-token'
import { describeWithSmithy, signWithSmithy } from './smithy'

/**
 * Signs a request: synchronously over the written-out canonicalisation when the context's hash
 * is Node's native one ({@link signNow}), through smithy's own `sign` for any other.
 */
export async function signRequest(req: RequestToSign, ctx: SigningContext): Promise<Signature> {
  if (ctx.sha256 === NodeSha256) return signNow(req, ctx)
  const signed = await signWithSmithy(req, ctx)
  return {
    headers: sigV4Headers(req, signed.authorization, signed[AMZ_DATE_HEADER], ctx.credentials),
    describe: () => describeWithSmithy(req, ctx),
  }
}

/**
 * Signs a request with Node's native crypto, in one synchronous pass. Gives exactly what
 * smithy's `sign` gives (test/sigv4/sign.test.ts holds it to that), without its request copies,
 * a dozen awaits, byte conversions and the extra HMAC per request its key cache costs.
 */
export function signNow(req: RequestToSign, ctx: Omit<SigningContext, 'sha256'>): Signature {
  const { credentials, region, service } = ctx

  // 1. The date, and the credential scope it opens.
  const longDate = amzDate(ctx.signingDate)
  const shortDate = longDate.slice(0, 8)
  const scope = `${shortDate}/${region}/${service}/${KEY_TYPE_IDENTIFIER}`

  // 2. The canonical request: method, path, query, signed headers, payload hash.
  const headers = canonicalHeaders(req, longDate, credentials.sessionToken)
  const canonical = canonicalRequest(req, headers)

  // 3. The string to sign: algorithm, date, scope and the canonical request's hash.
  const stringToSign = `${ALGORITHM_IDENTIFIER}\n${longDate}\n${scope}\n${sha256HexNow(canonical)}`

  // 4. The signature: HMAC of the string to sign with the day's signing key.
  const signature = signingKey(credentials, scope, shortDate, region, service).hex(stringToSign)

  // 5. The Authorization header, beside SigV4's other headers.
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
  const out: SigV4Headers = { host: req.host, authorization, [AMZ_DATE_HEADER]: longDate }
  if (req.signPayloadHashHeader !== false) out[SHA256_HEADER] = req.payloadHash
  if (credentials.sessionToken) out[TOKEN_HEADER] = credentials.sessionToken
  return out
}
