/**
 * The package's constants, in one place. SigV4's own names come from `@smithy/signature-v4`,
 * AWS's signer, so they are spelt exactly as AWS spells them and written nowhere else.
 */
export {
  ALGORITHM_IDENTIFIER,
  KEY_TYPE_IDENTIFIER,
  SHA256_HEADER,
  UNSIGNED_PAYLOAD,
} from '@smithy/signature-v4'

/** SHA-256 of the empty string: the payload hash of a request without a body. */
export const EMPTY_PAYLOAD_SHA256 =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** The signing name used when neither the `service` option nor the endpoint host names one. */
export const DEFAULT_SERVICE = 'es'

/** Default cap for buffering a stream body so it can be hashed: 100 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024

/** Default `credentialsRefreshMarginMs` / `refreshMarginMs`: 5 minutes. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000

/** Default `credentialsMaxAgeMs` / `maxAgeMs`: 15 minutes. */
export const DEFAULT_MAX_AGE_MS = 15 * 60_000

/** Default `credentialsTimeoutMs` / `providerTimeoutMs`: 10 seconds. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000

/** Pause between background refresh attempts, so a failing provider is not hammered. */
export const BACKGROUND_RETRY_MS = 10_000

/** Longest delay setTimeout honours; above it Node fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** The product the 8.x/9.x client checks for in `x-elastic-product`. */
export const ELASTIC_PRODUCT = 'Elasticsearch'

/** The tagline of Elastic's Elasticsearch, which the 7.14–7.17 client's product check requires. */
export const ELASTIC_TAGLINE = 'You Know, for Search'

/** The build flavour that check requires of a 7.0–7.13 server (Amazon's 7.10 reports `oss`). */
export const ELASTIC_BUILD_FLAVOR = 'default'

/**
 * The version the product check is answered with for OpenSearch Serverless, which has no
 * `GET /`: the Elasticsearch version whose API OpenSearch keeps (what compatibility mode reports).
 */
export const SERVERLESS_REPORTED_VERSION = '7.10.2'
