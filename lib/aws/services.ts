/**
 * What this package knows about each AWS service it signs for, one row per signing name:
 * the hosts endpoint inference recognises, how the service takes the payload hash, whether the
 * engine behind it needs the Amazon-engine adaptation, and how its refusals look. Endpoint
 * inference, the connection, rejection handling and the emulator all read this table; adding a
 * service is adding a row (see docs/architecture.md, "Adding a service").
 *
 * A table of facts: it imports nothing, so the independent emulator may read it too.
 */

/** The signing name used when neither the `service` option nor the endpoint host names one. */
export const DEFAULT_SERVICE = 'es'

/** How a service takes the payload hash (`x-amz-content-sha256`). */
export type PayloadRule =
  /** The body's SHA-256 is signed; a request without `x-amz-content-sha256` is accepted. */
  | 'signed'
  /** As 'signed', but a request without `x-amz-content-sha256` is refused (Serverless). */
  | 'signed-header-required'
  /** The service accepts `UNSIGNED-PAYLOAD` only (VPC Lattice): no body is hashed by default. */
  | 'unsigned-only'

/**
 * How the service's refusals look: 'es' is Amazon OpenSearch Service (`{"message": ...}`,
 * `Message` for an unsigned request), 'aoss' is OpenSearch Serverless (one generic 403 body for
 * every refusal), 'lattice' is VPC Lattice (plain text, `AccessDeniedException: ...`), 'generic'
 * any other AWS JSON service, API Gateway among them (`{"message": ...}`).
 */
export type RefusalStyle = 'es' | 'aoss' | 'lattice' | 'generic'

/** What kind of endpoint a recognised host is. */
export type EndpointKind =
  | 'domain'
  | 'vpc-domain'
  | 'serverless-collection'
  /** A VPC Lattice service, by its own name or through a service-network VPC endpoint. */
  | 'lattice-service'
  /** An API Gateway API (public, or private through its Route 53 alias or private DNS). */
  | 'api'
  /** An API Gateway VPC endpoint's own host name (`vpce-….execute-api.<region>.vpce…`). */
  | 'api-vpc-endpoint'
  /** An OpenSearch Ingestion pipeline's ingestion endpoint. */
  | 'ingestion-pipeline'

/** One host shape endpoint inference recognises. */
export interface HostPattern {
  /**
   * The host's labels, lower case: literal labels, and `{name}` placeholders for the labels that
   * vary. `{region}` is the signing region; every other placeholder is a resource label (domain,
   * collection, API or service id). At most one literal label may stand before the last
   * placeholder (the service label, as `aos` in `{resource}.aos.{region}.on.aws`).
   */
  template: string
  /** The shape as errors show it, e.g. `<collection-id>.<region>.aoss.amazonaws.com`. */
  shape: string
  /** The kind of endpoint a match is, or how the resource labels tell it. */
  kind: EndpointKind | ((labels: Readonly<Record<string, string>>) => EndpointKind)
}

/** What endpoint inference knows of a service's hosts. */
export interface ServiceEndpoints {
  /** How a malformed host is described: "… looks like {an Amazon OpenSearch endpoint} but …". */
  name: string
  /** What the resource labels are: "… is not a valid {domain or collection} label". */
  resourceNoun: string
  hosts: readonly HostPattern[]
  /**
   * Service labels of the service's configuration API (`es` for `es.<region>.amazonaws.com`),
   * a host people paste by mistake, and what to tell them instead.
   */
  configurationApi?: { labels: readonly string[]; explanation: string }
}

/** One row of the services table. */
export interface ServiceRow {
  /** The SigV4 signing name, as it appears in the credential scope. */
  signingName: string
  /** The service as people name it, e.g. `OpenSearch Serverless`. */
  title: string
  /** Hosts that endpoint inference maps to this service; none for the generic row. */
  endpoints?: ServiceEndpoints
  payload: PayloadRule
  /**
   * The engine behind the service is an Amazon-managed one (OpenSearch, Elasticsearch 7.10):
   * the default of `adaptToAmazonEngine` (plain JSON media types, product check satisfied).
   */
  amazonEngine: boolean
  /** Whether `GET /` (cluster info) exists; Serverless has no such API. */
  clusterInfo: boolean
  refusals: RefusalStyle
}

