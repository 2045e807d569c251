/**
 * The verdict on one incoming request, as AWS reaches it: a pure function of the bytes that
 * arrived (method, raw target, raw headers, body), the keys the server knows, and its clock.
 * Checks run in the order AWS reports them, so the first problem found is the one answered.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto'
import {
  ALGORITHM,
  TERMINATOR,
  UNSIGNED_PAYLOAD,
  buildCanonicalRequest,
  buildStringToSign,
  computeSignature,
  credentialScope,
  deriveSigningKey,
  headerValues,
  sha256Hex,
  type CanonicalOptions,
} from './canonical'
import {
  CONTENT_SHA256_MISMATCH_MESSAGE,
  DATE_NOT_SIGNED_MESSAGE,
  EXPIRED_TOKEN_MESSAGE,
  HOST_NOT_SIGNED_MESSAGE,
  INVALID_TOKEN_MESSAGE,
  LATTICE_CONTENT_SHA256_MISSING_MESSAGE,
  LATTICE_PAYLOAD_SIGNED_MESSAGE,
  amzDate,
  awsErrorResponse,
  badDateMessage,
  credentialElementsMessage,
  expiredMessage,
  incompleteAuthMessage,
  missingAuthMessage,
  notYetCurrentMessage,
  scopeMessage,
  signatureMismatchMessage,
  unsupportedAlgorithmMessage,
  type AuthFailureReason,
  type AwsErrorResponse,
  type ErrorStyle,
  type ScopeProblems,
} from './aws-errors'
import { serviceFor } from '../aws/services'

/** One AWS key pair the server accepts. */
export interface EmulatorCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** When set, requests must carry this exact `x-amz-security-token`. */
  sessionToken?: string
}

/** Which 403 a revoked key gets: AWS's "expired" or "invalid" security-token text. */
export type RevocationKind = 'expired' | 'invalid'

/** A request as it arrived: Node's `req.method`, `req.url`, `req.rawHeaders` and body bytes. */
export interface RawRequest {
  method: string
  url: string
  rawHeaders: readonly string[]
  body: Uint8Array
}

export interface VerifyOptions extends CanonicalOptions {
  /** The keys the server knows, or a lookup by access key id. */
  credentials:
    readonly EmulatorCredentials[] | ((accessKeyId: string) => EmulatorCredentials | undefined)
  region: string
  service: string
  /** The server's clock, epoch milliseconds. Default `Date.now()`. */
  now?: number
  /** How far `x-amz-date` may be from `now`. Default 5 minutes, as AWS. */
  clockToleranceMs?: number
  /** Host the signature must cover; default: the `host` header that arrived. */
  expectedHost?: string
  /** Revoked access key ids and the 403 text each gets. */
  revoked?: ReadonlyMap<string, RevocationKind>
  /** Refuse requests without `x-amz-content-sha256` (OpenSearch Serverless). */
  requireContentSha256?: boolean
  /** Refuse requests whose signed `x-amz-content-sha256` is not `UNSIGNED-PAYLOAD` (VPC Lattice). */
  requireUnsignedPayload?: boolean
  /** A session token must be listed in SignedHeaders. Default true. */
  sessionTokenMustBeSigned?: boolean
  /** Error body flavour; default from `service`. */
  errorStyle?: ErrorStyle
  /** Goes into `x-amzn-RequestId`; default a fresh UUID. */
  requestId?: string
}

export interface VerifyResult {
  ok: boolean
  reason: 'ok' | AuthFailureReason
  /** AWS's message for a refusal (the text inside the JSON body). */
  message?: string
  /** What to send back for a refusal. */
  response?: AwsErrorResponse
  accessKeyId?: string
  signedHeaders?: string[]
  /** The server's canonical request and string to sign, once it got that far. */
  canonicalRequest?: string
  stringToSign?: string
}

interface ParsedAuthorization {
  algorithm: string
  params: Map<string, string>
}

