/**
 * The error texts and bodies AWS sends when it rejects a SigV4 request. Texts are copied from
 * responses AWS services were seen to send (quoted in public bug reports); where no published
 * text exists the message says so in a comment, and follows the pattern of its siblings.
 */
import { randomUUID } from 'node:crypto'
import type { RefusalStyle } from '../aws/services'
import { ALGORITHM, TERMINATOR } from './canonical'

/** Why a request was refused; `ok` when it passed. */
export type AuthFailureReason =
  | 'missing-auth'
  | 'incomplete-auth'
  | 'bad-date'
  | 'expired'
  | 'not-yet-current'
  | 'host-not-signed'
  | 'date-not-signed'
  | 'bad-algorithm'
  | 'bad-credential'
  | 'bad-scope'
  | 'unknown-key'
  | 'revoked'
  | 'token-mismatch'
  | 'signature-mismatch'
  | 'content-sha256-missing'
  | 'content-sha256-mismatch'
  /** A payload hash other than `UNSIGNED-PAYLOAD` where the service takes no other (Lattice). */
  | 'payload-signed'

/** Body flavour: the refusal style of the service's row in the services table. */
export type ErrorStyle = RefusalStyle

export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.'
export const EXPIRED_TOKEN_MESSAGE = 'The security token included in the request is expired'
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
// S3's text for this check (XAmzContentSHA256Mismatch, status 400); OpenSearch Service does not
// publish its own.
export const CONTENT_SHA256_MISMATCH_MESSAGE =
  "The provided 'x-amz-content-sha256' header does not match what was computed."
export const HOST_NOT_SIGNED_MESSAGE = "'Host' must be a 'SignedHeader' in the AWS Authorization."
// No published AWS text: AWS itself only insists on Host. Same pattern as the Host message.
export const DATE_NOT_SIGNED_MESSAGE =
  "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."
const MISSING_AUTH_TOKEN_MESSAGE = 'Missing Authentication Token'
// VPC Lattice's text for a request whose x-amz-content-sha256 is missing or not signed (seen in
// awslabs/aws-sigv4-proxy#116, after its class IncompleteSignatureException).
export const LATTICE_CONTENT_SHA256_MISSING_MESSAGE =
  "Missing the 'x-amz-content-sha256' in canonical headers."
// No published Lattice text for a signed payload hash; the words are its SigV4 guide's.
export const LATTICE_PAYLOAD_SIGNED_MESSAGE =
  'VPC Lattice does not support payload signing. You must send an x-amz-content-sha256 header ' +
  'with the value set to UNSIGNED-PAYLOAD.'

const HTTP_ACTIONS: Record<string, string> = {
  GET: 'ESHttpGet',
  HEAD: 'ESHttpHead',
  POST: 'ESHttpPost',
  PUT: 'ESHttpPut',
  DELETE: 'ESHttpDelete',
  PATCH: 'ESHttpPatch',
}

/**
 * What a service answers a request with no `Authorization`: an IAM-only OpenSearch Service
 * domain and VPC Lattice name the anonymous principal and the action; the others (Serverless,
 * API Gateway) say only that the token is missing.
 */
export function missingAuthMessage(style: ErrorStyle, method: string, region: string): string {
  switch (style) {
    case 'es':
      return anonymousMessage(method)
    case 'lattice':
      return latticeAnonymousMessage(region)
    default:
      return MISSING_AUTH_TOKEN_MESSAGE
  }
}

/** What an IAM-only OpenSearch Service domain answers to an unsigned request. */
function anonymousMessage(method: string): string {
  const action = `es:${HTTP_ACTIONS[method.toUpperCase()] ?? 'ESHttpGet'}`
  return `User: anonymous is not authorized to perform: ${action} because no resource-based policy allows the ${action} action`
}

/**
 * What VPC Lattice answers an unsigned request to a service whose auth policy wants IAM
 * (workshops show it; the account and service id here are placeholders).
 */
function latticeAnonymousMessage(region: string): string {
  const action = 'vpc-lattice-svcs:Invoke'
  return (
    `User: anonymous is not authorized to perform: ${action} on resource: ` +
    `arn:aws:vpc-lattice:${region}:111122223333:service/svc-0123456789abcdef0/ because no ` +
    `network-based policy allows the ${action} action`
  )
}

