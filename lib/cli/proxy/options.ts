/**
 * The options of `startSigningProxy`: the documented interface, and the table that checks and
 * defaults them (the connection's own checks where the option is the connection's too).
 */
import type { CredentialsOption } from '../../credentials/option'
import { validateCredentialsOption } from '../../credentials/option'
import { DEFAULT_MAX_BODY_BYTES } from '../../exchange/payload'
import { AwsSigV4ConfigurationError } from '../../errors'
import { validateRegion, validateService } from '../../aws/region'
import type { OptionTable, ResolvedOptions } from '../../common/validation'
import {
  checkBoolean,
  checkMilliseconds,
  checkNonEmptyString,
  checkTimeoutMs,
  refuse,
  resolveOptionTable,
} from '../../common/validation'
import type { ProxyLogEntry } from './log'

/** Options of {@link startSigningProxy}. */
export interface SigningProxyOptions {
  /**
   * Where requests go, signed: an Amazon OpenSearch Service domain, an OpenSearch Serverless
   * collection, a VPC Lattice service or an API Gateway URL (a path prefix is kept).
   */
  endpoint: string | URL
  /** `host:port` to listen on. Default `127.0.0.1:9200`; port 0 picks a free one. */
  listen?: string
  /** Region to sign for. Default: from the endpoint host, else `AWS_REGION`. */
  region?: string
  /** Service to sign for. Default: from the endpoint host, else `es`. */
  service?: string
  /** Sign for this host while connecting to `endpoint` (an SSH tunnel, PrivateLink). */
  signingHost?: string
  /**
   * Static credentials or a provider, as the connection takes them. Default: the AWS SDK's
   * default Node credential chain (of `profile` when given).
   */
  credentials?: CredentialsOption
  /** A profile of the shared config and credentials files, for the default chain. */
  profile?: string
  /** Assume this role with the credentials above; refreshed before it expires. */
  roleArn?: string
  /** CA certificates (PEM) to trust for the endpoint instead of Node's. */
  ca?: string | Buffer
  /** Accept any certificate from the endpoint. Default false. */
  insecure?: boolean
  /** Forward only reads (GET, HEAD, the search APIs); refuse every write before it leaves. */
  readOnly?: boolean
  /** Largest request body, in bytes; larger ones are answered 413. Default 100 MiB. */
  maxBodyBytes?: number
  /**
   * Request bodies held in memory at once, across requests; at least `maxBodyBytes`. Default
   * 2 × `maxBodyBytes`.
   */
  maxBufferedBytes?: number
  /** How long a request waits for room among the buffered bodies before a 503. Default 10 s. */
  bufferWaitMs?: number
  /** Listen on an address other than loopback. Default false. */
  allowRemote?: boolean
  /** Require clients to present this token (as a bearer token, or a Basic password). */
  clientToken?: string
  /** Browser origins allowed to call the proxy (`http://localhost:3000`). */
  cors?: string | readonly string[]
  /** Time to wait for the endpoint's answer to begin, in ms; then 504. Default 120 s. */
  timeoutMs?: number
  /** On close, how long requests in flight may take to finish, in ms. Default 10 s. */
  graceMs?: number
  /**
   * Adapt 8.x/9.x clients to an Amazon-managed engine (plain JSON media types, the product
   * header), as the connection does. Default: true for `es` and `aoss`.
   */
  adaptToAmazonEngine?: boolean
  /** Receives one entry per request, and the proxy's notes and warnings. Default: none. */
  log?: (entry: ProxyLogEntry) => void
  /** Environment for AWS_REGION and AWS_ENDPOINT_URL_STS. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
}

export const DEFAULT_LISTEN = '127.0.0.1:9200'
export const DEFAULT_PROXY_TIMEOUT_MS = 120_000
export const DEFAULT_GRACE_MS = 10_000
export const DEFAULT_BUFFER_WAIT_MS = 10_000

const OPTIONS = {
  endpoint: { validate: endpointUrl, default: undefined },
  listen: { validate: checkNonEmptyString, default: DEFAULT_LISTEN },
  region: { validate: validateRegion, default: undefined },
  service: { validate: validateService, default: undefined },
  signingHost: { validate: checkNonEmptyString, default: undefined },
  credentials: { validate: validateCredentialsOption, default: undefined },
  profile: { validate: checkNonEmptyString, default: undefined },
  roleArn: { validate: roleArn, default: undefined },
  ca: { validate: certificates, default: undefined },
  insecure: { validate: checkBoolean, default: false },
  readOnly: { validate: checkBoolean, default: false },
  maxBodyBytes: { validate: byteCount, default: DEFAULT_MAX_BODY_BYTES },
  maxBufferedBytes: { validate: byteCount, default: undefined },
  bufferWaitMs: { validate: checkMilliseconds, default: DEFAULT_BUFFER_WAIT_MS },
  allowRemote: { validate: checkBoolean, default: false },
  clientToken: { validate: token, default: undefined },
  cors: { validate: origins, default: [] as readonly string[] },
  timeoutMs: { validate: checkTimeoutMs, default: DEFAULT_PROXY_TIMEOUT_MS },
  graceMs: { validate: checkMilliseconds, default: DEFAULT_GRACE_MS },
  adaptToAmazonEngine: { validate: checkBoolean, default: undefined },
  log: { validate: logFunction, default: undefined },
  env: { validate: environment, default: undefined },
} as const satisfies OptionTable<SigningProxyOptions>

export type ResolvedProxyOptions = Omit<
  ResolvedOptions<typeof OPTIONS>,
  'endpoint' | 'maxBufferedBytes'
> & {
  endpoint: URL
  maxBufferedBytes: number
  /** The listen address, split. */
  host: string
  port: number
}

