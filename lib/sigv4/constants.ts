/**
 * The package's constants, in one place. SigV4's own names are spelt as `@smithy/signature-v4`,
 * AWS's signer, spells them (test/constants.test.ts holds them to it): written here rather than
 * imported, so that loading the package does not load the signer (smithy-signer.ts).
 */

/** The signing algorithm, first word of the `Authorization` header. */
export const ALGORITHM_IDENTIFIER = 'AWS4-HMAC-SHA256'

/** Last element of the credential scope. */
export const KEY_TYPE_IDENTIFIER = 'aws4_request'

/** The header that carries the payload hash. */
export const SHA256_HEADER = 'x-amz-content-sha256'

/** The payload hash of a body sent unsigned. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

/** SHA-256 of the empty string: the payload hash of a request without a body. */
export const EMPTY_PAYLOAD_SHA256 =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/**
 * The query parameters of SigV4 query-string signing (presigned URLs), as AWS spells them; in
 * any letter case they cannot be sent with a request signed in its headers.
 */
export const PRESIGNED_QUERY_PARAMETERS: readonly string[] = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
]

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

/** The default credential chain's package, imported only when it is needed (default-chain.ts). */
export const DEFAULT_CHAIN_MODULE = '@aws-sdk/credential-provider-node'

/**
 * The environment variables the chain's first link reads, as the AWS SDK spells them
 * (@aws-sdk/credential-provider-env, and `AWS_PROFILE`, which makes the chain skip them).
 */
export const ENV_CREDENTIALS = {
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  sessionToken: 'AWS_SESSION_TOKEN',
  expiration: 'AWS_CREDENTIAL_EXPIRATION',
  credentialScope: 'AWS_CREDENTIAL_SCOPE',
  accountId: 'AWS_ACCOUNT_ID',
} as const
export const ENV_PROFILE = 'AWS_PROFILE'

/**
 * Largest clock offset learned from a `Date` header: 24 hours. SigV4's window is 5 minutes (15
 * for some services); real clock errors are seconds to minutes, and the largest common one, a
 * hardware clock kept in local time but read as UTC, is at most 14 hours. A `Date` further off
 * is more likely wrong (a proxy, a cache) than our clock, and adopting it would make every
 * credential look expired, so nothing would be sent that could correct it.
 */
export const MAX_CLOCK_OFFSET_MS = 24 * 3_600_000

/**
 * A 403 whose `Date` is more than this from the `x-amz-date` we signed came from a clock off by
 * that much: 4 minutes, under the 5 of AWS's window, so the time the answer took does not count.
 */
export const CLOCK_SKEW_SIGNAL_MS = 4 * 60_000

/**
 * After credentials fetched because of a rejection are themselves rejected, refetching does not
 * help (an access policy, not the credentials, refuses): later rejections fetch no credentials
 * for this long. 1 minute, so a permanent 403 costs at most one provider call a minute.
 */
export const REFETCH_PAUSE_MS = 60_000

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

/**
 * What replaces a session token and a signature wherever they would show (`sigv4_debug`, AWS's
 * echoed texts, the CLI's output, the emulator's verdicts).
 */
export const REDACTED_TOKEN = '<redacted session token>'
export const REDACTED_SIGNATURE = '<redacted signature>'

/** How many distinct vendor media type values compat.ts remembers the plain form of. */
export const MEDIA_TYPES_REMEMBERED = 32