/** `search-…` and `vpc-…` domains have the same host shape; the prefix tells the kind. */
const domainKind = ({ resource }: Readonly<Record<string, string>>): EndpointKind =>
  resource.startsWith('vpc-') ? 'vpc-domain' : 'domain'

const DOMAIN_SHAPE =
  'search-<domain-name>-<id>.<region>.es.amazonaws.com (vpc-… for VPC domains, ' +
  '.amazonaws.com.cn in China)'
const COLLECTION_SHAPE = '<collection-id>.<region>.aoss.amazonaws.com (.amazonaws.com.cn in China)'
const FIPS_COLLECTION_SHAPE = '<collection-id>.<region>.aoss-fips.amazonaws.com'
const API_SHAPE = '<api-id>.execute-api.<region>.amazonaws.com (.amazonaws.com.cn in China)'

/** Both OpenSearch services share their names in errors and their configuration API advice. */
const OPENSEARCH = {
  name: 'an Amazon OpenSearch endpoint',
  resourceNoun: 'domain or collection',
  explanation:
    'is the Amazon OpenSearch configuration API, not a domain or collection endpoint. Use the ' +
    'endpoint the AWS console shows for the domain ' +
    '(search-<domain-name>-<id>.<region>.es.amazonaws.com) or collection ' +
    '(<collection-id>.<region>.aoss.amazonaws.com).',
} as const

