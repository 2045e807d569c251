/**
 * Endpoint inference and signing-target resolution: which region, service and Host a request
 * to a node must be signed for. Pure (no I/O; the environment is injectable) and run once per
 * connection at construction time, so every configuration mistake surfaces there.
 *
 * The hosts recognised are the `endpoints.hosts` templates of the services table
 * (aws/services.ts), matched case-insensitively with a trailing dot tolerated. A host under a
 * template's literal labels that does not have its shape is rejected rather than ignored:
 * silently falling back to AWS_REGION would turn a typo into a 403 on the first request.
 */

import { AwsSigV4ConfigurationError } from '../errors'
import { ownOption } from '../common/validation'
import { compileTemplate, matchTemplate } from './host-template'
import type { HostTemplate, TemplateMatch } from './host-template'
import { isRegion, partitionOfRegion, validateRegion, validateService } from './region'
import { DEFAULT_SERVICE, SERVICE_ROWS } from './services'
import type { EndpointKind, HostPattern, KnownService, ServiceEndpoints } from './services'

/** The SigV4 service name a recognised endpoint expects: a row of the services table. */
export type AwsServiceKind = KnownService

/** AWS partitions whose endpoints this module recognises. */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov'

/** What a recognised endpoint host says about itself. */
export interface AwsEndpointInfo {
  region: string
  service: AwsServiceKind
  kind: EndpointKind
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
  /** Set when the signing host (or, failing that, the node URL) is a recognised endpoint. */
  endpoint?: AwsEndpointInfo
}

/**
 * Recognise the endpoints of the services table (Amazon OpenSearch Service domains, OpenSearch
 * Serverless collections, VPC Lattice services, API Gateway APIs). Returns undefined for any other host (custom domains, localhost, IP
 * addresses, …) and throws an AwsSigV4ConfigurationError (option `node`) for a host under a
 * service's host suffix that is malformed.
 */
export function parseAwsEndpoint(hostname: string): AwsEndpointInfo | undefined {
  return parseEndpoint(hostname, 'node')
}

/**
 * Decide region, service and Host for a connection. Precedence, highest first:
 * region: `region` option > region in the endpoint host > AWS_REGION > AWS_DEFAULT_REGION;
 * service: `service` option > service of the endpoint host > 'es'.
 * The endpoint host is `signingHost` when given and recognised, else the node URL's host.
 *
 * Throws AwsSigV4ConfigurationError when an input is invalid or no region can be found.
 */
