import { expect } from 'chai'
import { HttpConnection, UndiciConnection } from '@elastic/elasticsearch'
import { Connection as Es7Connection } from 'es717'
import { Connection as OpenSearchConnection } from '@opensearch-project/opensearch'
import {
  DEFAULT_MAX_AGE_MS,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  DEFAULT_REFRESH_MARGIN_MS,
} from '../../lib/credentials/cache'
import { DEFAULT_MAX_BODY_BYTES } from '../../lib/exchange/payload'
import { AwsSigV4ConfigurationError } from '../../lib/errors'
import { KNOWN_OPTIONS, resolveNodeOptions, resolveOptions } from '../../lib/connection/options'
import type { AwsSigV4ConnectionOptions } from '../../lib/connection/options'
import { NodeSha256 } from '../../lib/sigv4/sha256'
import { withPollutedPrototype } from '../support/polluted-prototype'

/** Every documented option, so a new one must be added here and to the table. */
const DOCUMENTED: Record<keyof AwsSigV4ConnectionOptions, true> = {
  region: true,
  service: true,
  credentials: true,
  baseConnection: true,
  sha256: true,
  maxBodyBytes: true,
  unsignedPayload: true,
  signingHost: true,
  credentialsRefreshMarginMs: true,
  credentialsMaxAgeMs: true,
  credentialsTimeoutMs: true,
  adaptToAmazonEngine: true,
  retryOnAwsRejection: true,
  debugSignatureMismatch: true,
}

describe('options: the table of options', () => {
  it('knows exactly the documented options, in the documented order', () => {
    expect(KNOWN_OPTIONS).to.deep.equal(Object.keys(DOCUMENTED))
  })

  it('fills every default that does not depend on the node', () => {
    expect(resolveOptions(undefined)).to.deep.equal({
      region: undefined,
      service: undefined,
      credentials: undefined,
      baseConnection: UndiciConnection,
      sha256: NodeSha256,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      unsignedPayload: undefined,
      signingHost: undefined,
      credentialsRefreshMarginMs: DEFAULT_REFRESH_MARGIN_MS,
      credentialsMaxAgeMs: DEFAULT_MAX_AGE_MS,
      credentialsTimeoutMs: DEFAULT_PROVIDER_TIMEOUT_MS,
      adaptToAmazonEngine: undefined,
      retryOnAwsRejection: true,
      debugSignatureMismatch: true,
    })
  })

  it('keeps what is given, validated', () => {
    const resolved = resolveOptions({
      baseConnection: HttpConnection,
      signingHost: ' search-a.eu-west-1.es.amazonaws.com ',
      unsignedPayload: 'streams',
      retryOnAwsRejection: false,
    })
    expect(resolved).to.include({
      baseConnection: HttpConnection,
      signingHost: 'search-a.eu-west-1.es.amazonaws.com',
      unsignedPayload: 'streams',
      retryOnAwsRejection: false,
    })
  })

  it('takes the Connection classes of the 7.x and OpenSearch clients as baseConnection', () => {
    expect(resolveOptions({ baseConnection: Es7Connection }).baseConnection).to.equal(Es7Connection)
    expect(resolveOptions({ baseConnection: OpenSearchConnection }).baseConnection).to.equal(
      OpenSearchConnection,
    )
  })

  it('refuses a baseConnection that is not a connection class, naming the classes it takes', () => {
    expect(() => resolveOptions({ baseConnection: {} })).to.throw(
      AwsSigV4ConfigurationError,
      /^baseConnection must be a connection class: UndiciConnection or HttpConnection from @elastic\/elasticsearch 8\.x\/9\.x, or Connection from @elastic\/elasticsearch 7\.x or @opensearch-project\/opensearch, got a value of type object\.$/,
    )
  })

  it('names an unknown option and lists the known ones', () => {
    const err = (() => {
      try {
        resolveOptions({ regoin: 'eu-west-1' })
      } catch (e) {
        return e as AwsSigV4ConfigurationError
      }
    })()
    expect(err).to.be.instanceOf(AwsSigV4ConfigurationError)
    expect(err?.option).to.equal('regoin')
    expect(err?.message).to.include(`Known options: ${KNOWN_OPTIONS.join(', ')}.`)
  })

  it('refuses a prototype name as an option', () => {
    expect(() => resolveOptions(JSON.parse('{"__proto__": {}, "constructor": 1}'))).to.throw(
      AwsSigV4ConfigurationError,
      /Unknown option "(__proto__|constructor)"/,
    )
  })
})

