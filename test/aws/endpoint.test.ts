import { expect } from 'chai'
import {
  type AwsEndpointInfo,
  type AwsPartition,
  type AwsServiceKind,
  parseAwsEndpoint,
  resolveSigningTarget,
  type SigningTargetInput,
} from '../../lib/aws/endpoint'
import { configError } from '../support/config-error'
import { withPollutedPrototype } from '../support/polluted-prototype'

const ES = 'search-<domain-name>-<id>.<region>.es.amazonaws.com'
const AOSS = '<collection-id>.<region>.aoss.amazonaws.com'
const AOSS_FIPS = '<collection-id>.<region>.aoss-fips.amazonaws.com'
const AOS_ON_AWS = 'search-<domain-name>-<id>.aos.<region>.on.aws'
const AOSS_ON_AWS = '<collection-id>.aoss.<region>.on.aws'
const LATTICE = '<service-name>-<id>.<hash>.vpc-lattice-svcs.<region>.on.aws'
const API = '<api-id>.execute-api.<region>.amazonaws.com'
const API_VPCE = '<vpce-id>.execute-api.<region>.vpce.amazonaws.com'
const OSIS = '<pipeline-name>-<id>.<region>.osis.amazonaws.com'

describe('parseAwsEndpoint', () => {
  // host → region, service, kind, partition
  // prettier-ignore
  const recognised: Array<[string, string, AwsServiceKind, AwsEndpointInfo['kind'], AwsPartition]> = [
    // Provisioned domains, public and VPC.
    ['search-movies-5w2ndz7yawo3ftpznbsxlpyxfm.us-east-1.es.amazonaws.com', 'us-east-1', 'es', 'domain', 'aws'],
    ['vpc-movies-5w2ndz7yawo3ftpznbsxlpyxfm.eu-west-1.es.amazonaws.com', 'eu-west-1', 'es', 'vpc-domain', 'aws'],
    ['vpc-endpoint-h2dsd34efgyghrtguk5gt6j2foh4.us-east-1.es.amazonaws.com', 'us-east-1', 'es', 'vpc-domain', 'aws'],
    ['search-my-domain-2abc3a4ab4s2cabc2r2vmbja.ap-southeast-5.es.amazonaws.com', 'ap-southeast-5', 'es', 'domain', 'aws'],
    ['search-es7-logs-2021-qowmgghud5vofgb5e4wmi.ap-northeast-3.es.amazonaws.com', 'ap-northeast-3', 'es', 'domain', 'aws'],
    ['search-abc-0123456789.me-central-1.es.amazonaws.com', 'me-central-1', 'es', 'domain', 'aws'],
    ['search-abc-0123456789.il-central-1.es.amazonaws.com', 'il-central-1', 'es', 'domain', 'aws'],
    ['search-abc-0123456789.mx-central-1.es.amazonaws.com', 'mx-central-1', 'es', 'domain', 'aws'],
    ['vpc-abc-0123456789.ca-west-1.es.amazonaws.com', 'ca-west-1', 'es', 'vpc-domain', 'aws'],
    // Case-insensitive, trailing dot tolerated.
    ['SEARCH-Movies-ABC123.EU-CENTRAL-1.ES.AMAZONAWS.COM', 'eu-central-1', 'es', 'domain', 'aws'],
    ['search-movies-abc123.sa-east-1.es.amazonaws.com.', 'sa-east-1', 'es', 'domain', 'aws'],
    // China and GovCloud.
    ['search-logs-abc123.cn-north-1.es.amazonaws.com.cn', 'cn-north-1', 'es', 'domain', 'aws-cn'],
    ['vpc-logs-abc123.cn-northwest-1.es.amazonaws.com.cn', 'cn-northwest-1', 'es', 'vpc-domain', 'aws-cn'],
    ['search-audit-abc123.us-gov-west-1.es.amazonaws.com', 'us-gov-west-1', 'es', 'domain', 'aws-us-gov'],
    ['vpc-audit-abc123.us-gov-east-1.es.amazonaws.com', 'us-gov-east-1', 'es', 'vpc-domain', 'aws-us-gov'],
    // Dual-stack domain endpoints (DomainEndpointV2, and the VPC 'vpcv2' endpoint).
    ['search-photos-cq5z5g57zek6qmvs5p4lpdub5a.aos.us-east-1.on.aws', 'us-east-1', 'es', 'domain', 'aws'],
    ['vpc-endpoint-h2dsd34efgyghrtguk5gt6j2foh4.aos.us-east-1.on.aws', 'us-east-1', 'es', 'vpc-domain', 'aws'],
    // OpenSearch Serverless: classic, FIPS, NextGen per-collection and per-account, China.
    ['1tg2xudton46knx2a95g.us-east-1.aoss.amazonaws.com', 'us-east-1', 'aoss', 'serverless-collection', 'aws'],
    ['07tjusf2h91cunochc.eu-central-1.aoss.amazonaws.com', 'eu-central-1', 'aoss', 'serverless-collection', 'aws'],
    ['1tg2xudton46knx2a95g.us-east-1.aoss-fips.amazonaws.com', 'us-east-1', 'aoss', 'serverless-collection', 'aws'],
    ['1tg2xudton46knx2a95g.us-gov-west-1.aoss-fips.amazonaws.com', 'us-gov-west-1', 'aoss', 'serverless-collection', 'aws-us-gov'],
    ['1tg2xudton46knx2a95g.aoss.us-east-1.on.aws', 'us-east-1', 'aoss', 'serverless-collection', 'aws'],
    ['111122223333.aoss.eu-west-2.on.aws', 'eu-west-2', 'aoss', 'serverless-collection', 'aws'],
    ['abc123.cn-north-1.aoss.amazonaws.com.cn', 'cn-north-1', 'aoss', 'serverless-collection', 'aws-cn'],
    ['1TG2XUDTON46KNX2A95G.US-WEST-2.AOSS.AMAZONAWS.COM.', 'us-west-2', 'aoss', 'serverless-collection', 'aws'],
    // VPC Lattice services: by their own name, and through a service-network VPC endpoint.
    ['my-svc-0123456789abcdef.7d67968.vpc-lattice-svcs.us-west-2.on.aws', 'us-west-2', 'vpc-lattice-svcs', 'lattice-service', 'aws'],
    ['rates-default-0b1f56d26672bf677.7d67968.vpc-lattice-svcs.us-east-1.on.aws', 'us-east-1', 'vpc-lattice-svcs', 'lattice-service', 'aws'],
    ['vpce-0e769ab91dcb10b19-snsa-07b06c66e01bdd93f.7d67968.vpc-lattice-svcs.ap-southeast-2.on.aws', 'ap-southeast-2', 'vpc-lattice-svcs', 'lattice-service', 'aws'],
    ['My-Lattice-Service-0285B53B2E.1A2B3C4.VPC-LATTICE-SVCS.US-EAST-2.ON.AWS.', 'us-east-2', 'vpc-lattice-svcs', 'lattice-service', 'aws'],
    // API Gateway: public and private APIs, Route 53 aliases of private ones, China, GovCloud,
    // and a VPC endpoint's own host name.
    ['a1b2c3d4e5.execute-api.us-east-1.amazonaws.com', 'us-east-1', 'execute-api', 'api', 'aws'],
    ['a1b2c3d4e5-vpce-01234567abcdef012.execute-api.eu-west-1.amazonaws.com', 'eu-west-1', 'execute-api', 'api', 'aws'],
    ['wfgwp01ygk.execute-api.cn-north-1.amazonaws.com.cn', 'cn-north-1', 'execute-api', 'api', 'aws-cn'],
    ['abc123defg.execute-api.us-gov-west-1.amazonaws.com', 'us-gov-west-1', 'execute-api', 'api', 'aws-us-gov'],
    ['vpce-01234567abcdef012-abcd1234.execute-api.us-east-2.vpce.amazonaws.com', 'us-east-2', 'execute-api', 'api-vpc-endpoint', 'aws'],
    // OpenSearch Ingestion pipelines.
    ['log-pipeline-abcdefg0123456789.us-east-1.osis.amazonaws.com', 'us-east-1', 'osis', 'ingestion-pipeline', 'aws'],
    ['Traces-ABC123.EU-WEST-1.OSIS.AMAZONAWS.COM.', 'eu-west-1', 'osis', 'ingestion-pipeline', 'aws'],
    ['audit-x1y2z3.us-gov-west-1.osis.amazonaws.com', 'us-gov-west-1', 'osis', 'ingestion-pipeline', 'aws-us-gov'],
  ]
  for (const [host, region, service, kind, partition] of recognised) {
    it(`recognises ${host}`, () => {
      expect(parseAwsEndpoint(host)).to.deep.equal({ region, service, kind, partition })
    })
  }

  const others = [
    'localhost',
    '127.0.0.1',
    '[::1]',
    '',
    'search.example.com',
    'opensearch.internal.corp',
    'es.amazonaws.com.evil.example',
    'search-x-1.us-east-1.es.amazonaws.com.example.org',
    'search-x-1.us-east-1.es.amazonaws.co',
    'search-x-1.us-east-1.notes.amazonaws.com',
    'abcdefg.lambda-url.us-east-1.on.aws',
    'my-resource.rcfg-0c830603dadd13ccf.4232ccc.vpc-lattice-rsc.ap-northeast-1.on.aws',
    'a1b2c3d4e5.execute-api.localhost.localstack.cloud',
    'my-bucket.s3.us-east-1.amazonaws.com',
    'opensearch.us-east-1.amazonaws.com',
    'amazonaws.com',
    'on.aws',
  ]
  for (const host of others) {
    it(`does not claim ${JSON.stringify(host)}`, () => {
      expect(parseAwsEndpoint(host)).to.equal(undefined)
    })
  }

  const malformed: Array<[string, RegExp, string]> = [
    [
      'search-.eu-west-1.es.amazonaws.com',
      /"search-" is not a valid domain or collection label/,
      ES,
    ],
    ['vpc-.eu-west-1.es.amazonaws.com', /"vpc-" is not a valid/, ES],
    ['search_movies.us-east-1.es.amazonaws.com', /"search_movies" is not a valid/, ES],
    ['search-movies-abc123.es.amazonaws.com', /the region label is missing/, ES],
    ['eu-west-1.es.amazonaws.com', /the resource label is missing/, ES],
    ['es.amazonaws.com', /the resource and region labels are missing/, ES],
    ['es.amazonaws.com.cn', /the resource and region labels are missing/, ES],
    ['search-movies-abc123.eu-west.es.amazonaws.com', /"eu-west" is not a region name/, ES],
    ['search-movies-abc123.euwest1.es.amazonaws.com', /"euwest1" is not a region name/, ES],
    ['search-movies-abc123.us-east-1a.es.amazonaws.com', /"us-east-1a" is not a region name/, ES],
    ['search-movies.abc123.us-east-1.es.amazonaws.com', /1 label\(s\) too many/, ES],
    ['search-movies-abc123.us-east-1.extra.es.amazonaws.com', /1 label\(s\) too many/, ES],
    ['.us-east-1.es.amazonaws.com', /an empty label/, ES],
    ['search-movies-abc123..es.amazonaws.com', /an empty label/, ES],
    ['search-movies-abc123.cn-north-1.es.amazonaws.com', /served under \.amazonaws\.com\.cn/, ES],
    ['search-movies-abc123.eu-west-1.es.amazonaws.com.cn', /not a China region/, ES],
    ['search-movies-abc123.us-iso-east-1.es.amazonaws.com', /not served under this domain/, ES],
    ['us-east-1.aoss.amazonaws.com', /the resource label is missing/, AOSS],
    ['1tg2xudton46knx2a95g.aoss.amazonaws.com', /the region label is missing/, AOSS],
    ['a.1tg2xudton46knx2a95g.us-east-1.aoss.amazonaws.com', /1 label\(s\) too many/, AOSS],
    [
      '1tg2xudton46knx2a95g.us-east.aoss-fips.amazonaws.com',
      /"us-east" is not a region/,
      AOSS_FIPS,
    ],
    ['search-movies-abc123.aos.on.aws', /the region label is missing/, AOS_ON_AWS],
    ['aos.us-east-1.on.aws', /the resource label is missing/, AOS_ON_AWS],
    [
      'x.1tg2xudton46knx2a95g.aoss.us-east-1.on.aws',
      /1 label\(s\) too many before aoss/,
      AOSS_ON_AWS,
    ],
    ['1tg2xudton46knx2a95g.aoss.us-east-1.extra.on.aws', /1 label\(s\) too many/, AOSS_ON_AWS],
    ['1tg2xudton46knx2a95g.aoss.useast1.on.aws', /"useast1" is not a region/, AOSS_ON_AWS],
    ['-bad-.aoss.us-east-1.on.aws', /"-bad-" is not a valid/, AOSS_ON_AWS],
    ['my-svc-0123.vpc-lattice-svcs.us-west-2.on.aws', /the hash label is missing/, LATTICE],
    ['my-svc-0123.7d67968.vpc-lattice-svcs.on.aws', /the region label is missing/, LATTICE],
    [
      'a.my-svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws',
      /1 label\(s\) too many before vpc-lattice-svcs/,
      LATTICE,
    ],
    ['my-svc-0123.7d67968.vpc-lattice-svcs.uswest2.on.aws', /"uswest2" is not a region/, LATTICE],
    [
      'my_svc.7d67968.vpc-lattice-svcs.us-west-2.on.aws',
      /"my_svc" is not a valid service label/,
      LATTICE,
    ],
    ['execute-api.us-east-1.amazonaws.com', /the api label is missing/, API],
    ['a1b2c3d4e5.execute-api.amazonaws.com', /the region label is missing/, API],
    ['a.b.execute-api.us-east-1.amazonaws.com', /1 label\(s\) too many before execute-api/, API],
    ['a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com.cn', /not a China region/, API],
    ['a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com', /served under \.amazonaws\.com\.cn/, API],
    ['execute-api.us-east-1.vpce.amazonaws.com', /the endpoint label is missing/, API_VPCE],
    ['log-pipeline-abc.osis.amazonaws.com', /the region label is missing/, OSIS],
    ['a.log-pipeline-abc.us-east-1.osis.amazonaws.com', /1 label\(s\) too many/, OSIS],
    [
      'log_pipeline.us-east-1.osis.amazonaws.com',
      /"log_pipeline" is not a valid pipeline label/,
      OSIS,
    ],
  ]
  for (const [host, reason, shape] of malformed) {
    it(`rejects malformed ${host}`, () => {
      const err = configError(() => parseAwsEndpoint(host))
      expect(err.option).to.equal('node')
      expect(err.message).to.include(`Node host ${JSON.stringify(host)}`)
      expect(err.message).to.match(reason)
      expect(err.message).to.include(`Expected ${shape}`)
    })
  }

  const configurationApis = [
    'es.us-east-1.amazonaws.com',
    'es-fips.us-gov-west-1.amazonaws.com',
    'aoss.eu-west-1.amazonaws.com',
    'aos.us-east-1.api.aws',
    'es.cn-north-1.amazonaws.com.cn',
  ]
  for (const host of configurationApis) {
    it(`explains that ${host} is the configuration API`, () => {
      const err = configError(() => parseAwsEndpoint(host))
      expect(err.option).to.equal('node')
      expect(err.message).to.include('configuration API, not a domain or collection endpoint')
      expect(err.message).to.include(ES)
    })
  }

  it('explains that osis.<region>.amazonaws.com is the OpenSearch Ingestion configuration API', () => {
    const err = configError(() => parseAwsEndpoint('osis.us-east-1.amazonaws.com'))
    expect(err.option).to.equal('node')
    expect(err.message).to.include(
      'OpenSearch Ingestion configuration API, not a pipeline endpoint',
    )
    expect(err.message).to.include(OSIS)
  })
})

