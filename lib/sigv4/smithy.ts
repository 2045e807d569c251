/**
 * SigV4 through `@smithy/signature-v4`, AWS's own signer: the signing path for a custom `sha256`
 * constructor, and the reference the written-out canonicalisation (canonical-request.ts) is held
 * to. The only module that runs smithy's signing code; smithy itself is loaded on its first use
 * (platform/smithy-loader.ts), so the native path never loads it.
 */
import type { HttpRequest } from '@smithy/types'
import type { RequestToSign, SignatureDescription, SigningContext } from './types'
import { redactToken } from './redact-token'
import { ALGORITHM_IDENTIFIER, AMZ_DATE_HEADER, SHA256_HEADER, TOKEN_HEADER } from './constants'
import { NodeSha256, sha256HexNow } from './sha256'
import { queryParameters } from './canonical-query'
import { smithySigner } from '../platform/smithy-loader'

/** smithy's own `sign`, hashing with the context's hash constructor throughout; its headers. */
export async function signWithSmithy(
  req: RequestToSign,
  ctx: SigningContext,
): Promise<Record<string, string>> {
  const signer = new (smithySigner().SignatureV4)({
    credentials: ctx.credentials,
    region: ctx.region,
    service: ctx.service,
    sha256: ctx.sha256,
    uriEscapePath: true,
    applyChecksum: false,
  })
  const signed = await signer.sign(toSmithyRequest(req), {
    signingDate: ctx.signingDate,
    unsignableHeaders: unsignable(req),
  })
  return signed.headers
}

/**
 * The canonical request and string to sign of {@link signWithSmithy}, session token redacted:
 * smithy's own `createCanonicalRequest` and `getCanonicalHeaders` over the request as its `sign`
 * prepares it.
 */
export function describeWithSmithy(req: RequestToSign, ctx: SigningContext): SignatureDescription {
  return canonicalizer().describe(req, ctx)
}

/** What {@link canonicalizer} gives: smithy's signer, for its canonicalisation only. */
interface Canonicalizer {
  describe(req: RequestToSign, ctx: SigningContext): SignatureDescription
}

let canonicalizerInstance: Canonicalizer | undefined

/**
 * smithy's signer subclassed for its canonicalisation (protected methods), made on first use,
 * when smithy is loaded. Uses none of the signer's own settings but `uriEscapePath`
 * (credentials, region and service come from the signing context).
 */
function canonicalizer(): Canonicalizer {
  if (canonicalizerInstance !== undefined) return canonicalizerInstance
  const { SignatureV4, createScope, getCanonicalHeaders, prepareRequest } = smithySigner()
  class SmithyCanonicalizer extends SignatureV4 implements Canonicalizer {
    describe(req: RequestToSign, ctx: SigningContext): SignatureDescription {
      const { credentials } = ctx
      this.validateResolvedCredentials(credentials)
      const request = prepareRequest(toSmithyRequest(req))
      const { longDate, shortDate } = this.formatDate(ctx.signingDate)
      request.headers[AMZ_DATE_HEADER] = longDate
      if (credentials.sessionToken) {
        request.headers[TOKEN_HEADER] = credentials.sessionToken
      }
      const canonicalHeaders = getCanonicalHeaders(request, unsignable(req))
      const canonicalRequest = this.createCanonicalRequest(
        request,
        canonicalHeaders,
        req.payloadHash,
      )
      const scope = createScope(shortDate, ctx.region, ctx.service)
      const hashed = sha256HexNow(canonicalRequest)
      return {
        canonicalRequest: redactToken(canonicalRequest, credentials),
        stringToSign: `${ALGORITHM_IDENTIFIER}\n${longDate}\n${scope}\n${hashed}`,
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
    // The canonical query decoded again: smithy canonicalises it itself, to the same string.
    query: queryParameters(req.query),
    headers,
  }
}