/** `ALG Credential=..., SignedHeaders=..., Signature=...`: algorithm, then comma-separated pairs. */
export function parseAuthorization(value: string): ParsedAuthorization {
  const trimmed = value.trim()
  const space = trimmed.search(/\s/)
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space)
  const params = new Map<string, string>()
  if (space >= 0) {
    for (const piece of trimmed.slice(space + 1).split(',')) {
      const eq = piece.indexOf('=')
      if (eq <= 0) continue
      params.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim())
    }
  }
  return { algorithm, params }
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** Epoch ms of a `yyyyMMddTHHmmssZ` date, or undefined when it is not one. */
export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number)
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  const back = new Date(ms)
  // Rejects 20150230 and the like, which Date.UTC would silently roll over.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined
  }
  return ms
}

function lookup(
  credentials: VerifyOptions['credentials'],
  accessKeyId: string,
): EmulatorCredentials | undefined {
  return typeof credentials === 'function'
    ? credentials(accessKeyId)
    : credentials.find((c) => c.accessKeyId === accessKeyId)
}

function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Verifies a SigV4 `Authorization` header the way AWS does. Never throws for bad input: every
 * problem becomes a refusal with AWS's status and body.
 */
export function verifySignature(request: RawRequest, options: VerifyOptions): VerifyResult {
  const style = options.errorStyle ?? serviceFor(options.service).refusals
  const requestId = options.requestId ?? randomUUID()
  const now = options.now ?? Date.now()
  const window = options.clockToleranceMs ?? 5 * 60 * 1000
  const header = (name: string): string | undefined => headerValues(request.rawHeaders, name)[0]
  const refuse = (
    reason: AuthFailureReason,
    message: string,
    extra: Partial<VerifyResult> = {},
    status = 403,
  ): VerifyResult => ({
    ok: false,
    reason,
    message,
    response: awsErrorResponse(style, reason, status, message, requestId),
    ...extra,
  })

  const authorization = header('authorization')
  if (authorization === undefined) {
    return refuse('missing-auth', missingAuthMessage(style, request.method, options.region))
  }

  const contentSha = header('x-amz-content-sha256')
  if (options.requireContentSha256 && contentSha === undefined) {
    return refuse('content-sha256-missing', 'x-amz-content-sha256 header is required')
  }

  const { algorithm, params } = parseAuthorization(authorization)
  const credential = params.get('Credential')
  const signature = params.get('Signature')
  const signedHeadersParam = params.get('SignedHeaders')
  const xAmzDate = header('x-amz-date')
  const dateHeader = header('date')
  const missing = (['Credential', 'Signature', 'SignedHeaders'] as const).filter(
    (name) => !params.get(name),
  )
  if (missing.length > 0 || (xAmzDate === undefined && dateHeader === undefined)) {
    return refuse(
      'incomplete-auth',
      incompleteAuthMessage(
        missing,
        xAmzDate === undefined && dateHeader === undefined,
        authorization,
      ),
    )
  }

  // x-amz-date wins over Date; a Date header is read as an HTTP date.
  let requestDate: string
  let requestMs: number | undefined
  if (xAmzDate !== undefined) {
    requestDate = xAmzDate.trim()
    requestMs = parseAmzDate(requestDate)
  } else {
    const parsed = Date.parse(dateHeader ?? '')
    requestMs = Number.isNaN(parsed) ? undefined : parsed
    requestDate = requestMs === undefined ? (dateHeader ?? '') : amzDate(requestMs)
  }
  if (requestMs === undefined) return refuse('bad-date', badDateMessage(requestDate))
  if (requestMs < now - window) {
    return refuse('expired', expiredMessage(requestDate, now, window))
  }
  if (requestMs > now + window) {
    return refuse('not-yet-current', notYetCurrentMessage(requestDate, now, window))
  }

  const signedHeaders = (signedHeadersParam ?? '').split(';').map((h) => h.trim().toLowerCase())
  if (!signedHeaders.includes('host')) {
    return refuse('host-not-signed', HOST_NOT_SIGNED_MESSAGE, { signedHeaders })
  }
  const dateName = xAmzDate !== undefined ? 'x-amz-date' : 'date'
  if (!signedHeaders.includes(dateName)) {
    return refuse('date-not-signed', DATE_NOT_SIGNED_MESSAGE, { signedHeaders })
  }

  if (options.requireUnsignedPayload) {
    if (contentSha === undefined || !signedHeaders.includes('x-amz-content-sha256')) {
      return refuse('content-sha256-missing', LATTICE_CONTENT_SHA256_MISSING_MESSAGE, {
        signedHeaders,
      })
    }
    if (contentSha.trim() !== UNSIGNED_PAYLOAD) {
      return refuse('payload-signed', LATTICE_PAYLOAD_SIGNED_MESSAGE, { signedHeaders })
    }
  }

  if (algorithm !== ALGORITHM) {
    return refuse('bad-algorithm', unsupportedAlgorithmMessage(algorithm), { signedHeaders })
  }

  // AWS ignores trailing slashes in the credential before counting its elements.
  const scopeParts = (credential ?? '').replace(/\/+$/, '').split('/')
  if (scopeParts.length !== 5) {
    return refuse('bad-credential', credentialElementsMessage(credential ?? ''), { signedHeaders })
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = scopeParts
  const problems: ScopeProblems = {}
  if (scopeRegion !== options.region) problems.region = scopeRegion
  if (scopeService !== options.service) problems.service = scopeService
  if (terminator !== TERMINATOR) problems.terminator = terminator
  if (scopeDate !== requestDate.slice(0, 8)) {
    problems.date = { scope: scopeDate, expected: requestDate.slice(0, 8), amzDate: requestDate }
  }
  if (Object.keys(problems).length > 0) {
    return refuse('bad-scope', scopeMessage(problems, options.service), {
      accessKeyId,
      signedHeaders,
    })
  }

  const key = lookup(options.credentials, accessKeyId)
  if (!key) return refuse('unknown-key', INVALID_TOKEN_MESSAGE, { accessKeyId, signedHeaders })
  const revoked = options.revoked?.get(accessKeyId)
  if (revoked) {
    const message = revoked === 'expired' ? EXPIRED_TOKEN_MESSAGE : INVALID_TOKEN_MESSAGE
    return refuse('revoked', message, { accessKeyId, signedHeaders })
  }

  // The token is checked before the signature: for temporary credentials it is what the
  // secret key is looked up by, so a wrong token is reported as such.
  const token = header('x-amz-security-token')
  if (key.sessionToken !== undefined || token !== undefined) {
    const mustBeSigned = options.sessionTokenMustBeSigned ?? true
    if (
      token === undefined ||
      token.trim() !== key.sessionToken ||
      (mustBeSigned && !signedHeaders.includes('x-amz-security-token'))
    ) {
      return refuse('token-mismatch', INVALID_TOKEN_MESSAGE, { accessKeyId, signedHeaders })
    }
  }

  const bodyHash = sha256Hex(request.body)
  const payloadHash = contentSha !== undefined ? contentSha.trim() : bodyHash
  const canonicalRequest = buildCanonicalRequest(
    {
      method: request.method,
      url: request.url,
      rawHeaders: request.rawHeaders,
      signedHeaders,
      payloadHash,
      hostOverride: options.expectedHost,
    },
    options,
  )
  const scope = credentialScope(scopeDate, scopeRegion, scopeService)
  const stringToSign = buildStringToSign(requestDate, scope, canonicalRequest)
  const expected = computeSignature(
    deriveSigningKey(key.secretAccessKey, scopeDate, scopeRegion, scopeService),
    stringToSign,
  )
  const seen = { accessKeyId, signedHeaders, canonicalRequest, stringToSign }
  if (!safeEqualHex(expected, (signature ?? '').toLowerCase())) {
    return refuse(
      'signature-mismatch',
      signatureMismatchMessage(canonicalRequest, stringToSign),
      seen,
    )
  }

  if (contentSha !== undefined && payloadHash !== UNSIGNED_PAYLOAD && payloadHash !== bodyHash) {
    return refuse('content-sha256-mismatch', CONTENT_SHA256_MISMATCH_MESSAGE, seen, 400)
  }

  return { ok: true, reason: 'ok', ...seen }
}
