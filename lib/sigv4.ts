/**
 * SigV4 over a request description ({@link RequestToSign}): the canonical request, the string
 * to sign and the signature, through smithy's canonicalisation. Knows nothing of the transport.
 */
import { createHash, createHmac } from 'node:crypto'
import type { SignatureV4 } from '@smithy/signature-v4'
import type { AwsCredentialIdentity, ChecksumConstructor, HttpRequest } from '@smithy/types'
import type { CanonicalQuery } from './query'
import { ALGORITHM_IDENTIFIER, KEY_TYPE_IDENTIFIER, SHA256_HEADER } from './constants'
import { NodeSha256 } from './sha256'
import { smithySigner } from './smithy-signer'

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
  query: CanonicalQuery
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

/**
 * Signs with `@smithy/signature-v4`, AWS's own signer: it canonicalises the path (normalised,
 * encoded once more, as for every service but S3), the query and the headers, derives the
 * signing key and computes the signature.
 *
 * With the default native hash, the last steps (hash of the canonical request, signing key,
 * HMAC) call Node's crypto directly on smithy's canonical request; see {@link signNative}.
 * With any other hash constructor the request goes through smithy's own `sign`, hashing
 * with that constructor throughout.
 */
export async function signRequest(req: RequestToSign, ctx: SigningContext): Promise<SigV4Headers> {
  const h = ctx.sha256 === NodeSha256 ? signNative(req, ctx) : await signWithSmithy(req, ctx)
  const out: SigV4Headers = {
    host: req.host,
    authorization: h.authorization,
    'x-amz-date': h['x-amz-date'],
  }
  if (req.signPayloadHashHeader !== false) out['x-amz-content-sha256'] = req.payloadHash
  if (h['x-amz-security-token'] !== undefined)
    out['x-amz-security-token'] = h['x-amz-security-token']
  return out
}

/** What was signed, for comparing with what AWS says it expected. Never includes secrets. */
export interface SignatureDescription {
  canonicalRequest: string
  stringToSign: string
}

/** The canonical request and string to sign of {@link signRequest}, session token redacted. */
export function describeSignature(req: RequestToSign, ctx: SigningContext): SignatureDescription {
  const { canonicalRequest, stringToSign } = canonicalize(req, ctx)
  return { canonicalRequest: redactToken(canonicalRequest, ctx.credentials), stringToSign }
}

/**
 * What smithy's `sign` does for a header-signed request, with the same canonical request, but
 * hashing with Node's crypto directly and keeping the signing key per credentials object:
 * smithy's path copies the request, awaits a dozen promises, converts every string to bytes and
 * computes an extra HMAC per request to look its key cache up, which together cost more than
 * the hashing itself on a small request.
 */
function signNative(req: RequestToSign, ctx: SigningContext): Record<string, string> {
  const { headers, stringToSign, scope, shortDate, signedHeaders } = canonicalize(req, ctx)
  const { credentials, region, service } = ctx
  const signature = createHmac('sha256', signingKey(credentials, shortDate, region, service))
    .update(stringToSign)
    .digest('hex')
  headers.authorization =
    `${ALGORITHM_IDENTIFIER} Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`
  return headers
}

/** smithy's own `sign`, hashing with the context's hash constructor throughout. */
async function signWithSmithy(
  req: RequestToSign,
  ctx: SigningContext,
): Promise<Record<string, string>> {
  const signed = await signerFor(ctx).sign(toSmithyRequest(req), {
    signingDate: ctx.signingDate,
    unsignableHeaders: unsignable(req),
  })
  return signed.headers
}

/** The session token is a credential: show that it was signed, never its value. */
function redactToken(text: string, credentials: AwsCredentialIdentity): string {
  const token = credentials.sessionToken
  return token ? text.split(token).join('<redacted session token>') : text
}

interface Canonical {
  /** The request's headers, with `x-amz-date` (and the session token) added. */
  headers: Record<string, string>
  canonicalRequest: string
  stringToSign: string
  /** `<date>/<region>/<service>/aws4_request` */
  scope: string
  shortDate: string
  /** `SignedHeaders`: the signed header names, `;`-separated. */
  signedHeaders: string
}

/** What {@link canonicalizer} gives: smithy's signer, for its canonicalisation only. */
interface Canonicalizer {
  canonicalize(req: RequestToSign, ctx: SigningContext): Canonical
}

let canonicalizerInstance: Canonicalizer | undefined

