/**
 * The `credentials` option: what it may be, and checking it. A wrong shape is named by its field,
 * never shown by its value.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { AwsSigV4ConfigurationError } from '../errors'
import { typeName } from '../common/validation'
import type { AwsSdkV2Credentials } from './aws-sdk-v2'
import { isAwsSdkV2Credentials } from './aws-sdk-v2'

export type { AwsCredentialIdentity, AwsCredentialIdentityProvider, AwsSdkV2Credentials }

/**
 * Static credentials, a function that resolves them (e.g. `fromTemporaryCredentials()`), or an
 * aws-sdk v2 credentials object (`AWS.config.credentials`), used as a provider.
 */
export type CredentialsOption =
  AwsCredentialIdentity | AwsCredentialIdentityProvider | AwsSdkV2Credentials

/**
 * Checks the `credentials` option at construction time. Call it only when the option was given:
 * leaving it `undefined` selects the default chain, which `CredentialCache` handles.
 * Throws `AwsSigV4ConfigurationError('credentials', …)` naming the bad field.
 */
export function validateCredentialsOption(value: unknown): CredentialsOption {
  if (typeof value === 'function') return value as AwsCredentialIdentityProvider
  // Its keys may not be loaded yet (instance metadata, a profile): checked once it has answered.
  if (isAwsSdkV2Credentials(value)) return value
  const problem = describeInvalidCredentials(value)
  if (problem !== undefined) {
    throw new AwsSigV4ConfigurationError(
      'credentials',
      `Invalid \`credentials\` option: ${problem}${awsSdkV2ConfigHint(value)}. Pass ` +
        '{ accessKeyId, secretAccessKey, sessionToken? }, a provider function, an aws-sdk v2 ' +
        'credentials object, or leave it unset to use the default credential chain.',
    )
  }
  return value as AwsCredentialIdentity
}

/** Why `value` is not usable credentials, naming the field but never showing its value. */
export function describeInvalidCredentials(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    return `expected an object with accessKeyId and secretAccessKey, got ${typeName(value)}`
  }
  const fields = value as Record<string, unknown>
  for (const key of ['accessKeyId', 'secretAccessKey'] as const) {
    if (typeof fields[key] !== 'string') {
      return `\`${key}\` must be a non-empty string, got ${typeName(fields[key])}`
    }
    if (fields[key] === '') return `\`${key}\` must be a non-empty string, got an empty string`
  }
  if (fields.sessionToken !== undefined && typeof fields.sessionToken !== 'string') {
    return `\`sessionToken\` must be a string when present, got ${typeName(fields.sessionToken)}`
  }
  const expiration = fields.expiration
  if (expiration !== undefined) {
    if (!(expiration instanceof Date)) {
      return `\`expiration\` must be a Date when present, got ${typeName(expiration)}`
    }
    if (Number.isNaN(expiration.getTime())) return '`expiration` is an invalid Date'
  }
  return undefined
}

/** aws-sdk v2's `AWS.config` (what `createAwsElasticsearchConnector(AWS.config)` took) is no credentials. */
function awsSdkV2ConfigHint(value: unknown): string {
  const config = value as { getCredentials?: unknown; credentials?: unknown } | null
  return typeof config === 'object' &&
    config !== null &&
    typeof config.getCredentials === 'function'
    ? " (this looks like aws-sdk v2's AWS.config: pass AWS.config.credentials)"
    : ''
}