describe('options: per node, from the endpoint and the services table', () => {
  const node = (host: string, options: AwsSigV4ConnectionOptions = {}) =>
    resolveNodeOptions(
      resolveOptions({ region: 'eu-west-1', ...options }),
      new URL(`https://${host}`),
    )

  it('an OpenSearch domain: adapted, payload hashed, es refusals', () => {
    expect(node('search-a-1.eu-west-1.es.amazonaws.com')).to.deep.include({
      plainMediaTypes: true,
      unsignedPayload: false,
      refusals: 'es',
    })
  })

  it('a Serverless collection: adapted, aoss refusals', () => {
    const options = node('abc.eu-west-1.aoss.amazonaws.com')
    expect(options.target.service).to.equal('aoss')
    expect(options).to.deep.include({ plainMediaTypes: true, refusals: 'aoss' })
  })

  it('a VPC Lattice service host: unsigned payload, nothing adapted, Lattice refusals', () => {
    const options = node('my-svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws', {
      region: undefined,
    })
    expect(options.target).to.include({ service: 'vpc-lattice-svcs', region: 'us-west-2' })
    expect(options).to.deep.include({
      plainMediaTypes: false,
      unsignedPayload: true,
      refusals: 'lattice',
    })
    // An explicit option still wins (a stream-only setting, say).
    expect(
      node('my-svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws', { unsignedPayload: 'streams' })
        .unsignedPayload,
    ).to.equal('streams')
  })

  it('an API Gateway host: execute-api, payload hashed, nothing adapted', () => {
    const options = node('a1b2c3d4e5.execute-api.us-east-1.amazonaws.com', { region: undefined })
    expect(options.target).to.include({ service: 'execute-api', region: 'us-east-1' })
    expect(options).to.deep.include({ plainMediaTypes: false, unsignedPayload: false })
  })

  it('any other service: no adaptation, generic refusals', () => {
    expect(node('api.example.com', { service: 'lambda' })).to.deep.include({
      plainMediaTypes: false,
      unsignedPayload: false,
      refusals: 'generic',
    })
  })

  it('explicit options beat the service row', () => {
    const options = node('search-a-1.eu-west-1.es.amazonaws.com', {
      adaptToAmazonEngine: false,
      unsignedPayload: true,
    })
    expect(options).to.deep.include({ plainMediaTypes: false, unsignedPayload: true })
  })
})

describe('options: only own properties are options', () => {
  /** A valid value for every option, none of them its default. */
  const POLLUTED: Record<keyof AwsSigV4ConnectionOptions, unknown> = {
    region: 'ap-south-1',
    service: 'aoss',
    credentials: { accessKeyId: 'AKIDPOLLUTED', secretAccessKey: 'polluted' },
    baseConnection: HttpConnection,
    sha256: class {},
    maxBodyBytes: 1,
    unsignedPayload: true,
    signingHost: 'attacker.example',
    credentialsRefreshMarginMs: 1,
    credentialsMaxAgeMs: 1,
    credentialsTimeoutMs: 1,
    adaptToAmazonEngine: false,
    retryOnAwsRejection: false,
    debugSignatureMismatch: false,
  }

  it('a polluted Object.prototype changes no option: every one keeps its default', async () => {
    const defaults = resolveOptions({})
    const resolved = await withPollutedPrototype(POLLUTED, () => resolveOptions({}))
    expect(resolved).to.deep.equal(defaults)
  })

  it('nor the per-node target: the node URL is signed for, with the region given', async () => {
    const node = await withPollutedPrototype(POLLUTED, () =>
      resolveNodeOptions(
        resolveOptions({ region: 'eu-west-1' }),
        new URL('http://localhost:9200'),
        {},
      ),
    )
    expect(node.target).to.include({ host: 'localhost:9200', region: 'eu-west-1', service: 'es' })
    expect(node).to.include({ unsignedPayload: false })
  })
})