describe('resolveSigningTarget', () => {
  const DOMAIN = 'search-movies-5w2ndz7yawo3ftpznbsxlpyxfm.eu-west-1.es.amazonaws.com'
  const COLLECTION = '1tg2xudton46knx2a95g.us-east-1.aoss.amazonaws.com'
  const resolve = (
    node: string,
    rest: Omit<SigningTargetInput, 'url' | 'env'> & { env?: SigningTargetInput['env'] } = {},
  ) => resolveSigningTarget({ env: {}, ...rest, url: new URL(node) })

  describe('region and service precedence', () => {
    type Case = {
      name: string
      node: string
      input?: Omit<SigningTargetInput, 'url'>
      region: string
      regionSource: string
      service: string
      serviceSource: string
    }
    const cases: Case[] = [
      {
        name: 'endpoint region beats a different AWS_REGION',
        node: `https://${DOMAIN}`,
        input: { env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' } },
        region: 'eu-west-1',
        regionSource: 'endpoint',
        service: 'es',
        serviceSource: 'endpoint',
      },
      {
        name: 'endpoint region is used with no environment at all',
        node: `https://${COLLECTION}`,
        region: 'us-east-1',
        regionSource: 'endpoint',
        service: 'aoss',
        serviceSource: 'endpoint',
      },
      {
        name: 'explicit region beats the endpoint, even when they disagree',
        node: `https://${DOMAIN}`,
        input: { region: 'us-east-2', env: { AWS_REGION: 'us-west-2' } },
        region: 'us-east-2',
        regionSource: 'option',
        service: 'es',
        serviceSource: 'endpoint',
      },
      {
        name: 'explicit service beats the endpoint',
        node: `https://${COLLECTION}`,
        input: { service: 'es' },
        region: 'us-east-1',
        regionSource: 'endpoint',
        service: 'es',
        serviceSource: 'option',
      },
      {
        name: 'custom domain: AWS_REGION, default service',
        node: 'https://search.example.com',
        input: { env: { AWS_REGION: 'eu-north-1', AWS_DEFAULT_REGION: 'us-east-1' } },
        region: 'eu-north-1',
        regionSource: 'environment',
        service: 'es',
        serviceSource: 'default',
      },
      {
        name: 'custom domain: AWS_DEFAULT_REGION when AWS_REGION is unset',
        node: 'https://search.example.com',
        input: { env: { AWS_DEFAULT_REGION: 'ap-southeast-2' } },
        region: 'ap-southeast-2',
        regionSource: 'environment',
        service: 'es',
        serviceSource: 'default',
      },
      {
        name: 'an empty AWS_REGION counts as unset',
        node: 'https://search.example.com',
        input: { env: { AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-south-2' } },
        region: 'eu-south-2',
        regionSource: 'environment',
        service: 'es',
        serviceSource: 'default',
      },
      {
        name: 'custom domain: explicit region beats the environment',
        node: 'https://search.example.com',
        input: { region: 'us-gov-west-1', env: { AWS_REGION: 'us-east-1' } },
        region: 'us-gov-west-1',
        regionSource: 'option',
        service: 'es',
        serviceSource: 'default',
      },
      {
        name: 'API Gateway: service and region from the host, beating AWS_REGION',
        node: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod',
        input: { env: { AWS_REGION: 'eu-west-1' } },
        region: 'us-east-1',
        regionSource: 'endpoint',
        service: 'execute-api',
        serviceSource: 'endpoint',
      },
      {
        name: 'API Gateway custom domain: explicit service, region from the environment',
        node: 'https://api.example.com/prod',
        input: { service: 'execute-api', env: { AWS_REGION: 'us-east-1' } },
        region: 'us-east-1',
        regionSource: 'environment',
        service: 'execute-api',
        serviceSource: 'option',
      },
      {
        name: 'VPC Lattice: service and region from the host',
        node: 'https://my-svc-0123456789abcdef.7d67968.vpc-lattice-svcs.us-west-2.on.aws',
        input: { env: { AWS_REGION: 'eu-west-1' } },
        region: 'us-west-2',
        regionSource: 'endpoint',
        service: 'vpc-lattice-svcs',
        serviceSource: 'endpoint',
      },
      {
        name: 'VPC Lattice: explicit region and service',
        node: 'https://my-svc-0123456789abcdef.7d67968.vpc-lattice-svcs.us-west-2.on.aws',
        input: { region: 'us-west-2', service: 'vpc-lattice-svcs' },
        region: 'us-west-2',
        regionSource: 'option',
        service: 'vpc-lattice-svcs',
        serviceSource: 'option',
      },
      {
        name: 'an invalid AWS_REGION is not consulted when the endpoint names the region',
        node: `https://${DOMAIN}`,
        input: { env: { AWS_REGION: 'not a region' } },
        region: 'eu-west-1',
        regionSource: 'endpoint',
        service: 'es',
        serviceSource: 'endpoint',
      },
    ]
    for (const c of cases) {
      it(c.name, () => {
        const target = resolveSigningTarget({ env: {}, ...c.input, url: new URL(c.node) })
        expect(target).to.include({
          region: c.region,
          regionSource: c.regionSource,
          service: c.service,
          serviceSource: c.serviceSource,
        })
      })
    }

    it('reports the endpoint it recognised, and none for other hosts', () => {
      expect(resolve(`https://${DOMAIN}`).endpoint).to.deep.equal({
        region: 'eu-west-1',
        service: 'es',
        kind: 'domain',
        partition: 'aws',
      })
      expect(resolve('https://search.example.com', { region: 'eu-west-1' })).to.not.have.property(
        'endpoint',
      )
    })

    it('reads process.env when no env is given', () => {
      const saved = {
        AWS_REGION: process.env.AWS_REGION,
        AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION,
      }
      try {
        process.env.AWS_REGION = 'ca-central-1'
        const target = resolveSigningTarget({ url: new URL('https://search.example.com') })
        expect(target).to.include({ region: 'ca-central-1', regionSource: 'environment' })
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name]
          else process.env[name] = value
        }
      }
    })

    it('treats a null region or service (plain JavaScript callers) as not given', () => {
      const input = { url: new URL(`https://${DOMAIN}`), region: null, service: null, env: {} }
      const target = resolveSigningTarget(input as unknown as SigningTargetInput)
      expect(target).to.include({ regionSource: 'endpoint', serviceSource: 'endpoint' })
    })
  })

  describe('errors', () => {
    it('no region anywhere: names the option, both variables and shows an example', () => {
      const err = configError(() => resolve('http://localhost:9200'))
      expect(err.option).to.equal('region')
      expect(err.message).to.include('localhost')
      expect(err.message).to.include('`region` option')
      expect(err.message).to.include('AWS_REGION')
      expect(err.message).to.include('AWS_DEFAULT_REGION')
      expect(err.message).to.include("region: 'eu-west-1'")
    })

    it('an invalid explicit region names the region option', () => {
      const err = configError(() => resolve(`https://${DOMAIN}`, { region: 'eu-west' }))
      expect(err.option).to.equal('region')
    })

    it('an invalid AWS_REGION names the variable', () => {
      const err = configError(() =>
        resolve('https://search.example.com', { env: { AWS_REGION: 'EU-WEST-1' } }),
      )
      expect(err.option).to.equal('AWS_REGION')
      expect(err.message).to.include("did you mean 'eu-west-1'")
    })

    it('an invalid AWS_DEFAULT_REGION names the variable', () => {
      const err = configError(() =>
        resolve('https://search.example.com', { env: { AWS_DEFAULT_REGION: 'global' } }),
      )
      expect(err.option).to.equal('AWS_DEFAULT_REGION')
    })

    it('an invalid service names the service option', () => {
      const err = configError(() => resolve(`https://${DOMAIN}`, { service: 'OpenSearch' }))
      expect(err.option).to.equal('service')
    })

    it('a malformed AWS host in the node URL names the node', () => {
      const err = configError(() => resolve('https://search-.eu-west-1.es.amazonaws.com'))
      expect(err.option).to.equal('node')
    })

    it('credentials in the node URL are rejected without echoing them', () => {
      const err = configError(() => resolve(`https://admin:s3cr3t@${DOMAIN}/`))
      expect(err.option).to.equal('node')
      expect(err.message).to.include('user:password@')
      expect(err.message).to.include(DOMAIN)
      expect(err.message).to.not.include('s3cr3t')
      expect(err.message).to.not.include('admin')
    })

    it('a username alone is rejected too', () => {
      expect(configError(() => resolve(`https://admin@${DOMAIN}`)).option).to.equal('node')
    })

    it('a query string in the node URL is rejected without echoing it', () => {
      const err = configError(() => resolve(`https://${DOMAIN}/?X-Amz-Security-Token=abc`))
      expect(err.option).to.equal('node')
      expect(err.message).to.include('query string')
      expect(err.message).to.not.include('X-Amz-Security-Token')
    })
  })

  describe('host', () => {
    const hosts: Array<[string, string]> = [
      [`https://${DOMAIN}`, DOMAIN],
      [`https://${DOMAIN}:443/`, DOMAIN],
      [`https://${DOMAIN.toUpperCase()}`, DOMAIN],
      [`https://${DOMAIN}:9243`, `${DOMAIN}:9243`],
      ['http://localhost:9200', 'localhost:9200'],
      ['http://search.example.com:80/prefix', 'search.example.com'],
      ['https://search.example.com:8443/prefix/', 'search.example.com:8443'],
      ['http://[::1]:9200', '[::1]:9200'],
      ['http://10.0.0.5:9200', '10.0.0.5:9200'],
    ]
    for (const [node, host] of hosts) {
      it(`signs ${node} for Host ${host}`, () => {
        expect(resolve(node, { region: 'eu-west-1' }).host).to.equal(host)
      })
    }
  })

  describe('signingHost (tunnels, proxies)', () => {
    it('tunnel: connects to localhost, signs for the domain and infers from it', () => {
      const target = resolve('http://localhost:9200', {
        signingHost: DOMAIN,
        env: { AWS_REGION: 'us-east-1' },
      })
      expect(target).to.deep.equal({
        region: 'eu-west-1',
        regionSource: 'endpoint',
        service: 'es',
        serviceSource: 'endpoint',
        host: DOMAIN,
        endpoint: { region: 'eu-west-1', service: 'es', kind: 'domain', partition: 'aws' },
      })
    })

    it('tunnel to a serverless collection signs for aoss', () => {
      const target = resolve('https://127.0.0.1:8443', { signingHost: COLLECTION })
      expect(target).to.include({ service: 'aoss', region: 'us-east-1', host: COLLECTION })
    })

    it('tunnel to a VPC domain in GovCloud', () => {
      const vpc = 'vpc-audit-abc123.us-gov-west-1.es.amazonaws.com'
      const target = resolve('http://localhost:9200', { signingHost: vpc })
      expect(target.endpoint).to.deep.equal({
        region: 'us-gov-west-1',
        service: 'es',
        kind: 'vpc-domain',
        partition: 'aws-us-gov',
      })
    })

    it('accepts the endpoint URL as shown in the console and takes its host', () => {
      for (const signingHost of [
        `https://${DOMAIN}`,
        `https://${DOMAIN}/`,
        `HTTPS://${DOMAIN}:443`,
      ]) {
        const target = resolve('http://localhost:9200', { signingHost })
        expect(target).to.include({ host: DOMAIN, region: 'eu-west-1' })
      }
    })

    it('keeps an explicit port and lowercases the host', () => {
      const target = resolve('http://localhost:9200', {
        signingHost: `${DOMAIN.toUpperCase()}:443`,
      })
      expect(target).to.include({ host: `${DOMAIN}:443`, region: 'eu-west-1' })
    })

    it('tolerates a trailing dot', () => {
      const target = resolve('http://localhost:9200', { signingHost: `${DOMAIN}.` })
      expect(target).to.include({ host: `${DOMAIN}.`, region: 'eu-west-1' })
    })

    it('explicit options still win over the signing host', () => {
      const target = resolve('http://localhost:9200', {
        signingHost: DOMAIN,
        region: 'eu-west-2',
        service: 'aoss',
      })
      expect(target).to.include({ region: 'eu-west-2', regionSource: 'option', service: 'aoss' })
    })

    it('a custom signing host in front of an AWS node URL: region from the node URL', () => {
      const target = resolve(`https://${DOMAIN}`, { signingHost: 'search.example.com' })
      expect(target).to.include({
        host: 'search.example.com',
        region: 'eu-west-1',
        regionSource: 'endpoint',
      })
    })

    it('a custom signing host on localhost needs a region, and the error names the host', () => {
      const err = configError(() =>
        resolve('http://localhost:9200', { signingHost: 'search.example.com' }),
      )
      expect(err.option).to.equal('region')
      expect(err.message).to.include('search.example.com')
    })

    it('a malformed AWS signing host names signingHost', () => {
      const err = configError(() =>
        resolve('http://localhost:9200', { signingHost: 'search-.eu-west-1.es.amazonaws.com' }),
      )
      expect(err.option).to.equal('signingHost')
      expect(err.message).to.include('`signingHost` host')
    })

    const invalid: Array<[unknown, RegExp]> = [
      ['', /it is empty/],
      ['   ', /it is empty/],
      [443, /it is a number/],
      [`https://${DOMAIN}/movies`, /has a path, query or fragment/],
      [`https://${DOMAIN}/?a=b`, /has a path, query or fragment/],
      [`https://user:pass@${DOMAIN}`, /contains credentials/],
      [`ftp://${DOMAIN}`, /ftp: URLs are not supported/],
      ['https://', /not a valid URL/],
      [`${DOMAIN}/movies`, /is not a hostname\[:port\]/],
      [`user@${DOMAIN}`, /contains credentials/],
      [`user:pass@${DOMAIN}:443`, /contains credentials/],
      ['search example.com', /is not a hostname\[:port\]/],
      ['search..example.com', /is not a hostname\[:port\]/],
      [`${DOMAIN}:0`, /port 0 is invalid/],
      [`${DOMAIN}:65536`, /port 65536 is invalid/],
      [`${DOMAIN}:`, /is not a hostname\[:port\]/],
    ]
    for (const [signingHost, reason] of invalid) {
      it(`rejects signingHost ${JSON.stringify(signingHost)}`, () => {
        const err = configError(() =>
          resolve('http://localhost:9200', {
            signingHost: signingHost as string,
            region: 'eu-west-1',
          }),
        )
        expect(err.option).to.equal('signingHost')
        expect(err.message).to.match(reason)
        expect(err.message).to.include('hostname[:port]')
        expect(err.message).to.not.include('pass@')
      })
    }
  })
})

describe('resolveSigningTarget: only own properties are read', () => {
  it('a polluted Object.prototype gives no signing host, region, service nor AWS_REGION', async () => {
    const polluted = {
      signingHost: 'attacker.example',
      region: 'ap-south-1',
      service: 'aoss',
      AWS_REGION: 'ap-south-1',
    }
    const target = await withPollutedPrototype(polluted, () =>
      resolveSigningTarget({
        url: new URL('http://localhost:9200'),
        env: { AWS_REGION: 'eu-west-1' },
      }),
    )
    expect(target).to.include({
      host: 'localhost:9200',
      region: 'eu-west-1',
      regionSource: 'environment',
      service: 'es',
      serviceSource: 'default',
    })
    const err = await withPollutedPrototype(polluted, () =>
      configError(() => resolveSigningTarget({ url: new URL('http://localhost:9200'), env: {} })),
    )
    expect(err.option).to.equal('region')
  })
})
