/**
 * The options of createAwsSigV4Connection: the documented interface, and the table that
 * validates and defaults them (the one place defaults are filled), first per connection class,
 * then per node.
 */
import type { ChecksumConstructor } from '../sigv4/sha256'
import type { CredentialsOption } from '../credentials/option'
import type { ConnectionContext } from '../exchange/types'
import type { OptionTable, ResolvedOptions as Resolved } from '../common/validation'
import type { ConnectionConstructor } from './types'
import { NodeSha256 } from '../sigv4/sha256'
import { validateCredentialsOption } from '../credentials/option'
import {
  DEFAULT_MAX_AGE_MS,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  DEFAULT_REFRESH_MARGIN_MS,
} from '../credentials/cache'
import { DEFAULT_MAX_BODY_BYTES } from '../exchange/payload'
import { resolveSigningTarget } from '../aws/endpoint'
import { validateRegion, validateService } from '../aws/region'
import { serviceFor } from '../aws/services'
import { defaultBaseConnection } from './default-base'
import { AwsSigV4ConfigurationError } from '../errors'
import {
  PER_NODE,
  checkBoolean,
  checkMilliseconds,
  checkNonEmptyString,
  checkTimeoutMs,
  describeValue,
  refuse,
  resolveOptionTable,
} from '../common/validation'

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
  /**
   * The connection class to extend. Default: the installed `@elastic/elasticsearch`'s default
   * connection (`UndiciConnection` on 8.x/9.x, `Connection` on 7.x).
   */
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
   * Adapt the client to the Amazon-managed engine (OpenSearch, Elasticsearch 7.10): plain JSON
   * media types and the product check of the 8.x/9.x and 7.14–7.17 clients satisfied (see
   * docs/amazon-engines.md). Default: `true` for the
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

/**
 * Every option, its check and its default: the one place options are validated and defaulted.
 * Its keys are those of {@link AwsSigV4ConnectionOptions}, as the type makes sure.
 */
const OPTIONS = {
  region: { validate: validateRegion, default: PER_NODE },
  service: { validate: validateService, default: PER_NODE },
  // Not given: the default Node credential chain, which CredentialCache loads when first asked.
  credentials: { validate: validateCredentialsOption, default: undefined },
  // Not given: the installed client's default connection, loaded only then (resolveOptions).
  baseConnection: { validate: connectionClass, default: undefined },
  sha256: { validate: hashConstructor, default: NodeSha256 },
  maxBodyBytes: { validate: byteCount, default: DEFAULT_MAX_BODY_BYTES },
  unsignedPayload: { validate: unsignedPayloadMode, default: PER_NODE },
  // Not given: sign for the node URL's host.
  signingHost: { validate: checkNonEmptyString, default: undefined },
  credentialsRefreshMarginMs: { validate: checkMilliseconds, default: DEFAULT_REFRESH_MARGIN_MS },
  credentialsMaxAgeMs: { validate: checkMilliseconds, default: DEFAULT_MAX_AGE_MS },
  credentialsTimeoutMs: { validate: checkTimeoutMs, default: DEFAULT_PROVIDER_TIMEOUT_MS },
  adaptToAmazonEngine: { validate: checkBoolean, default: PER_NODE },
  retryOnAwsRejection: { validate: checkBoolean, default: true },
  debugSignatureMismatch: { validate: checkBoolean, default: true },
} as const satisfies OptionTable<AwsSigV4ConnectionOptions>

/** Options after validation, with defaults filled in (those that depend on the node, not yet). */
export type ResolvedOptions = Resolved<typeof OPTIONS> & { baseConnection: ConnectionConstructor }

/** Option names, in the order errors list them. */
export const KNOWN_OPTIONS: readonly string[] = Object.keys(OPTIONS)

/** Validates options once, when the connection class is created, so mistakes surface early. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input === undefined || input === null) input = {}
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new AwsSigV4ConfigurationError(
      'options',
      `createAwsSigV4Connection expects an options object, got ${describeValue(input)}.`,
    )
  }
  const o = input as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!Object.prototype.hasOwnProperty.call(OPTIONS, key)) {
      throw new AwsSigV4ConfigurationError(
        key,
        `Unknown option "${key}" for createAwsSigV4Connection. Known options: ${KNOWN_OPTIONS.join(', ')}.`,
      )
    }
  }
  const resolved = resolveOptionTable(OPTIONS, o)
  return { ...resolved, baseConnection: resolved.baseConnection ?? defaultBaseConnection() }
}

/** The options a node's signing depends on (the signing proxy has these, and no base class). */
export type NodeOptionsInput = Pick<
  ResolvedOptions,
  'region' | 'service' | 'signingHost' | 'adaptToAmazonEngine' | 'unsignedPayload'
>

/** What every request to one node is signed with: its target and its service's defaults. */
export type NodeOptions = Omit<ConnectionContext, 'url' | 'headers'>

/**
 * The per-node part of the options, when the client creates a connection for a node: region,
 * service and Host from the options, the endpoint and the environment (aws/endpoint.ts; `env`,
 * default `process.env`), then the defaults the service's row gives (aws/services.ts).
 */
export function resolveNodeOptions(
  config: NodeOptionsInput,
  url: URL,
  env?: Record<string, string | undefined>,
): NodeOptions {
  const target = resolveSigningTarget({
    url,
    region: config.region,
    service: config.service,
    signingHost: config.signingHost,
    env,
  })
  const service = serviceFor(target.service)
  return {
    target,
    plainMediaTypes: config.adaptToAmazonEngine ?? service.amazonEngine,
    unsignedPayload: config.unsignedPayload ?? service.payload === 'unsigned-only',
    refusals: service.refusals,
  }
}

function connectionClass(value: unknown, option: string): ConnectionConstructor {
  const proto =
    typeof value === 'function' ? (value as { prototype?: unknown }).prototype : undefined
  const isConnectionClass =
    typeof proto === 'object' &&
    proto !== null &&
    typeof (proto as { request?: unknown }).request === 'function'
  if (isConnectionClass) return value as ConnectionConstructor
  return refuse(
    option,
    'a connection class: UndiciConnection or HttpConnection from @elastic/elasticsearch 8.x/9.x, ' +
      'or Connection from @elastic/elasticsearch 7.x or @opensearch-project/opensearch',
    value,
  )
}

function hashConstructor(value: unknown, option: string): ChecksumConstructor {
  if (typeof value === 'function') return value as ChecksumConstructor
  return refuse(option, 'a hash constructor such as Sha256 from @aws-crypto/sha256-js', value)
}

function byteCount(value: unknown, option: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
  return refuse(option, 'a whole number of bytes, 0 or more', value)
}

function unsignedPayloadMode(value: unknown, option: string): boolean | 'streams' {
  if (value === true || value === false || value === 'streams') return value
  return refuse(option, "true, false or 'streams'", value)
}