export function resolveSigningTarget(given: SigningTargetInput): SigningTarget {
  const input = ownInput(given)
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

/** The input's own fields only: what `Object.prototype` inherits (polluted) is not given. */
function ownInput(input: SigningTargetInput): SigningTargetInput {
  const own = (name: keyof SigningTargetInput) => ownOption(input, name) as never
  return {
    url: own('url'),
    region: own('region'),
    service: own('service'),
    signingHost: own('signingHost'),
    env: own('env'),
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
    const value = ownOption(env, name) as string | undefined
    // An empty variable (`AWS_REGION=` in a compose file) means unset, as in the AWS SDKs.
    if (value !== undefined && value !== '') {
      return { region: validateRegion(value, name), regionSource: 'environment' }
    }
  }

  throw new AwsSigV4ConfigurationError(
    'region',
    `Cannot tell which AWS region to sign requests to ${hostname} for: it is not ${INFERRED} ` +
      'endpoint, and neither the `region` option ' +
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

/** "an Amazon OpenSearch Service or OpenSearch Serverless": the services whose hosts tell. */
const INFERRED = `an ${orList(SERVICE_ROWS.filter((row) => row.endpoints).map((row) => row.title))}`

function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}

/** A DNS label: what every resource placeholder must be. */
const RESOURCE_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** China regions are served under their own domain. */
const CHINA_SUFFIX = 'amazonaws.com.cn'

interface CompiledPattern {
  /** The signing name of the row (a key of the table, which its tests check). */
  service: AwsServiceKind
  endpoints: ServiceEndpoints
  pattern: HostPattern
  template: HostTemplate
}

/** Every host template of the services table, compiled once. */
const PATTERNS: readonly CompiledPattern[] = SERVICE_ROWS.flatMap(({ signingName, endpoints }) =>
  endpoints === undefined
    ? []
    : endpoints.hosts.map((pattern) => ({
        service: signingName as AwsServiceKind,
        endpoints,
        pattern,
        template: compileTemplate(pattern.template),
      })),
)

/**
 * The template that claims the host: of those whose literal labels it is under, the one with
 * the most literal labels, then the one whose first literal label comes earliest.
 */
function claim(labels: string[]): { match: TemplateMatch; compiled: CompiledPattern } | undefined {
  let best: { match: TemplateMatch; compiled: CompiledPattern } | undefined
  for (const compiled of PATTERNS) {
    const match = matchTemplate(compiled.template, labels, isRegion)
    if (match === undefined) continue
    const better =
      best === undefined ||
      match.literals > best.match.literals ||
      (match.literals === best.match.literals && match.position < best.match.position)
    if (better) best = { match, compiled }
  }
  return best
}

function parseEndpoint(hostname: string, option = 'node'): AwsEndpointInfo | undefined {
  const labels = hostname.toLowerCase().replace(/\.$/, '').split('.')
  const claimed = claim(labels)
  if (!claimed) {
    checkNotConfigurationApi(labels, hostname, option)
    return undefined
  }
  const { match, compiled } = claimed
  const { service, endpoints, pattern, template } = compiled
  const fail = (why: string): never => {
    throw new AwsSigV4ConfigurationError(
      option,
      `${describeHost(option, hostname)} looks like ${endpoints.name} but is ` +
        `malformed: ${why}. Expected ${pattern.shape}, as shown in the AWS console.`,
    )
  }
  if (match.problem !== undefined) return fail(match.problem)
  const { region, ...resources } = match.labels

  if (!isRegion(region)) return fail(`"${region}" is not a region name`)
  const partition = partitionOfRegion(region)
  if (partition === undefined) return fail(`region ${region} is not served under this domain`)
  const china = template.template.endsWith(`.${CHINA_SUFFIX}`)
  if (china !== (partition === 'aws-cn')) {
    return fail(
      china
        ? `region ${region} is not a China region, yet the host ends in .${CHINA_SUFFIX}`
        : `China region ${region} is served under .${CHINA_SUFFIX}`,
    )
  }
  for (const resource of Object.values(resources)) {
    if (!RESOURCE_LABEL.test(resource)) {
      return fail(`"${resource}" is not a valid ${endpoints.resourceNoun} label`)
    }
  }

  const kind = typeof pattern.kind === 'function' ? pattern.kind(match.labels) : pattern.kind
  return { region, service, kind, partition }
}

function describeHost(option: string, hostname: string): string {
  return `${option === 'node' ? 'Node' : '`signingHost`'} host ${JSON.stringify(hostname)}`
}

/** Domains a service's configuration API is served under, after `<service>.<region>`. */
const CONFIGURATION_API_SUFFIXES = ['amazonaws.com', CHINA_SUFFIX, 'api.aws']

/** `es.<region>.amazonaws.com` and friends are a configuration API, not a cluster. */
function checkNotConfigurationApi(labels: string[], hostname: string, option: string): void {
  const [service, region, ...rest] = labels
  if (!CONFIGURATION_API_SUFFIXES.includes(rest.join('.')) || !isRegion(region)) return
  const api = SERVICE_ROWS.find((row) => row.endpoints?.configurationApi?.labels.includes(service))
  const explanation = api?.endpoints?.configurationApi?.explanation
  if (explanation === undefined) return
  throw new AwsSigV4ConfigurationError(option, `${describeHost(option, hostname)} ${explanation}`)
}
