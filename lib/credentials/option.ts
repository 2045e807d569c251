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
  if (isAwsSdkV2Object(value)) return value
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

/**
 * Why `value` is not usable credentials, naming the field but never showing its value. A getter
 * that throws, or a Proxy that refuses to be read, is a reason too, not an exception.
 */
export function describeInvalidCredentials(value: unknown): string | undefined {
  try {
    return describeFields(value)
  } catch (err) {
    return `its fields could not be read (reading them threw ${errorName(err)})`
  }
}

/** The name of what was thrown, and nothing of its message (which may quote a secret). */
export function errorName(err: unknown): string {
  try {
    return err instanceof Error ? err.name : typeName(err)
  } catch {
    return 'a value that cannot be read'
  }
}

function describeFields(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    return `expected an object with accessKeyId and secretAccessKey, got ${typeName(value)}`
  }
  for (const key of ['accessKeyId', 'secretAccessKey'] as const) {
    const field = fieldOf(value, key)
    if (typeof field !== 'string') {
      return `\`${key}\` must be a non-empty string, got ${typeName(field)}`
    }
    if (field === '') return `\`${key}\` must be a non-empty string, got an empty string`
  }
  const sessionToken = fieldOf(value, 'sessionToken')
  if (sessionToken !== undefined && typeof sessionToken !== 'string') {
    return `\`sessionToken\` must be a string when present, got ${typeName(sessionToken)}`
  }
  const expiration = fieldOf(value, 'expiration')
  if (expiration !== undefined) {
    if (!(expiration instanceof Date)) {
      return `\`expiration\` must be a Date when present, got ${typeName(expiration)}`
    }
    if (Number.isNaN(expiration.getTime())) return '`expiration` is an invalid Date'
  }
  return undefined
}

/** The fields of AwsCredentialIdentity: what signing, caching and redaction read. */
const CREDENTIAL_FIELDS = [
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'expiration',
  'credentialScope',
  'accountId',
] as const

/**
 * Valid credentials (see {@link describeInvalidCredentials}) as a plain object read once: each
 * field its own or its class's (a getter), never `Object.prototype`'s, and the optional ones
 * present as own properties even when unset, so a prototype polluted later adds no session
 * token. Getters are not read again, so their later values or errors cannot reach the signer.
 */
export function plainCredentials(value: object): AwsCredentialIdentity {
  const out: Record<string, unknown> = {}
  for (const name of CREDENTIAL_FIELDS) out[name] = fieldOf(value, name)
  if (out.credentialScope === undefined) delete out.credentialScope
  if (out.accountId === undefined) delete out.accountId
  return out as unknown as AwsCredentialIdentity
}

/** Whether `Object.prototype` has a credential field: then every plain object seems to have it. */
export function prototypeHasCredentialFields(): boolean {
  return CREDENTIAL_FIELDS.some((name) => name in Object.prototype)
}

/**
 * A field of a credentials object: its own property or one of its class (a getter of an SDK's
 * credentials class), not one that every object inherits from a polluted `Object.prototype`.
 */
function fieldOf(value: object, name: string): unknown {
  for (let at: object | null = value; at !== null && at !== Object.prototype;) {
    if (Object.prototype.hasOwnProperty.call(at, name)) return Reflect.get(at, name, value)
    at = Object.getPrototypeOf(at) as object | null
  }
  return undefined
}

/**
 * Whether `value` is an aws-sdk v2 credentials object (see aws-sdk-v2.ts); false for one that
 * cannot even be asked (a Proxy that throws), which the field checks then name.
 */
export function isAwsSdkV2Object(value: unknown): value is AwsSdkV2Credentials {
  try {
    return isAwsSdkV2Credentials(value)
  } catch {
    return false
  }
}

/** aws-sdk v2's `AWS.config` (what `createAwsElasticsearchConnector(AWS.config)` took) is no credentials. */
function awsSdkV2ConfigHint(value: unknown): string {
  try {
    const config = value as { getCredentials?: unknown; credentials?: unknown } | null
    return typeof config === 'object' &&
      config !== null &&
      typeof config.getCredentials === 'function'
      ? " (this looks like aws-sdk v2's AWS.config: pass AWS.config.credentials)"
      : ''
  } catch {
    return ''
  }
}
