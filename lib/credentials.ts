// TEMPORARY minimal version while the full cache is developed on its own branch.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { AwsSigV4Error } from './errors'
export type { AwsCredentialIdentity, AwsCredentialIdentityProvider }
export type CredentialsOption = AwsCredentialIdentity | AwsCredentialIdentityProvider
export interface CredentialCacheOptions {
  refreshMarginMs?: number
  maxAgeMs?: number
  providerTimeoutMs?: number
  now?: () => number
}
export class AwsCredentialsError extends AwsSigV4Error {}
export function validateCredentialsOption(value: unknown): CredentialsOption {
  return value as CredentialsOption
}
export class CredentialCache {
  #source: CredentialsOption | undefined
  readonly sourceName = 'temporary'
  constructor(source: CredentialsOption | undefined, _options?: CredentialCacheOptions) {
    this.#source = source
  }
  async get(_signal?: AbortSignal): Promise<AwsCredentialIdentity> {
    const s = this.#source
    if (typeof s === 'function') return s()
    if (s) return s
    throw new AwsCredentialsError('no credentials')
  }
  invalidate(_stale?: AwsCredentialIdentity): void {}
}
