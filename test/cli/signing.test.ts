import { expect } from 'chai'
import { UndiciConnection } from '@elastic/elasticsearch'
import * as es8 from 'es8'
import * as es717 from 'es717'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { Readable } from 'node:stream'
import { readAtMost, resolveTarget, send, signerFor } from '../../lib/cli/signing'
import { AwsSigV4ConfigurationError } from '../../lib/errors'

const DOMAIN = new URL('https://search-logs-abc123.eu-west-1.es.amazonaws.com/')
const KEY = { accessKeyId: 'AKIDSIGNING', secretAccessKey: 'signing-secret' }

function configMessage(run: () => unknown): string {
  try {
    run()
  } catch (err) {
    expect(err).to.be.instanceOf(AwsSigV4ConfigurationError)
    return (err as Error).message
  }
  throw new Error('no error')
}

describe('cli signing: the target, as the connection resolves it', () => {
  it('region and service from the host; flags override it, as the options do; else AWS_REGION', () => {
    const fromHost = resolveTarget({ origin: DOMAIN, env: { AWS_REGION: 'us-east-1' } })
    expect(fromHost.context.target).to.include({
      region: 'eu-west-1',
      service: 'es',
      regionSource: 'endpoint',
      host: 'search-logs-abc123.eu-west-1.es.amazonaws.com',
    })
    expect(fromHost.context.plainMediaTypes).to.equal(true)
    expect(fromHost.base).to.equal(UndiciConnection)
    const flags = resolveTarget({
      origin: DOMAIN,
      region: 'eu-central-1',
      service: 'aoss',
      env: {},
    })
    expect(flags.context.target).to.include({
      region: 'eu-central-1',
      service: 'aoss',
      regionSource: 'option',
    })
    const local = resolveTarget({
      origin: new URL('http://127.0.0.1:9200/'),
      env: { AWS_REGION: 'eu-west-2' },
    })
    expect(local.context.target).to.include({
      region: 'eu-west-2',
      regionSource: 'environment',
      host: '127.0.0.1:9200',
    })
    const lattice = resolveTarget({ origin: DOMAIN, unsignedPayload: true, env: {} })
    expect(lattice.context.unsignedPayload).to.equal(true)
  })

  it('configuration mistakes name the flags, not the options', () => {
    expect(
      configMessage(() => resolveTarget({ origin: new URL('http://127.0.0.1:9200/'), env: {} })),
    ).to.equal(
      'cannot tell which AWS region to sign for: 127.0.0.1:9200 is not an AWS endpoint host that ' +
        'names it. Pass --region (e.g. --region eu-west-1) or set AWS_REGION',
    )
    expect(
      configMessage(() => resolveTarget({ origin: DOMAIN, region: 'EU-WEST-1', env: {} })),
    ).to.match(/^Invalid --region: "EU-WEST-1" is not an AWS region name.*did you mean 'eu-west-1'/)
    expect(
      configMessage(() => resolveTarget({ origin: DOMAIN, service: 'E S', env: {} })),
    ).to.match(/^Invalid --service: "E S"/)
    expect(
      configMessage(() =>
        resolveTarget({ origin: new URL('https://search-x.es.amazonaws.com/'), env: {} }),
      ),
    ).to.match(
      /^The URL host "search-x\.es\.amazonaws\.com" looks like an Amazon OpenSearch endpoint but is malformed/,
    )
  })
})

describe('cli signing: one request, sent through the base connection', () => {
  // The default base is whichever client is installed: 8.x/9.x (promise lineage) or 7.x
  // (callback lineage, as the OpenSearch client); the command sends through either.
  const bases: Array<[string, unknown]> = [
    ['UndiciConnection (9.x)', UndiciConnection],
    ['HttpConnection (8.x)', es8.HttpConnection],
    ['Connection (7.17)', es717.Connection],
  ]
  for (const [name, base] of bases) {
    it(`${name}: sends the signed path and query exactly, and hands back the body bytes as they arrived`, async () => {
      let arrived: IncomingMessage | undefined
      const gzipped = gzipSync('{"ok":true}')
      const server = createServer((req, res) => {
        arrived = req
        res.setHeader('content-encoding', 'gzip')
        res.setHeader('content-type', 'application/json')
        res.end(gzipped)
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      try {
        const origin = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
        const resolved = resolveTarget({ origin, env: { AWS_REGION: 'eu-west-1' } })
        const target = { ...resolved, base: base as typeof resolved.base }
        const signed = await signerFor(KEY, () => new Date('2026-12-01T00:00:00Z')).sign(
          { method: 'GET', path: '/idx/_doc/a%2Fb/..', querystring: "q=a:b (c)&x=y's" },
          target.context,
        )
        const answer = await send(signed, target, 5_000)
        expect(arrived?.url).to.equal('/idx/_doc/a%2Fb/%2E%2E?q=a%3Ab%20%28c%29&x=y%27s')
        expect(arrived?.headers['x-amz-date']).to.equal('20261201T000000Z')
        expect(arrived?.headers.authorization).to.match(
          /^AWS4-HMAC-SHA256 Credential=AKIDSIGNING\/20261201\/eu-west-1\/es\/aws4_request/,
        )
        expect(answer.status).to.equal(200)
        expect(answer.body).to.deep.equal(gzipped)
      } finally {
        server.close()
      }
    })
  }
})

describe('cli signing: what is read of a body is bounded', () => {
  it('reads to the end within the cap; past it, the start and a mark, the stream destroyed', async () => {
    const chunks = () => Readable.from([Buffer.from('abc'), Buffer.from('def'), Buffer.from('gh')])
    expect(await readAtMost(chunks(), 8)).to.deep.equal({ body: Buffer.from('abcdefgh') })
    const stream = chunks()
    const read = await readAtMost(stream, 4)
    expect(read).to.deep.equal({ body: Buffer.from('abcd'), cut: true })
    expect(stream.destroyed).to.equal(true)
  })
})
