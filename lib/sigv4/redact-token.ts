import type { AwsCredentialIdentity } from '@smithy/types'
import { REDACTED_TOKEN } from '../common/redaction-marks'
import { canonicalHeaderValue } from './canonical-headers'

/**
 * The session token is a credential: a description shows that it was signed, never its value.
 * The canonical request holds the token as it was signed (whitespace folded and trimmed), so
 * that form is redacted first; the raw token after it, wherever it still appears. Redacting
 * only the raw form would miss a token with folded whitespace, and eat the line break after
 * one that ends in a line break.
 */
export function redactToken(text: string, credentials: AwsCredentialIdentity): string {
  const token = credentials.sessionToken
  if (!token) return text
  let out = text
  for (const form of new Set([canonicalHeaderValue(token), token])) {
    if (form !== '') out = out.split(form).join(REDACTED_TOKEN)
  }
  return out
}
