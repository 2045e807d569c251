import type { UndiciConnection } from '@elastic/elasticsearch'
import { createAwsSigV4Connection } from './connection'

export { createAwsSigV4Connection }
export type { AwsSigV4ConnectionOptions, ConnectionConstructor } from './options'
export type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  CredentialsOption,
} from './credentials'
export type { Checksum, ChecksumConstructor } from './sha256'
export { NodeSha256 } from './sha256'
export { DEFAULT_MAX_BODY_BYTES } from './constants'
export {
  AwsSigV4Error,
  AwsSigV4ConfigurationError,
  AwsSigV4RequestError,
  AwsSigV4AbortError,
  AwsCredentialsError,
} from './errors'
export { CredentialCache } from './credentials'
export type { CredentialCacheOptions } from './credentials'
export { parseAwsEndpoint, resolveSigningTarget } from './endpoint'
export type {
  AwsEndpointInfo,
  AwsPartition,
  AwsServiceKind,
  SigningTarget,
  SigningTargetInput,
} from './endpoint'

/**
 * Zero-configuration connection class: region from `AWS_REGION` / `AWS_DEFAULT_REGION` (or the
 * endpoint host), service `es`, credentials from the AWS SDK's default Node credential chain,
 * on the installed client's `UndiciConnection`.
 */
export const AwsSigV4Connection: typeof UndiciConnection = createAwsSigV4Connection()
export type AwsSigV4Connection = InstanceType<typeof AwsSigV4Connection>