export function incompleteAuthMessage(
  missingParams: readonly string[],
  missingDateHeader: boolean,
  authorization: string,
): string {
  const sentences = missingParams.map((p) => `Authorization header requires '${p}' parameter.`)
  if (missingDateHeader) {
    sentences.push(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    )
  }
  return sentences.map((s) => s + ' ').join('') + 'Authorization=' + authorization
}

export function badDateMessage(got: string): string {
  return `Date must be in ISO-8601 'basic format'. Got '${got}'. See http://en.wikipedia.org/wiki/ISO_8601`
}

/** `20240101T001000Z` form of a time (milliseconds dropped). */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

export function expiredMessage(requestDate: string, nowMs: number, windowMs: number): string {
  const minutes = Math.round(windowMs / 60000)
  return `Signature expired: ${requestDate} is now earlier than ${amzDate(nowMs - windowMs)} (${amzDate(nowMs)} - ${minutes} min.)`
}

export function notYetCurrentMessage(requestDate: string, nowMs: number, windowMs: number): string {
  const minutes = Math.round(windowMs / 60000)
  return `Signature not yet current: ${requestDate} is still later than ${amzDate(nowMs + windowMs)} (${amzDate(nowMs)} + ${minutes} min.)`
}

export function unsupportedAlgorithmMessage(algorithm: string): string {
  return `Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now). `
}

export function credentialElementsMessage(credential: string): string {
  return `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`
}

export interface ScopeProblems {
  region?: string
  service?: string
  terminator?: string
  date?: { scope: string; expected: string; amzDate: string }
}

/** AWS lists every scope problem in one message, in this order, each with a trailing space. */
export function scopeMessage(problems: ScopeProblems, expectedService: string): string {
  let out = ''
  if (problems.region !== undefined) {
    out += `Credential should be scoped to a valid region, not '${problems.region}'. `
  }
  if (problems.service !== undefined) {
    out += `Credential should be scoped to correct service: '${expectedService}'. `
  }
  if (problems.terminator !== undefined) {
    out += `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${problems.terminator}'. `
  }
  if (problems.date) {
    const { scope, expected, amzDate: full } = problems.date
    out += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope}' != '${expected}', from '${full}'.`
  }
  return out
}

export function signatureMismatchMessage(canonicalRequest: string, stringToSign: string): string {
  return (
    SIGNATURE_MISMATCH_MESSAGE +
    `\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'` +
    `\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`
  )
}

export interface AwsErrorResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * The class VPC Lattice puts before a refusal's text. Only `AccessDeniedException` (policy) and
 * `IncompleteSignatureException` (hash header missing) were seen from Lattice itself; the others
 * are the codes AWS's JSON services give these refusals.
 */
function latticeErrorClass(reason: AuthFailureReason, message: string): string {
  switch (reason) {
    case 'missing-auth':
      return 'AccessDeniedException'
    case 'expired':
    case 'not-yet-current':
    case 'bad-scope':
    case 'signature-mismatch':
    case 'content-sha256-mismatch':
      return 'InvalidSignatureException'
    case 'unknown-key':
    case 'token-mismatch':
      return 'UnrecognizedClientException'
    case 'revoked':
      return message === EXPIRED_TOKEN_MESSAGE
        ? 'ExpiredTokenException'
        : 'UnrecognizedClientException'
    default:
      return 'IncompleteSignatureException'
  }
}

/**
 * The response AWS sends for a refusal. Every body but VPC Lattice's is JSON, with
 * `x-amzn-RequestId`; the unsigned-request body of OpenSearch Service spells its key `Message`;
 * Lattice answers in plain text, the error class first.
 */
export function awsErrorResponse(
  style: ErrorStyle,
  reason: AuthFailureReason,
  status: number,
  message: string,
  requestId: string = randomUUID(),
): AwsErrorResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-RequestId': requestId,
  }
  if (style === 'aoss') {
    // Serverless gives no detail at all; its gateway only adds this hint header.
    headers['x-aoss-response-hint'] = 'X01:gw-helper-deny'
    const text = status === 400 ? 'Bad Request' : 'Forbidden'
    return {
      status,
      headers,
      body: JSON.stringify({
        status,
        'request-id': requestId,
        error: { reason: `${status} ${text}`, type: text.replace(' ', '') },
      }),
    }
  }
  if (style === 'lattice') {
    return {
      status,
      headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
      body: `${latticeErrorClass(reason, message)}: ${message}`,
    }
  }
  const key = style === 'es' && reason === 'missing-auth' ? 'Message' : 'message'
  return { status, headers, body: JSON.stringify({ [key]: message }) }
}
