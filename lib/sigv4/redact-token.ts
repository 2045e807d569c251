import type { AwsCredentialIdentity } from '@smithy/types'
import { REDACTED_TOKEN } from '../common/redaction-marks'
import { redactSecrets } from '../common/redaction'
import { canonicalHeaderValue } from './canonical-headers'

/**
 * The session token is a credential: a description shows that it was signed, never its value.
 * Replaced where it stands as a whole (the `x-amz-security-token:` line), so a short token never
 * cuts into other text. The canonical request holds the token as it was signed (whitespace
 * folded and trimmed), so that form is looked for first, then the raw token: the raw form alone
 * would miss a token with folded whitespace, and take the line break after one ending in one.
 */
export function redactToken(text: string, credentials: AwsCredentialIdentity): string {
  const token = credentials.sessionToken
  if (!token) return text
  const forms = [...new Set([canonicalHeaderValue(token), token])]
  return redactSecrets(
    text,
    forms.map((value) => ({ value, mark: REDACTED_TOKEN })),
  )
}