/**
 * smithy's signer, subclassed for its canonicalisation (protected methods), made on the first
 * signature, when smithy is loaded (smithy-signer.ts). Uses none of the signer's own settings
 * but `uriEscapePath` (credentials, region and service come from the signing context).
 */
function canonicalizer(): Canonicalizer {
  if (canonicalizerInstance !== undefined) return canonicalizerInstance
  const { SignatureV4: Signer, createScope, getCanonicalHeaders } = smithySigner()
  class SmithyCanonicalizer extends Signer implements Canonicalizer {
    /**
     * Canonical request (smithy's own `createCanonicalRequest` and `getCanonicalHeaders`) and
     * string to sign, the one path both signing and describing take.
     */
    canonicalize(req: RequestToSign, ctx: SigningContext): Canonical {
      const { credentials } = ctx
      this.validateResolvedCredentials(credentials)
      const request = toSmithyRequest(req)
      const { longDate, shortDate } = this.formatDate(ctx.signingDate)
      request.headers['x-amz-date'] = longDate
      if (credentials.sessionToken) {
        request.headers['x-amz-security-token'] = credentials.sessionToken
      }
      const canonicalHeaders = getCanonicalHeaders(request, unsignable(req))
      const canonicalRequest = this.createCanonicalRequest(
        request,
        canonicalHeaders,
        req.payloadHash,
      )
      const scope = createScope(shortDate, ctx.region, ctx.service)
      const hashed = createHash('sha256').update(canonicalRequest).digest('hex')
      return {
        headers: request.headers,
        canonicalRequest,
        stringToSign: `${ALGORITHM_IDENTIFIER}\n${longDate}\n${scope}\n${hashed}`,
        scope,
        shortDate,
        signedHeaders: this.getCanonicalHeaderList(canonicalHeaders),
      }
    }
  }
  canonicalizerInstance = new SmithyCanonicalizer({
    credentials: { accessKeyId: '', secretAccessKey: '' },
    region: 'unused',
    service: 'unused',
    sha256: NodeSha256,
    uriEscapePath: true,
    applyChecksum: false,
  })
  return canonicalizerInstance
}

function canonicalize(req: RequestToSign, ctx: SigningContext): Canonical {
  return canonicalizer().canonicalize(req, ctx)
}

/**
 * The SigV4 signing key (HMAC chain over date, region, service), kept per credentials object for
 * the current scope only: weakly keyed, so it goes when the credential cache replaces the object,
 * and checked against the secret, in case a credentials object is updated in place.
 */
const signingKeys = new WeakMap<
  AwsCredentialIdentity,
  { secret: string; scope: string; key: Buffer }
>()

function signingKey(
  credentials: AwsCredentialIdentity,
  shortDate: string,
  region: string,
  service: string,
): Buffer {
  const scope = `${shortDate}/${region}/${service}`
  const cached = signingKeys.get(credentials)
  const secret = credentials.secretAccessKey
  if (cached !== undefined && cached.scope === scope && cached.secret === secret) return cached.key
  let key = createHmac('sha256', `AWS4${secret}`).update(shortDate).digest()
  for (const part of [region, service, KEY_TYPE_IDENTIFIER]) {
    key = createHmac('sha256', key).update(part).digest()
  }
  signingKeys.set(credentials, { secret, scope, key })
  return key
}

function signerFor(ctx: SigningContext): SignatureV4 {
  return new (smithySigner().SignatureV4)({
    credentials: ctx.credentials,
    region: ctx.region,
    service: ctx.service,
    sha256: ctx.sha256,
    uriEscapePath: true,
    applyChecksum: false,
  })
}

const PAYLOAD_HASH_UNSIGNED = new Set([SHA256_HEADER])

function unsignable(req: RequestToSign): Set<string> | undefined {
  return req.signPayloadHashHeader === false ? PAYLOAD_HASH_UNSIGNED : undefined
}

function toSmithyRequest(req: RequestToSign): HttpRequest {
  // The hash header is always given, since the signer takes the payload hash from it; whether
  // it is also signed (and sent) is up to `unsignable`.
  const headers: Record<string, string> = {
    ...req.headers,
    host: req.host,
    [SHA256_HEADER]: req.payloadHash,
  }
  return {
    method: req.method,
    protocol: 'https:',
    hostname: req.host,
    path: req.path,
    query: req.query.parameters,
    headers,
  }
}
