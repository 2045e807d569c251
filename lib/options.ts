import type { ChecksumConstructor } from './sha256'
import type { CredentialsOption } from './credentials'
import { validateCredentialsOption } from './credentials'
import { validateRegion, validateService } from './region'
import { DEFAULT_MAX_BODY_BYTES } from './constants'
import { AwsSigV4ConfigurationError } from './errors'

/**
 * A connection class of `@elastic/elasticsearch` (its `UndiciConnection` or `HttpConnection`,
 * from 9.x or 8.x) or a subclass of one. Typed structurally so classes of either major fit.
 */
export type ConnectionConstructor = abstract new (opts: never) => object

/** Options of {@link createAwsSigV4Connection}. */
export interface AwsSigV4ConnectionOptions<
  C extends ConnectionConstructor = ConnectionConstructor,
> {
  /** AWS region to sign for. Default: from the endpoint host, else `AWS_REGION` / `AWS_DEFAULT_REGION`. */
  region?: string
  /** Signing name of the service: `es` (default), `aoss`, `execute-api`, `vpc-lattice-svcs`, … */
  service?: string
  /** Static credentials or an async provider. Default: the AWS SDK's default Node credential chain. */
  credentials?: CredentialsOption
  /** The connection class to extend. Default: `UndiciConnection` of the installed client. */
  baseConnection?: C
  /** SHA-256 implementation for the signer. Default: Node's native crypto. */
  sha256?: ChecksumConstructor
  /** Largest stream body buffered for hashing, in bytes. Default 100 MiB. */
  maxBodyBytes?: number
  /**
   * Send `x-amz-content-sha256: UNSIGNED-PAYLOAD` instead of hashing the body: `true` for every
   * body, `'streams'` for stream bodies only. Default `false` (every body is hashed).
   */
  unsignedPayload?: boolean | 'streams'
  /** Sign for this host instead of the node URL's (an SSH tunnel or port-forward to a domain). */
  signingHost?: string
  /** Refresh credentials this long before they expire, in ms. Default 5 minutes. */
  credentialsRefreshMarginMs?: number
  /** Re-ask a provider whose credentials carry no expiration after this long, in ms. Default 15 minutes. */
  credentialsMaxAgeMs?: number
  /** Fail a request whose credential provider has not answered after this long, in ms. Default 10 s. */
  credentialsTimeoutMs?: number
  /**
   * Adapt the 8.x/9.x client to the Amazon-managed engine (OpenSearch, Elasticsearch 7.10):
   * plain JSON media types and the client's product check satisfied. Default: `true` for the
   * services `es` and `aoss`, `false` for any other (e.g. a real Elastic cluster behind API
   * Gateway or VPC Lattice).
   */
  adaptToAmazonEngine?: boolean
  /**
   * Retry once, re-signed, when AWS rejects a request for rejected credentials (refetched) or
   * clock skew (corrected from the response's `Date`). Default `true`.
   */
  retryOnAwsRejection?: boolean
  /**
   * On a signature mismatch, add what was signed (canonical request and string to sign, with the
   * session token redacted) to the 403 response body as `sigv4_debug`, so the client's
   * `ResponseError` shows it. Default `true`.
   */
  debugSignatureMismatch?: boolean
}

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  region?: string
  service?: string
  credentials?: CredentialsOption
  baseConnection?: ConnectionConstructor
  sha256?: ChecksumConstructor
  maxBodyBytes: number
  unsignedPayload: boolean | 'streams'
  signingHost?: string
  credentialsRefreshMarginMs?: number
  credentialsMaxAgeMs?: number
  credentialsTimeoutMs?: number
  adaptToAmazonEngine?: boolean
  retryOnAwsRejection: boolean
  debugSignatureMismatch: boolean
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'region',
  'service',
  'credentials',
  'baseConnection',
  'sha256',
  'maxBodyBytes',
  'unsignedPayload',
  'signingHost',
  'credentialsRefreshMarginMs',
  'credentialsMaxAgeMs',
  'credentialsTimeoutMs',
  'adaptToAmazonEngine',
  'retryOnAwsRejection',
  'debugSignatureMismatch',
])

