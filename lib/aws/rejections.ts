/**
 * Recognises AWS's SigV4 rejections (HTTP 403) that a client can recover from, by the texts AWS
 * answers with, in the refusal style of the service (see `refusals` in services.ts).
 */
import type { RefusalStyle } from './services'
import { bodyText, parseJsonObject } from '../common/body'

export type AwsRejectionKind =
  /** "The security token included in the request is expired" / "… is invalid." */
  | 'credentials-rejected'
  /** "Signature expired: … is now earlier than …" / "Signature not yet current: …" */
  | 'clock-skew'
  /** "The request signature we calculated does not match the signature you provided. …" */
  | 'signature-mismatch'
  /**
   * A 403 that gives no reason: OpenSearch Serverless's `{"error":{"type":"Forbidden"}}` for a
   * skewed clock, rejected credentials and a denying access policy alike.
   */
  | 'unexplained'

export interface AwsRejection {
  kind: AwsRejectionKind
  /** AWS's message: the body's `message` (or `Message`), else the whole body. */
  message: string
  /** The body as a JSON object, when it is one: parsed once, here. */
  json?: Record<string, unknown>
}

/** AWS's JSON services word SigV4 refusals the same way; an OpenSearch domain is one of them. */
const MESSAGE_PATTERNS: ReadonlyArray<[AwsRejectionKind, RegExp]> = [
  ['credentials-rejected', /security token included in the request is (expired|invalid)/i],
  ['clock-skew', /^Signature (expired|not yet current):/i],
  ['signature-mismatch', /request signature we calculated does not match/i],
]

/**
 * How each refusal style says which rejection it is. Serverless ('aoss') answers every refusal
 * with one generic 403 body, so in practice none of its refusals matches these texts; VPC
 * Lattice words them in plain text after the error class.
 */
const RECOGNISED: Record<RefusalStyle, ReadonlyArray<[AwsRejectionKind, RegExp]>> = {
  es: MESSAGE_PATTERNS,
  aoss: MESSAGE_PATTERNS,
  lattice: MESSAGE_PATTERNS,
  generic: MESSAGE_PATTERNS,
}

/** `AccessDeniedException: User: …`: VPC Lattice's plain-text refusals lead with their class. */
const ERROR_CLASS_PREFIX = /^[A-Z][A-Za-z]*(?:Exception|Error): /

/** The rejection a response carries, if it is one of the recognised SigV4 403s. */
export function classifyAwsRejection(
  response: { statusCode: number; body?: unknown },
  style: RefusalStyle = 'generic',
): AwsRejection | undefined {
  if (response.statusCode !== 403) return undefined
  const text = bodyText(response.body)
  if (text === undefined) return undefined
  const json = parseJsonObject(text)
  const message = messageOf(text, json, style)
  for (const [kind, pattern] of RECOGNISED[style]) {
    if (pattern.test(message))
      return json === undefined ? { kind, message } : { kind, message, json }
  }
  if (style === 'aoss' && json !== undefined && isBareForbidden(json)) {
    return { kind: 'unexplained', message, json }
  }
  return undefined
}

/** Serverless's refusal: `{"status":403,"request-id":…,"error":{"reason":"403 Forbidden","type":"Forbidden"}}`. */
export function isBareForbidden(json: Record<string, unknown>): boolean {
  const error = json.error
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { type?: unknown }).type === 'Forbidden'
  )
}

/**
 * The message of an AWS refusal: `message` or `Message` of a JSON body, else the text itself
 * (for Lattice, without the error class it is led by).
 */
export function messageOf(
  text: string,
  json: Record<string, unknown> | undefined,
  style: RefusalStyle,
): string {
  if (typeof json?.message === 'string') return json.message
  if (typeof json?.Message === 'string') return json.Message
  return style === 'lattice' ? text.replace(ERROR_CLASS_PREFIX, '') : text
}
