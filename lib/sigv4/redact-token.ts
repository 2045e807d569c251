import type { AwsCredentialIdentity } from '@smithy/types'
import { REDACTED_TOKEN } from '../common/redaction-marks'
import { redactSecrets } from '../common/redaction'

/**
 * The session token is a credential: a description shows that it was signed, never its value.
 * Replaced where it stands as a whole (the `x-amz-security-token:` line), so a short token never
 * cuts into other text.
 */
export function redactToken(text: string, credentials: AwsCredentialIdentity): string {
  const token = credentials.sessionToken
  return token ? redactSecrets(text, [{ value: token, mark: REDACTED_TOKEN }]) : text
}
