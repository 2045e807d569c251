/**
 * Credentials objects of aws-sdk v2 (`AWS.config.credentials`, `new AWS.SharedIniFileCredentials()`,
 * `new AWS.EC2MetadataCredentials()`, …), which the connectors of the 7.x client era took and
 * their users still pass. Such an object refreshes itself in place: its keys are only right after
 * `getPromise()` resolves, and they stop working at its `expireTime`. So it is used as a provider,
 * never as static keys.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'

/** What this package uses of an aws-sdk v2 `AWS.Credentials` (or subclass) instance. */
export interface AwsSdkV2Credentials {
  accessKeyId?: string
  secretAccessKey?: string
  sessionToken?: string | null
  /** When the keys stop working; `null` for keys that do not expire. */
  expireTime?: Date | null
  /** Resolves once the keys are loaded, refreshed first when they are missing or about to expire. */
  getPromise(): Promise<void>
  /** Loads the keys again, whatever their expiry. */
  refreshPromise?(): Promise<void>
}

/** An aws-sdk v2 credentials object: it has `getPromise()`, which no v3 identity has. */
export function isAwsSdkV2Credentials(value: unknown): value is AwsSdkV2Credentials {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getPromise?: unknown }).getPromise === 'function'
  )
}

/**
 * The object as a provider. Each call asks it through `getPromise()`, and reads the keys and
 * `expireTime` it then holds. The cache asks again only when the keys it has are stale (within
 * its margin of `expireTime`, which is wider than aws-sdk's own 15 s) or were rejected by AWS:
 * when the object hands back the keys it gave last time, it is made to reload them
 * (`refreshPromise()`).
 */
export function awsSdkV2Provider(credentials: AwsSdkV2Credentials): AwsCredentialIdentityProvider {
  let last: { accessKeyId: unknown; sessionToken: unknown } | undefined
  return async () => {
    await credentials.getPromise()
    let identity = identityOf(credentials)
    const same =
      last !== undefined &&
      last.accessKeyId === identity.accessKeyId &&
      last.sessionToken === identity.sessionToken
    if (same && typeof credentials.refreshPromise === 'function') {
      await credentials.refreshPromise()
      identity = identityOf(credentials)
    }
    last = { accessKeyId: identity.accessKeyId, sessionToken: identity.sessionToken }
    return identity
  }
}

/** The keys the object holds now, as an identity; checked by the cache like any provider's. */
function identityOf(credentials: AwsSdkV2Credentials): AwsCredentialIdentity {
  const { accessKeyId, secretAccessKey, sessionToken, expireTime } = credentials
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expireTime instanceof Date && { expiration: expireTime }),
  } as AwsCredentialIdentity
}
