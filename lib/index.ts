import { createAwsSigV4Connection } from './connection'
import { zeroConfigConnection } from './zero-config'
import type { DefaultConnectionClass } from './client-types'

export { createAwsSigV4Connection }
export type { AwsSigV4ConnectionOptions, ConnectionConstructor } from './options'
export type { ClientConnectionClass, DefaultConnectionClass } from './client-types'
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
  AwsSigV4UnsupportedEngineError,
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
 * on the installed `@elastic/elasticsearch`'s default connection (`UndiciConnection` on 8.x and
 * 9.x, `Connection` on 7.x). Without that client installed, constructing it throws an
 * `AwsSigV4ConfigurationError` naming `baseConnection`.
 */
export const AwsSigV4Connection = zeroConfigConnection() as DefaultConnectionClass
export type AwsSigV4Connection = InstanceType<typeof AwsSigV4Connection>
