/**
 * Recognises AWS's SigV4 rejections (HTTP 403 with a JSON `message`) that a client can recover
 * from, by the texts AWS answers with.
 */
export type AwsRejectionKind =
  /** "The security token included in the request is expired" / "… is invalid." */
  | 'credentials-rejected'
  /** "Signature expired: … is now earlier than …" / "Signature not yet current: …" */
  | 'clock-skew'
  /** "The request signature we calculated does not match the signature you provided. …" */
  | 'signature-mismatch'

export interface AwsRejection {
  kind: AwsRejectionKind
  message: string
}

const PATTERNS: Array<[AwsRejectionKind, RegExp]> = [
  ['credentials-rejected', /security token included in the request is (expired|invalid)/i],
  ['clock-skew', /^Signature (expired|not yet current):/i],
  ['signature-mismatch', /request signature we calculated does not match/i],
]

/** The rejection a response carries, if it is one of the recognised SigV4 403s. */
export function classifyAwsRejection(response: {
  statusCode: number
  headers?: Record<string, unknown>
  body?: unknown
}): AwsRejection | undefined {
  if (response.statusCode !== 403) return undefined
  const message = messageOf(response.body)
  if (message === undefined) return undefined
  for (const [kind, pattern] of PATTERNS) {
    if (pattern.test(message)) return { kind, message }
  }
  return undefined
}

function messageOf(body: unknown): string | undefined {
  let text: string
  if (typeof body === 'string') text = body
  else if (Buffer.isBuffer(body)) text = body.toString('utf8')
  else return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null) {
      const { message, Message } = parsed as { message?: unknown; Message?: unknown }
      if (typeof message === 'string') return message
      if (typeof Message === 'string') return Message
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text
}
