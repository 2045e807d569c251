import { expect } from 'chai'
import { createHash } from 'node:crypto'
import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import * as os3 from '@opensearch-project/opensearch'
import { createAwsSigV4Connection } from '../../lib'
import { startEmulator } from '../../lib/testing'
import type { Emulator, EmulatorOptions } from '../../lib/testing'
import { CLIENT_VARIANTS, DEFAULT_MAJOR } from '../support/client-variants'

const CREDS = {
  accessKeyId: 'AKIDSERVICES',
  secretAccessKey: 'services-secret',
  sessionToken: 'services-token',
}

async function withEmulator(
  options: Omit<EmulatorOptions, 'credentials'>,
  run: (emu: Emulator) => Promise<void>,
): Promise<void> {
  const emu = await startEmulator({ credentials: CREDS, ...options })
  try {
    await run(emu)
  } finally {
    await emu.close()
  }
}

const allOk = (emu: Emulator): void => {
  const bad = emu.verdicts.filter((v) => !v.ok)
  expect(bad, JSON.stringify(bad, null, 2)).to.have.length(0)
}

describe('e2e Amazon services: Serverless, tunnels, other services, adaptation', function () {
  this.timeout(30_000)

  for (const [name, Client] of [
    ['9.x', es9.Client],
    ['8.x', es8.Client],
  ] as const) {
    it(`OpenSearch Serverless (aoss) on client ${name}: payload hash and token signed on every request`, async () => {
      await withEmulator({ region: 'us-east-1', service: 'aoss' }, async (emu) => {
        const client = new (Client as typeof es9.Client)({
          node: emu.url,
          Connection: createAwsSigV4Connection({
            region: 'us-east-1',
            service: 'aoss',
            credentials: CREDS,
          }),
        })
        await client.index({
          index: 'logs',
          id: 'x/1',
          document: { msg: 'serverless' },
          refresh: true,
        })
        await client.bulk({ operations: [{ index: { _index: 'logs', _id: '2' } }, { msg: 'two' }] })
        const res = await client.search({ index: 'logs', q: 'msg:serverless' })
        expect(res.hits.hits.map((h) => h._id)).to.deep.equal(['x/1'])
        await client.close()
        allOk(emu)
        for (const v of emu.verdicts) {
          expect(v.signedHeaders).to.include.members([
            'x-amz-content-sha256',
            'x-amz-security-token',
            'host',
            'x-amz-date',
          ])
        }
      })
    })
  }

  it('tunnel: connects to 127.0.0.1, signs for the domain host, region inferred from it', async () => {
    const domain = 'vpc-logs-abc123xyz.ap-northeast-1.es.amazonaws.com'
    await withEmulator(
      { region: 'ap-northeast-1', service: 'es', expectedHost: domain },
      async (emu) => {
        const client = new es9.Client({
          node: emu.url,
          Connection: createAwsSigV4Connection({ signingHost: domain, credentials: CREDS }),
        })
        await client.index({ index: 't', id: '1', document: { a: 1 } })
        await client.close()
        allOk(emu)
      },
    )
  })

  it('without adaptation the 9.x client fails against an Amazon domain (406, product check)', async () => {
    await withEmulator({ region: 'eu-west-1', service: 'es' }, async (emu) => {
      const client = new es9.Client({
        node: emu.url,
        Connection: createAwsSigV4Connection({
          region: 'eu-west-1',
          credentials: CREDS,
          adaptToAmazonEngine: false,
        }),
      })
      const indexErr = await client
        .index({ index: 'i', id: '1', document: { a: 1 } })
        .catch((e: unknown) => e)
      expect(indexErr).to.be.instanceOf(es9.errors.ResponseError)
      expect((indexErr as InstanceType<typeof es9.errors.ResponseError>).meta.statusCode).to.equal(
        406,
      )
      const infoErr = await client.info().catch((e: unknown) => e)
      expect(infoErr).to.be.instanceOf(es9.errors.ProductNotSupportedError)
      await client.close()
      allOk(emu)
    })
  })

  it('a real Elastic cluster behind API Gateway (execute-api): nothing adapted, vendor types pass', async () => {
    await withEmulator(
      { region: 'eu-west-1', service: 'execute-api', mode: 'elastic' },
      async (emu) => {
        const seen: string[] = []
        emu.onRequest((ctx) => void seen.push(ctx.headers['content-type'] ?? ''))
        const client = new es9.Client({
          node: emu.url,
          Connection: createAwsSigV4Connection({
            region: 'eu-west-1',
            service: 'execute-api',
            credentials: CREDS,
          }),
        })
        await client.index({ index: 'i', id: '1', document: { a: 1 } })
        expect((await client.info()).version.number).to.be.a('string')
        expect(seen[0]).to.equal(
          `application/vnd.elasticsearch+json; compatible-with=${DEFAULT_MAJOR}`,
        )
        await client.close()
        allOk(emu)
      },
    )
  })

  it('VPC Lattice style: unsignedPayload sends UNSIGNED-PAYLOAD and verifies', async () => {
    await withEmulator(
      { region: 'eu-west-1', service: 'vpc-lattice-svcs', mode: 'elastic' },
      async (emu) => {
        const hashes: string[] = []
        emu.onRequest((ctx) => void hashes.push(ctx.headers['x-amz-content-sha256'] ?? ''))
        const client = new es9.Client({
          node: emu.url,
          Connection: createAwsSigV4Connection({
            region: 'eu-west-1',
            service: 'vpc-lattice-svcs',
            unsignedPayload: true,
            credentials: CREDS,
          }),
        })
        await client.index({ index: 'i', id: '1', document: { a: 1 } })
        expect(hashes).to.deep.equal(['UNSIGNED-PAYLOAD'])
        await client.close()
        allOk(emu)
      },
    )
  })

  it("AWS's own 403 texts reach the user in ResponseError messages", async () => {
    await withEmulator({ region: 'eu-west-1', service: 'es' }, async (emu) => {
      const denied =
        'User: arn:aws:iam::123456789012:user/ingest is not authorized to perform: es:ESHttpPost'
      emu.onRequest(() => ({ status: 403, body: { Message: denied } }))
      const client = new es9.Client({
        node: emu.url,
        Connection: createAwsSigV4Connection({ region: 'eu-west-1', credentials: CREDS }),
      })
      const err = (await client
        .index({ index: 'i', document: { a: 1 } })
        .catch((e: unknown) => e)) as Error
      expect(err).to.be.instanceOf(es9.errors.ResponseError)
      expect(err.message).to.include(denied)
      await client.close()
    })
  })

  it("a signature mismatch shows AWS's expected canonical request beside ours", async () => {
    await withEmulator({ region: 'eu-west-1', service: 'es' }, async (emu) => {
      // Signs for the wrong secret: AWS computes a different signature over the same request.
      const client = new es9.Client({
        node: emu.url,
        Connection: createAwsSigV4Connection({
          region: 'eu-west-1',
          credentials: { ...CREDS, secretAccessKey: 'not-the-secret' },
        }),
      })
      const err = (await client
        .get({ index: 'i', id: 'a b' })
        .catch((e: unknown) => e)) as InstanceType<typeof es9.errors.ResponseError>
      expect(err).to.be.instanceOf(es9.errors.ResponseError)
      expect(err.meta.statusCode).to.equal(403)
      const body = err.body as { message: string; sigv4_debug: { canonicalRequest: string } }
      expect(body.message).to.include('The request signature we calculated does not match')
      // Same request on both sides, so our canonical request is the one AWS quotes; the
      // emulator's log redacts the token as sigv4_debug does, so the two compare as they are.
      const ours = body.sigv4_debug.canonicalRequest
      expect(emu.verdicts.at(-1)?.canonicalRequest).to.equal(ours)
      expect(err.message).not.to.include('not-the-secret')
      await client.close()
    })
  })
})

