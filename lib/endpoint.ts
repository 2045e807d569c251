/**
 * Endpoint inference and signing-target resolution: which region, service and Host a request
 * to a node must be signed for. Pure (no I/O; the environment is injectable) and run once per
 * connection at construction time, so every configuration mistake surfaces there.
 *
 * Recognised Amazon OpenSearch hosts (case-insensitive, a trailing dot is tolerated):
 *
 * | Shape                                                 | service | kind                  |
 * | ----------------------------------------------------- | ------- | --------------------- |
 * | `search-<name>-<id>.<region>.es.amazonaws.com`        | es      | domain                |
 * | `vpc-<name>-<id>.<region>.es.amazonaws.com`           | es      | vpc-domain            |
 * | `search-<name>-<id>.aos.<region>.on.aws` (dual-stack) | es      | domain                |
 * | `vpc-<name>-<id>.aos.<region>.on.aws` (dual-stack)    | es      | vpc-domain            |
 * | `<collection-id>.<region>.aoss.amazonaws.com`         | aoss    | serverless-collection |
 * | `<collection-id>.<region>.aoss-fips.amazonaws.com`    | aoss    | serverless-collection |
 * | `<collection-id>.aoss.<region>.on.aws` (NextGen; also | aoss    | serverless-collection |
 * |   the per-account `<account-id>.aoss.<region>.on.aws`)|         |                       |
 *
 * plus `.amazonaws.com.cn` for the `es` and `aoss` shapes in the China regions. A host under one
 * of these suffixes that does not have the shape is rejected rather than ignored: silently
 * falling back to AWS_REGION would turn a typo into a 403 on the first request.
 */

import { AwsSigV4ConfigurationError } from './errors'
import { DEFAULT_SERVICE } from './constants'
import { isRegion, partitionOfRegion, validateRegion, validateService } from './region'

export { validateRegion, validateService } from './region'

/** The SigV4 service name an Amazon OpenSearch endpoint expects. */
export type AwsServiceKind = 'es' | 'aoss'

/** AWS partitions whose OpenSearch endpoints this module recognises. */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov'

/** What a recognised Amazon OpenSearch endpoint host says about itself. */
export interface AwsEndpointInfo {
  region: string
  service: AwsServiceKind
  kind: 'domain' | 'vpc-domain' | 'serverless-collection'
  partition: AwsPartition
}

export interface SigningTargetInput {
  /** The node URL the connection was created for. */
  url: URL
  /** Explicit `region` option. */
  region?: string
  /** Explicit `service` option. */
  service?: string
  /**
   * Explicit `signingHost` option: sign for (and send as Host) this host instead of the URL's,
   * e.g. when connecting through an SSH tunnel on localhost:9200. `hostname[:port]`, or an
   * `https://host` URL without path.
   */
  signingHost?: string
  /** Environment to read AWS_REGION / AWS_DEFAULT_REGION from; default `process.env`. */
  env?: Record<string, string | undefined>
}

export type RegionSource = 'option' | 'endpoint' | 'environment'
export type ServiceSource = 'option' | 'endpoint' | 'default'

/** Where and as what every request of one connection is signed. */
export interface SigningTarget {
  region: string
  service: string
  /** The Host header value to sign and send: hostname, plus the port when it is not default. */
  host: string
  regionSource: RegionSource
  serviceSource: ServiceSource
  /** Set when the signing host (or, failing that, the node URL) is an Amazon OpenSearch host. */
  endpoint?: AwsEndpointInfo
}

/**
 * Recognise Amazon OpenSearch Service / OpenSearch Serverless endpoints. Returns undefined for
 * any other host (custom domains, localhost, IP addresses, …) and throws an
 * AwsSigV4ConfigurationError (option `node`) for a host under an OpenSearch suffix that is
 * malformed.
 */
export function parseAwsEndpoint(hostname: string): AwsEndpointInfo | undefined {
  return parseEndpoint(hostname, 'node')
}

