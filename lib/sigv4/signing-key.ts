/**
 * The SigV4 signing key: an HMAC chain over the date, region and service, starting from the
 * secret. It serves every request of a day, so it is kept per credentials object for the current
 * scope only: weakly keyed, so it goes when the credential cache replaces the object, and checked
 * against the secret, in case a credentials object is updated in place.
 */
import { createHmac } from 'node:crypto'
import type { AwsCredentialIdentity } from '@smithy/types'
import { KEY_TYPE_IDENTIFIER } from './constants'
import { HmacSha256Key } from './hmac'

const signingKeys = new WeakMap<
  AwsCredentialIdentity,
  { secret: string; scope: string; key: HmacSha256Key }
>()

/** `scope`: the credential scope the key is for, `<date>/<region>/<service>/aws4_request`. */
export function signingKey(
  credentials: AwsCredentialIdentity,
  scope: string,
  shortDate: string,
  region: string,
  service: string,
): HmacSha256Key {
  const cached = signingKeys.get(credentials)
  const secret = credentials.secretAccessKey
  if (cached !== undefined && cached.scope === scope && cached.secret === secret) return cached.key
  let key = createHmac('sha256', `AWS4${secret}`).update(shortDate).digest()
  for (const part of [region, service, KEY_TYPE_IDENTIFIER]) {
    key = createHmac('sha256', key).update(part).digest()
  }
  const prepared = new HmacSha256Key(key)
  signingKeys.set(credentials, { secret, scope, key: prepared })
  return prepared
}