/**
 * VPC Lattice takes no payload signing: every request, with a body or not, must carry
 * `x-amz-content-sha256: UNSIGNED-PAYLOAD`. The emulator plays Lattice's rule (from the services
 * table); the node is a Lattice service host (signed for through `signingHost`, as the emulator
 * listens on 127.0.0.1), so service, region and the unsigned payload all come from the host.
 */
const LATTICE_HOST = 'search-0a1b2c3d4e5f67890.7d67968.vpc-lattice-svcs.us-west-2.on.aws'
const API_HOST = 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com'

for (const variant of CLIENT_VARIANTS) {
  describe(`e2e services inferred from the host: ${variant.name}`, function () {
    this.timeout(30_000)

    it('VPC Lattice: all eight calls, bodiless ones included, are sent UNSIGNED-PAYLOAD and accepted', async () => {
      await withEmulator(
        {
          region: 'us-west-2',
          service: 'vpc-lattice-svcs',
          mode: 'elastic',
          expectedHost: LATTICE_HOST,
        },
        async (emu) => {
          const hashes: string[] = []
          emu.onRequest((ctx) => void hashes.push(ctx.headers['x-amz-content-sha256'] ?? ''))
          const client = variant.make(emu.url, {
            signingHost: LATTICE_HOST,
            credentials: CREDS,
          }) as es9.Client
          const calls: Array<[string, () => Promise<unknown>]> = [
            ['info', () => client.info()],
            ['indices.create (no body)', () => client.indices.create({ index: 'lat' })],
            [
              'index',
              () => client.index({ index: 'lat', id: '1', document: { a: 1 }, refresh: true }),
            ],
            ['indices.exists', () => client.indices.exists({ index: 'lat' })],
            ['get', () => client.get({ index: 'lat', id: '1' })],
            ['search (GET, q)', () => client.search({ index: 'lat', q: 'a:1' })],
            [
              'search (POST, body)',
              () => client.search({ index: 'lat', query: { match_all: {} } }),
            ],
            ['delete', () => client.delete({ index: 'lat', id: '1' })],
          ]
          const failed: string[] = []
          for (const [name, call] of calls) {
            await call().catch((e: unknown) => failed.push(`${name}: ${String(e)}`))
          }
          await client.close()
          expect(failed, failed.join('\n')).to.deep.equal([])
          expect(hashes).to.have.length(calls.length)
          expect(new Set(hashes)).to.deep.equal(new Set(['UNSIGNED-PAYLOAD']))
          allOk(emu)
          expect(
            emu.verdicts.every((v) => v.signedHeaders?.includes('x-amz-content-sha256')),
          ).to.equal(true)
        },
      )
    })

    it('API Gateway: execute-api and its region come from the host; nothing adapted', async () => {
      await withEmulator(
        { region: 'eu-west-1', service: 'execute-api', mode: 'elastic', expectedHost: API_HOST },
        async (emu) => {
          const client = variant.make(emu.url, {
            signingHost: API_HOST,
            credentials: CREDS,
          }) as es9.Client
          await client.index({ index: 'api', id: '1', document: { a: 1 } })
          expect((await client.info()).version.number).to.be.a('string')
          await client.close()
          allOk(emu)
          expect(emu.verdicts).to.have.length(2)
        },
      )
    })
  })
}