/** Checks every option, naming the one that is wrong; fills in the defaults. */
export function resolveProxyOptions(input: unknown): ResolvedProxyOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AwsSigV4ConfigurationError(
      'options',
      'startSigningProxy expects an options object with at least `endpoint`.',
    )
  }
  for (const key of Object.keys(input)) {
    if (!Object.prototype.hasOwnProperty.call(OPTIONS, key)) {
      throw new AwsSigV4ConfigurationError(
        key,
        `Unknown option "${key}" for startSigningProxy. Known options: ${Object.keys(OPTIONS).join(', ')}.`,
      )
    }
  }
  const resolved = resolveOptionTable(OPTIONS, input)
  if (resolved.endpoint === undefined) {
    throw new AwsSigV4ConfigurationError(
      'endpoint',
      'startSigningProxy needs `endpoint`: the URL of the domain, collection, Lattice service or API.',
    )
  }
  const maxBufferedBytes = resolved.maxBufferedBytes ?? 2 * resolved.maxBodyBytes
  if (maxBufferedBytes < resolved.maxBodyBytes) {
    throw new AwsSigV4ConfigurationError(
      'maxBufferedBytes',
      `maxBufferedBytes (${maxBufferedBytes}) must be at least maxBodyBytes (${resolved.maxBodyBytes}): ` +
        'a body the cap admits must fit in the budget.',
    )
  }
  return {
    ...resolved,
    endpoint: resolved.endpoint,
    maxBufferedBytes,
    ...parseListen(resolved.listen),
  }
}

/** `host:port`, `[v6]:port`, or a port alone (on 127.0.0.1). */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(value.trim())
  const port = match === null ? NaN : Number(match[2])
  if (match === null || port > 65535) {
    throw new AwsSigV4ConfigurationError(
      'listen',
      `listen must be HOST:PORT (e.g. 127.0.0.1:9200, or port 0 for any free one), got ${JSON.stringify(value)}.`,
    )
  }
  const host = (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1')
  return { host, port }
}

function endpointUrl(value: unknown, option: string): URL {
  let url: URL
  try {
    url = value instanceof URL ? new URL(value.href) : new URL(String(value))
  } catch {
    return refuse(option, 'an http:// or https:// URL', value)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || typeof value === 'number') {
    return refuse(option, 'an http:// or https:// URL', value)
  }
  if (url.username !== '' || url.password !== '') {
    throw new AwsSigV4ConfigurationError(
      option,
      `The endpoint ${url.protocol}//***@${url.host} contains credentials (user:password@): the ` +
        'proxy signs with AWS SigV4 instead; remove them from the URL.',
    )
  }
  if (url.search !== '' || url.hash !== '') {
    throw new AwsSigV4ConfigurationError(
      option,
      `The endpoint ${url.protocol}//${url.host}${url.pathname} has a query or fragment: give ` +
        'scheme, host and (optionally) a path prefix only.',
    )
  }
  return url
}

function roleArn(value: unknown, option: string): string {
  if (typeof value === 'string' && /^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/.test(value)) {
    return value
  }
  return refuse(option, 'an IAM role ARN (arn:aws:iam::123456789012:role/name)', value)
}

function certificates(value: unknown, option: string): string | Buffer {
  if ((typeof value === 'string' && value.includes('-----BEGIN')) || Buffer.isBuffer(value)) {
    return value
  }
  return refuse(option, 'PEM certificates (a string or a Buffer)', value)
}

function byteCount(value: unknown, option: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value
  return refuse(option, 'a whole number of bytes, more than 0', value)
}

/** A token is a secret: a bad one is described by its type only. */
function token(value: unknown, option: string): string {
  if (typeof value === 'string' && value.length >= 16 && !/\s/.test(value)) return value
  throw new AwsSigV4ConfigurationError(
    option,
    `${option} must be a string of at least 16 characters without spaces (got ${typeof value === 'string' ? `one of ${value.length}` : typeof value}).`,
  )
}

/** Origins as browsers send them (`URL.origin`); never `*`. */
function origins(value: unknown, option: string): readonly string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list)) return refuse(option, 'an origin or a list of origins', value)
  return list.map((item: unknown) => {
    if (item === '*') {
      throw new AwsSigV4ConfigurationError(
        option,
        `${option} cannot be '*': every web page you open could then act with your IAM identity. ` +
          'Give the origin of your app, e.g. http://localhost:3000.',
      )
    }
    let url: URL | undefined
    try {
      url = new URL(String(item))
    } catch {
      url = undefined
    }
    if (
      url === undefined ||
      url.origin === 'null' ||
      `${url.origin}/` !== url.href.replace(/\/?$/, '/')
    ) {
      return refuse(
        option,
        'origins such as http://localhost:3000 (scheme, host, port; no path)',
        item,
      )
    }
    return url.origin
  })
}

function logFunction(value: unknown, option: string): (entry: ProxyLogEntry) => void {
  if (typeof value === 'function') return value as (entry: ProxyLogEntry) => void
  return refuse(option, 'a function', value)
}

function environment(value: unknown, option: string): Readonly<Record<string, string | undefined>> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Readonly<Record<string, string | undefined>>
  }
  return refuse(option, 'an object of environment variables', value)
}
