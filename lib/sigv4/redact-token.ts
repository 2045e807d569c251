import type { AwsCredentialIdentity } from '@smithy/types'
import { REDACTED_TOKEN } from '../common/redaction-marks'

/** The session token is a credential: a description shows that it was signed, never its value. */
export function redactToken(text: string, credentials: AwsCredentialIdentity): string {
  const token = credentials.sessionToken
  return token ? text.split(token).join(REDACTED_TOKEN) : text
}