/** Validates options once, when the connection class is created, so mistakes surface early. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input === undefined || input === null) input = {}
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new AwsSigV4ConfigurationError(
      'options',
      `createAwsSigV4Connection expects an options object, got ${describe(input)}.`,
    )
  }
  const o = input as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new AwsSigV4ConfigurationError(
        key,
        `Unknown option "${key}" for createAwsSigV4Connection. Known options: ${[...KNOWN_OPTIONS].join(', ')}.`,
      )
    }
  }
  return {
    region: o.region === undefined ? undefined : validateRegion(o.region, 'region'),
    service: o.service === undefined ? undefined : validateService(o.service, 'service'),
    credentials: o.credentials === undefined ? undefined : validateCredentialsOption(o.credentials),
    baseConnection: optionalClass(o.baseConnection),
    sha256: optionalHashConstructor(o.sha256),
    maxBodyBytes: o.maxBodyBytes === undefined ? DEFAULT_MAX_BODY_BYTES : byteCount(o.maxBodyBytes),
    unsignedPayload: unsignedPayload(o.unsignedPayload),
    signingHost:
      o.signingHost === undefined ? undefined : nonEmptyString(o.signingHost, 'signingHost'),
    credentialsRefreshMarginMs: optionalMs(o, 'credentialsRefreshMarginMs'),
    credentialsMaxAgeMs: optionalMs(o, 'credentialsMaxAgeMs'),
    credentialsTimeoutMs: positive(optionalMs(o, 'credentialsTimeoutMs'), 'credentialsTimeoutMs'),
    adaptToAmazonEngine: optionalBoolean(o, 'adaptToAmazonEngine'),
    retryOnAwsRejection: optionalBoolean(o, 'retryOnAwsRejection') ?? true,
    debugSignatureMismatch: optionalBoolean(o, 'debugSignatureMismatch') ?? true,
  }
}

function optionalBoolean(o: Record<string, unknown>, option: string): boolean | undefined {
  const value = o[option]
  if (value === undefined || typeof value === 'boolean') return value
  throw new AwsSigV4ConfigurationError(
    option,
    `${option} must be true or false, got ${describe(value)}.`,
  )
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'string' ? `the string "${value}"` : `a value of type ${typeof value}`
}

function optionalClass(value: unknown): ConnectionConstructor | undefined {
  if (value === undefined) return undefined
  const proto =
    typeof value === 'function' ? (value as { prototype?: unknown }).prototype : undefined
  if (
    typeof proto !== 'object' ||
    proto === null ||
    typeof (proto as { request?: unknown }).request !== 'function'
  ) {
    throw new AwsSigV4ConfigurationError(
      'baseConnection',
      `baseConnection must be a connection class such as UndiciConnection or HttpConnection from @elastic/elasticsearch, got ${describe(value)}.`,
    )
  }
  return value as ConnectionConstructor
}

function optionalHashConstructor(value: unknown): ChecksumConstructor | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') {
    throw new AwsSigV4ConfigurationError(
      'sha256',
      `sha256 must be a hash constructor such as Sha256 from @aws-crypto/sha256-js, got ${describe(value)}.`,
    )
  }
  return value as ChecksumConstructor
}

function byteCount(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new AwsSigV4ConfigurationError(
      'maxBodyBytes',
      `maxBodyBytes must be a whole number of bytes, 0 or more, got ${describe(value)}${typeof value === 'number' ? ` (${value})` : ''}.`,
    )
  }
  return value
}

function unsignedPayload(value: unknown): boolean | 'streams' {
  if (value === undefined) return false
  if (value === true || value === false || value === 'streams') return value
  throw new AwsSigV4ConfigurationError(
    'unsignedPayload',
    `unsignedPayload must be true, false or 'streams', got ${describe(value)}.`,
  )
}

function nonEmptyString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AwsSigV4ConfigurationError(
      option,
      `${option} must be a non-empty string, got ${describe(value)}.`,
    )
  }
  return value.trim()
}

function optionalMs(o: Record<string, unknown>, option: string): number | undefined {
  const value = o[option]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AwsSigV4ConfigurationError(
      option,
      `${option} must be a number of milliseconds, 0 or more, got ${describe(value)}${typeof value === 'number' ? ` (${value})` : ''}.`,
    )
  }
  return value
}

/** A timeout of 0 would fail every call: refused here, naming the option the user set. */
function positive(value: number | undefined, option: string): number | undefined {
  if (value !== 0) return value
  throw new AwsSigV4ConfigurationError(
    option,
    `${option} must be more than 0 milliseconds (a provider call cannot finish in 0 ms), got 0.`,
  )
}