/** The services table, by signing name. */
export const SERVICES = {
  es: {
    signingName: 'es',
    title: 'Amazon OpenSearch Service',
    endpoints: {
      name: OPENSEARCH.name,
      resourceNoun: OPENSEARCH.resourceNoun,
      hosts: [
        { template: '{resource}.{region}.es.amazonaws.com', shape: DOMAIN_SHAPE, kind: domainKind },
        {
          template: '{resource}.{region}.es.amazonaws.com.cn',
          shape: DOMAIN_SHAPE,
          kind: domainKind,
        },
        {
          template: '{resource}.aos.{region}.on.aws',
          shape: 'search-<domain-name>-<id>.aos.<region>.on.aws (vpc-… for VPC)',
          kind: domainKind,
        },
      ],
      configurationApi: { labels: ['es', 'es-fips', 'aos'], explanation: OPENSEARCH.explanation },
    },
    payload: 'signed',
    amazonEngine: true,
    clusterInfo: true,
    refusals: 'es',
  },
  aoss: {
    signingName: 'aoss',
    title: 'OpenSearch Serverless',
    endpoints: {
      name: OPENSEARCH.name,
      resourceNoun: OPENSEARCH.resourceNoun,
      hosts: [
        {
          template: '{resource}.{region}.aoss.amazonaws.com',
          shape: COLLECTION_SHAPE,
          kind: 'serverless-collection',
        },
        {
          template: '{resource}.{region}.aoss.amazonaws.com.cn',
          shape: COLLECTION_SHAPE,
          kind: 'serverless-collection',
        },
        {
          template: '{resource}.{region}.aoss-fips.amazonaws.com',
          shape: FIPS_COLLECTION_SHAPE,
          kind: 'serverless-collection',
        },
        {
          template: '{resource}.{region}.aoss-fips.amazonaws.com.cn',
          shape: FIPS_COLLECTION_SHAPE,
          kind: 'serverless-collection',
        },
        {
          // Per collection (NextGen), and per account: `<account-id>.aoss.<region>.on.aws`.
          template: '{resource}.aoss.{region}.on.aws',
          shape: '<collection-id>.aoss.<region>.on.aws',
          kind: 'serverless-collection',
        },
      ],
      configurationApi: { labels: ['aoss', 'aoss-fips'], explanation: OPENSEARCH.explanation },
    },
    payload: 'signed-header-required',
    amazonEngine: true,
    clusterInfo: false,
    refusals: 'aoss',
  },
  'vpc-lattice-svcs': {
    signingName: 'vpc-lattice-svcs',
    title: 'VPC Lattice',
    endpoints: {
      name: 'a VPC Lattice service endpoint',
      resourceNoun: 'service',
      hosts: [
        {
          // A service's own name, and the name it gets through a service-network VPC endpoint
          // (`vpce-<id>-snsa-<id>.<hash>.…`): one label before the hash either way. A custom
          // domain name tells nothing: pass `region` (and the service) for it.
          template: '{service}.{hash}.vpc-lattice-svcs.{region}.on.aws',
          shape: '<service-name>-<id>.<hash>.vpc-lattice-svcs.<region>.on.aws',
          kind: 'lattice-service',
        },
      ],
    },
    // "VPC Lattice does not support payload signing" (its SigV4 guide).
    payload: 'unsigned-only',
    // Lattice fronts whatever the service's targets run: no engine is assumed.
    amazonEngine: false,
    clusterInfo: true,
    refusals: 'lattice',
  },
  'execute-api': {
    signingName: 'execute-api',
    title: 'API Gateway',
    endpoints: {
      name: 'an API Gateway endpoint',
      resourceNoun: 'API or VPC endpoint',
      hosts: [
        {
          // Public APIs, private ones through private DNS, and `<api-id>-<vpce-id>` aliases.
          template: '{api}.execute-api.{region}.amazonaws.com',
          shape: API_SHAPE,
          kind: 'api',
        },
        { template: '{api}.execute-api.{region}.amazonaws.com.cn', shape: API_SHAPE, kind: 'api' },
        {
          template: '{endpoint}.execute-api.{region}.vpce.amazonaws.com',
          shape: '<vpce-id>.execute-api.<region>.vpce.amazonaws.com',
          kind: 'api-vpc-endpoint',
        },
      ],
    },
    payload: 'signed',
    // Whatever runs behind the API: no engine is assumed.
    amazonEngine: false,
    clusterInfo: true,
    refusals: 'generic',
  },
  osis: {
    signingName: 'osis',
    title: 'OpenSearch Ingestion',
    endpoints: {
      name: 'an OpenSearch Ingestion pipeline endpoint',
      resourceNoun: 'pipeline',
      hosts: [
        {
          template: '{pipeline}.{region}.osis.amazonaws.com',
          shape: '<pipeline-name>-<id>.<region>.osis.amazonaws.com',
          kind: 'ingestion-pipeline',
        },
      ],
      configurationApi: {
        labels: ['osis'],
        explanation:
          'is the OpenSearch Ingestion configuration API, not a pipeline endpoint. Use the ' +
          "pipeline's ingestion URL the AWS console shows " +
          '(<pipeline-name>-<id>.<region>.osis.amazonaws.com), with its path (e.g. /log/ingest).',
      },
    },
    payload: 'signed',
    // Amazon-managed: it never sends the `x-elastic-product` header the 8.x/9.x clients insist
    // on, and its HTTP source takes plain JSON. It has no `GET /`.
    amazonEngine: true,
    clusterInfo: false,
    refusals: 'generic',
  },
} as const satisfies Record<string, ServiceRow>

/** The signing names whose endpoints this package recognises. */
export type KnownService = keyof typeof SERVICES

/** The row for any other signing name: no assumption made. */
export function genericService(signingName: string): ServiceRow {
  return {
    signingName,
    title: signingName,
    payload: 'signed',
    amazonEngine: false,
    clusterInfo: true,
    refusals: 'generic',
  }
}

/** The row of a signing name: its own, or the generic row. */
export function serviceFor(signingName: string): ServiceRow {
  return Object.prototype.hasOwnProperty.call(SERVICES, signingName)
    ? SERVICES[signingName as KnownService]
    : genericService(signingName)
}

/** Every row of the table, in order. */
export const SERVICE_ROWS: readonly ServiceRow[] = Object.values(SERVICES)