/**
 * Decide region, service and Host for a connection. Precedence, highest first:
 * region: `region` option > region in the endpoint host > AWS_REGION > AWS_DEFAULT_REGION;
 * service: `service` option > service of the endpoint host (es / aoss) > 'es'.
 * The endpoint host is `signingHost` when given and recognised, else the node URL's host.
 *
 * Throws AwsSigV4ConfigurationError when an input is invalid or no region can be found.
 */
export function resolveSigningTarget(input: SigningTargetInput): SigningTarget {
  const { url } = input
  checkNodeUrl(url)

  const signing = input.signingHost == null ? undefined : parseSigningHost(input.signingHost)
  const host = signing?.host ?? url.host
  const endpoint =
    (signing && parseEndpoint(signing.hostname, 'signingHost')) ?? parseEndpoint(url.hostname)

  return {
    ...resolveRegion(input, endpoint, signing?.hostname ?? url.hostname),
    ...resolveService(input, endpoint),
    host,
    ...(endpoint ? { endpoint } : {}),
  }
}

function resolveService(
  input: SigningTargetInput,
  endpoint: AwsEndpointInfo | undefined,
): { service: string; serviceSource: ServiceSource } {
  if (input.service != null)
    return { service: validateService(input.service), serviceSource: 'option' }
  if (endpoint) return { service: endpoint.service, serviceSource: 'endpoint' }
  return { service: DEFAULT_SERVICE, serviceSource: 'default' }
}

function resolveRegion(
  input: SigningTargetInput,
  endpoint: AwsEndpointInfo | undefined,
  hostname: string,
): { region: string; regionSource: RegionSource } {
  // An explicit option wins even over the endpoint: the user may know better (a host alias,
  // a proxy that forwards to another region).
  if (input.region != null) return { region: validateRegion(input.region), regionSource: 'option' }
  // The endpoint beats the environment: a signature for any other region than the endpoint's
  // is always rejected, so a different AWS_REGION cannot be what the user meant.
  if (endpoint) return { region: endpoint.region, regionSource: 'endpoint' }

  const env = input.env ?? process.env
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = env[name]
    // An empty variable (`AWS_REGION=` in a compose file) means unset, as in the AWS SDKs.
    if (value !== undefined && value !== '') {
      return { region: validateRegion(value, name), regionSource: 'environment' }
    }
  }

  throw new AwsSigV4ConfigurationError(
    'region',
    `Cannot tell which AWS region to sign requests to ${hostname} for: it is not an Amazon ` +
      'OpenSearch Service or OpenSearch Serverless endpoint, and neither the `region` option ' +
      'nor the AWS_REGION or AWS_DEFAULT_REGION environment variable is set. Pass the region ' +
      "the service runs in, e.g. `region: 'eu-west-1'`, or set AWS_REGION=eu-west-1.",
  )
}

/** The node URL must be signable as is; say what is wrong without echoing secrets. */
function checkNodeUrl(url: URL): void {
  const safe = `${url.protocol}//${url.host}${url.pathname}`
  if (url.username !== '' || url.password !== '') {
    throw new AwsSigV4ConfigurationError(
      'node',
      `The node URL ${url.protocol}//***@${url.host}${url.pathname} contains credentials ` +
        '(user:password@). Requests are authenticated with AWS SigV4, which replaces HTTP basic ' +
        'authentication; remove the credentials from the URL.',
    )
  }
  if (url.search !== '') {
    throw new AwsSigV4ConfigurationError(
      'node',
      `The node URL ${safe} has a query string (${url.search.length - 1} characters after ` +
        "'?'). It cannot be signed consistently with the query of each request; remove it " +
        'and pass query parameters per request instead.',
    )
  }
}

const HOSTNAME = /^(?:\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)$/

/**
 * `signingHost` as `hostname[:port]`, or a URL with nothing but scheme and host (people paste
 * the domain endpoint from the console, `https://search-….es.amazonaws.com`); anything with a
 * path, query or credentials is rejected because it cannot be a Host header.
 */