describe('e2e OpenSearch Ingestion (osis)', function () {
  this.timeout(30_000)
  const PIPELINE_HOST = 'log-pipeline-abcdefg0123456789.us-east-1.osis.amazonaws.com'

  it("signs for osis and the pipeline's region, from its host, with the payload hash", async () => {
    await withEmulator(
      { region: 'us-east-1', service: 'osis', expectedHost: PIPELINE_HOST },
      async (emu) => {
        const body = [{ time: '2026-01-01T00:00:00Z', msg: 'ingested' }]
        const hashes: string[] = []
        emu.onRequest(({ headers }) => {
          hashes.push(headers['x-amz-content-sha256'])
          return { status: 200, body: '' }
        })
        const client = new es9.Client({
          node: emu.url,
          Connection: createAwsSigV4Connection({ signingHost: PIPELINE_HOST, credentials: CREDS }),
        })
        const res = await client.transport.request(
          { method: 'POST', path: '/log/ingest', body },
          { meta: true },
        )
        await client.close()
        expect(res.statusCode).to.equal(200)
        allOk(emu)
        expect(emu.verdicts).to.have.length(1)
        expect(emu.verdicts[0].canonicalRequest).to.match(/^POST\n\/log\/ingest\n/)
        expect(hashes).to.deep.equal([
          createHash('sha256').update(JSON.stringify(body)).digest('hex'),
        ])
      },
    )
  })
})

describe('e2e a Serverless collection behind a custom host, signed for the default service', function () {
  this.timeout(30_000)

  it("the bare 403 says to pass service: 'aoss', on 9.x and the OpenSearch client", async () => {
    await withEmulator({ region: 'us-east-1', service: 'aoss' }, async (emu) => {
      const options = { region: 'us-east-1', credentials: CREDS }
      const es = new es9.Client({ node: emu.url, Connection: createAwsSigV4Connection(options) })
      const os = new os3.Client({
        node: emu.url,
        Connection: createAwsSigV4Connection({ ...options, baseConnection: os3.Connection }),
      })
      const esError = await es.search({ index: 'logs' }).then(
        () => undefined,
        (err: unknown) => err as es9.errors.ResponseError,
      )
      const osError = await os.search({ index: 'logs' }).then(
        () => undefined,
        (err: unknown) => err as { body: { error: { caused_by?: { reason: string } } } },
      )
      await es.close()
      await os.close()
      expect(emu.verdicts.map((v) => [v.status, v.reason])).to.deep.equal([
        [403, 'bad-scope'],
        [403, 'bad-scope'],
      ])
      expect(esError?.message).to.match(/^Forbidden\n\tCaused by:\n\t\t.*service: 'aoss'/)
      expect(esError?.message).to.include("signed for service 'es' (the default)")
      expect(osError?.body.error.caused_by?.reason).to.include("service: 'aoss'")
    })
  })
})
