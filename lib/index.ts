import { createAwsSigV4Connection } from './connection/create'
import { zeroConfigConnection } from './connection/zero-config'
import type { DefaultConnectionClass } from './connection/types'

export { createAwsSigV4Connection }
export type { AwsSigV4ConnectionOptions } from './connection/options'
export type {
  ClientConnectionClass,
  ConnectionConstructor,
  DefaultConnectionClass,
} from './connection/types'
export type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  AwsSdkV2Credentials,
  CredentialsOption,
} from './credentials/option'
export type { Checksum, ChecksumConstructor } from './sigv4/sha256'
export { NodeSha256 } from './sigv4/sha256'
export { DEFAULT_MAX_BODY_BYTES } from './exchange/payload'
export {
  AwsSigV4Error,
  AwsSigV4ConfigurationError,
  AwsSigV4RequestError,
  AwsSigV4AbortError,
  AwsCredentialsError,
  AwsSigV4UnsupportedEngineError,
} from './errors'
export { CredentialCache } from './credentials/cache'
export type { CredentialCacheOptions } from './credentials/cache'
export { parseAwsEndpoint, resolveSigningTarget } from './aws/endpoint'
export type {
  AwsEndpointInfo,
  AwsPartition,
  AwsServiceKind,
  SigningTarget,
  SigningTargetInput,
} from './aws/endpoint'

/**
 * Zero-configuration connection class: region from `AWS_REGION` / `AWS_DEFAULT_REGION` (or the
 * endpoint host), service `es`, credentials from the AWS SDK's default Node credential chain,
 * on the installed `@elastic/elasticsearch`'s default connection (`UndiciConnection` on 8.x and
 * 9.x, `Connection` on 7.x). Without that client installed, constructing it throws an
 * `AwsSigV4ConfigurationError` naming `baseConnection`.
 */
export const AwsSigV4Connection = zeroConfigConnection() as DefaultConnectionClass
export type AwsSigV4Connection = InstanceType<typeof AwsSigV4Connection>