function parseSigningHost(value: unknown): { host: string; hostname: string } {
  const invalid = (why: string): AwsSigV4ConfigurationError =>
    new AwsSigV4ConfigurationError(
      'signingHost',
      `Invalid \`signingHost\` option: ${why}. Expected the host to sign for, as ` +
        "hostname[:port], e.g. 'search-movies-abc123.eu-west-1.es.amazonaws.com'.",
    )
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(typeof value === 'string' ? 'it is empty' : `it is a ${typeof value}`)
  }

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      throw invalid('it is not a valid URL')
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw invalid(`${url.protocol} URLs are not supported`)
    }
    if (url.username !== '' || url.password !== '') throw invalid('it contains credentials')
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
      throw invalid(`${url.protocol}//${url.host}${url.pathname} has a path, query or fragment`)
    }
    return { host: url.host, hostname: url.hostname }
  }

  // Checked before the value is echoed in an error: it may carry a password.
  if (value.includes('@')) throw invalid('it contains credentials (user@)')
  const match = /^(.*?)(?::(\d{1,5}))?$/.exec(value.toLowerCase())
  const hostname = match?.[1] ?? ''
  const port = match?.[2] === undefined ? undefined : Number(match[2])
  if (!HOSTNAME.test(hostname)) throw invalid(`${JSON.stringify(value)} is not a hostname[:port]`)
  if (port !== undefined && (port < 1 || port > 65535)) throw invalid(`port ${port} is invalid`)
  return { host: port === undefined ? hostname : `${hostname}:${port}`, hostname }
}

interface Family {
  service: AwsServiceKind
  /** Shape shown in errors. */
  shape: string
}

type Parts = { resource: string; region: string } | string

const RESOURCE_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

const ES_SHAPE =
  'search-<domain-name>-<id>.<region>.es.amazonaws.com (vpc-… for VPC domains, ' +
  '.amazonaws.com.cn in China)'
const AOSS_SHAPE = '<collection-id>.<region>.aoss.amazonaws.com (.amazonaws.com.cn in China)'

/** Service label → family, for `<resource>.<region>.<service>.amazonaws.com[.cn]`. */
const AMAZONAWS_FAMILIES: Record<string, Family> = {
  es: { service: 'es', shape: ES_SHAPE },
  aoss: { service: 'aoss', shape: AOSS_SHAPE },
  'aoss-fips': { service: 'aoss', shape: '<collection-id>.<region>.aoss-fips.amazonaws.com' },
}

/** Service label → family, for the dual-stack / NextGen `<resource>.<service>.<region>.on.aws`. */
const ON_AWS_FAMILIES: Record<string, Family> = {
  aos: { service: 'es', shape: 'search-<domain-name>-<id>.aos.<region>.on.aws (vpc-… for VPC)' },
  aoss: { service: 'aoss', shape: '<collection-id>.aoss.<region>.on.aws' },
}

const hasOwn = (table: Record<string, Family>, key: string | undefined): key is string =>
  key !== undefined && Object.prototype.hasOwnProperty.call(table, key)

/** Which family claims the host, and its resource and region labels (or why they are wrong). */
function claim(labels: string[]): { family: Family; china: boolean; parts: Parts } | undefined {
  if (labels.slice(-2).join('.') === 'on.aws') {
    const before = labels.slice(0, -2)
    // Look for the service label anywhere, so that a missing region is reported, not ignored.
    const at = before.findIndex((label) => hasOwn(ON_AWS_FAMILIES, label))
    if (at === -1) return undefined
    const family = ON_AWS_FAMILIES[before[at]]
    return { family, china: false, parts: onAwsParts(before, at) }
  }

  const china = labels.slice(-3).join('.') === 'amazonaws.com.cn'
  const suffixLength = china ? 3 : labels.slice(-2).join('.') === 'amazonaws.com' ? 2 : 0
  if (suffixLength === 0) return undefined
  const serviceLabel = labels[labels.length - suffixLength - 1]
  if (!hasOwn(AMAZONAWS_FAMILIES, serviceLabel)) return undefined
  const before = labels.slice(0, -suffixLength - 1)
  return { family: AMAZONAWS_FAMILIES[serviceLabel], china, parts: amazonawsParts(before) }
}

/** `before` are the labels in front of `<service>.amazonaws.com[.cn]`: resource and region. */
function amazonawsParts(before: string[]): Parts {
  if (before.includes('')) return 'it has an empty label'
  if (before.length === 0) return 'the resource and region labels are missing'
  if (before.length === 1) {
    return isRegion(before[0]) ? 'the resource label is missing' : 'the region label is missing'
  }
  if (before.length > 2) return `it has ${before.length - 2} label(s) too many`
  return { resource: before[0], region: before[1] }
}

/** `before` are the labels in front of `on.aws`: resource, service (at `at`) and region. */
function onAwsParts(before: string[], at: number): Parts {
  if (before.includes('')) return 'it has an empty label'
  if (at === 0) return 'the resource label is missing'
  if (at > 1) return `it has ${at - 1} label(s) too many before ${before[at]}`
  if (before.length === 2) return 'the region label is missing'
  if (before.length > 3) return `it has ${before.length - 3} label(s) too many`
  return { resource: before[0], region: before[2] }
}

function parseEndpoint(hostname: string, option = 'node'): AwsEndpointInfo | undefined {
  const labels = hostname.toLowerCase().replace(/\.$/, '').split('.')
  const claimed = claim(labels)
  if (!claimed) {
    checkNotConfigurationApi(labels, hostname, option)
    return undefined
  }
  const { family, china, parts } = claimed
  const fail = (why: string): never => {
    throw new AwsSigV4ConfigurationError(
      option,
      `${describeHost(option, hostname)} looks like an Amazon OpenSearch endpoint but is ` +
        `malformed: ${why}. Expected ${family.shape}, as shown in the AWS console.`,
    )
  }
  if (typeof parts === 'string') return fail(parts)
  const { resource, region } = parts

  if (!isRegion(region)) return fail(`"${region}" is not a region name`)
  const partition = partitionOfRegion(region)
  if (partition === undefined) return fail(`region ${region} is not served under this domain`)
  if (china !== (partition === 'aws-cn')) {
    return fail(
      china
        ? `region ${region} is not a China region, yet the host ends in .amazonaws.com.cn`
        : `China region ${region} is served under .amazonaws.com.cn`,
    )
  }
  if (!RESOURCE_LABEL.test(resource)) {
    return fail(`"${resource}" is not a valid domain or collection label`)
  }

  const kind =
    family.service === 'aoss'
      ? 'serverless-collection'
      : resource.startsWith('vpc-')
        ? 'vpc-domain'
        : 'domain'
  return { region, service: family.service, kind, partition }
}

function describeHost(option: string, hostname: string): string {
  return `${option === 'node' ? 'Node' : '`signingHost`'} host ${JSON.stringify(hostname)}`
}

/** `es.<region>.amazonaws.com` and friends are the configuration API, not a cluster. */
function checkNotConfigurationApi(labels: string[], hostname: string, option: string): void {
  const [service, region, ...rest] = labels
  const suffix = rest.join('.')
  if (!['amazonaws.com', 'amazonaws.com.cn', 'api.aws'].includes(suffix)) return
  if (!['es', 'es-fips', 'aos', 'aoss', 'aoss-fips'].includes(service) || !isRegion(region)) return
  throw new AwsSigV4ConfigurationError(
    option,
    `${describeHost(option, hostname)} is the Amazon OpenSearch configuration API, not a domain ` +
      'or collection endpoint. Use the endpoint the AWS console shows for the domain ' +
      '(search-<domain-name>-<id>.<region>.es.amazonaws.com) or collection ' +
      '(<collection-id>.<region>.aoss.amazonaws.com).',
  )
}
