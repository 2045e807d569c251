import { expect } from 'chai'
import * as es717 from 'es717'
import * as es7130 from 'es7130'
import * as os3 from '@opensearch-project/opensearch'
import { AwsSigV4UnsupportedEngineError, createAwsSigV4Connection } from '../../lib'
import type { AwsSigV4ConnectionOptions } from '../../lib'
import { startEmulator } from '../../lib/testing'
import type { Emulator, EmulatorOptions, Engine } from '../../lib/testing'

/**
 * The product check of @elastic/elasticsearch 7.14–7.17 against the engines behind AWS, one row
 * per engine: what the client gets, how many `GET /` reach the server, and what `client.info()`
 * shows (always the engine's own answer). 7.13.0 has no product check and the OpenSearch client
 * none either: nothing is adapted for them.
 */

const CREDS = { accessKeyId: 'AKIDPRODUCTCHECK', secretAccessKey: 'product/check+secret' }
const REGION = 'eu-west-1'
type Module = typeof es717

async function withClient(
  module: unknown,
  emulator: Omit<EmulatorOptions, 'credentials' | 'region'>,
  options: Omit<AwsSigV4ConnectionOptions, 'baseConnection'>,
  run: (client: es717.Client, emu: Emulator) => Promise<void>,
  extra: object = {},
): Promise<void> {
  const m = module as Module
  const emu = await startEmulator({ credentials: CREDS, region: REGION, ...emulator })
  const client = new m.Client({
    node: emu.url,
    Connection: createAwsSigV4Connection({
      region: REGION,
      credentials: CREDS,
      ...options,
      baseConnection: m.Connection,
    }),
    ...extra,
  })
  try {
    await run(client, emu)
  } finally {
    await client.close()
    await emu.close()
  }
}

/** `GET /` requests that reached the server. */
const infoRequests = (emu: Emulator): number =>
  emu.verdicts.filter((v) => v.method === 'GET' && v.path === '/').length

async function failure(call: PromiseLike<unknown>): Promise<Error> {
  try {
    await call
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the call to fail')
}

describe('e2e product check: @elastic/elasticsearch 7.17 against the engines behind AWS', function () {
  this.timeout(30_000)

  const adapted: Array<[string, Engine, Record<string, unknown>]> = [
    [
      "Amazon's Elasticsearch 7.10 (build_flavor oss)",
      'elasticsearch7',
      { number: '7.10.2', build_flavor: 'oss' },
    ],
    [
      'OpenSearch in compatibility mode (7.10.2, no build_flavor)',
      'opensearch-compat',
      { number: '7.10.2' },
    ],
  ]
  for (const [name, engine, version] of adapted) {
    it(`${name}: every request passes after one GET /; client.info() shows the engine's answer`, async () => {
      await withClient(es717, { engine }, {}, async (client, emu) => {
        await client.indices.create({ index: 'checked' })
        await client.index({ index: 'checked', id: '1', body: { a: 1 }, refresh: true })
        expect((await client.count({ index: 'checked' })).body.count).to.equal(1)
        expect(infoRequests(emu)).to.equal(1)
        const info = (await client.info()).body
        expect(info.version).to.deep.include(version)
        if (!('build_flavor' in version)) expect(info.version).not.to.have.property('build_flavor')
        expect(info.tagline).to.equal(
          engine === 'elasticsearch7'
            ? 'You Know, for Search'
            : 'The OpenSearch Project: https://opensearch.org/',
        )
        expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
      })
    })
  }

  it('OpenSearch 2.x (no compatibility mode): AwsSigV4UnsupportedEngineError for every request, one GET / in all', async () => {
    await withClient(es717, { engine: 'opensearch' }, {}, async (client, emu) => {
      const first = await failure(client.indices.create({ index: 'x' }))
      expect(first).to.be.instanceOf(AwsSigV4UnsupportedEngineError)
      expect((first as AwsSigV4UnsupportedEngineError).engine).to.equal('OpenSearch 2.19.6')
      expect(first.message).to.include('override_main_response_version')
      expect(first.message).to.include('@elastic/elasticsearch 7.13, 8.x or 9.x')
      expect(first.message).to.include('@opensearch-project/opensearch')
      for (let i = 0; i < 3; i++) {
        expect(await failure(client.search({ index: 'x' }))).to.be.instanceOf(
          AwsSigV4UnsupportedEngineError,
        )
      }
      // The transport retried the check (maxRetries 3) and re-ran it before each later request.
      expect(infoRequests(emu)).to.equal(1)
      expect(emu.verdicts).to.have.length(1)
      expect((await client.info()).body.version.number).to.equal('2.19.6')
      expect(infoRequests(emu)).to.equal(2)
    })
  })

  it('OpenSearch Serverless (aoss): the check answered locally, no GET / sent; client.info() is sent', async () => {
    await withClient(es717, { service: 'aoss' }, { service: 'aoss' }, async (client, emu) => {
      await client.index({ index: 'logs', id: 'x/1', body: { msg: 'serverless' }, refresh: true })
      expect(
        (await client.search({ index: 'logs', q: 'msg:serverless' })).body.hits.total.value,
      ).to.equal(1)
      expect(infoRequests(emu)).to.equal(0)
      const info = await failure(client.info())
      expect((info as { meta?: { statusCode?: number } }).meta?.statusCode).to.equal(404)
      expect(infoRequests(emu)).to.equal(1)
    })
  })

  it('ELASTIC_CLIENT_APIVERSIONING=true: the vendor media types are sent plain (else 406)', async () => {
    const saved = process.env.ELASTIC_CLIENT_APIVERSIONING
    process.env.ELASTIC_CLIENT_APIVERSIONING = 'true'
    try {
      await withClient(es717, { engine: 'elasticsearch7' }, {}, async (client, emu) => {
        await client.index({ index: 'versioned', id: '1', body: { a: 1 }, refresh: true })
        await client.bulk({ body: [{ index: { _index: 'versioned', _id: '2' } }, { a: 2 }] })
        expect(emu.store.documentCount('versioned')).to.equal(2)
      })
    } finally {
      if (saved === undefined) delete process.env.ELASTIC_CLIENT_APIVERSIONING
      else process.env.ELASTIC_CLIENT_APIVERSIONING = saved
    }
  })

  it("adaptToAmazonEngine: false: the client's own refusal", async () => {
    await withClient(
      es717,
      { engine: 'elasticsearch7' },
      { adaptToAmazonEngine: false },
      async (client) => {
        const err = await failure(client.indices.create({ index: 'x' }))
        expect(err).to.be.instanceOf(es717.errors.ProductNotSupportedError)
        expect(err.message).to.equal(
          'The client noticed that the server is not a supported distribution of Elasticsearch',
        )
      },
    )
  })
})

describe('e2e product check: clients without one are not adapted', function () {
  this.timeout(30_000)

  for (const [name, module] of [
    ['@elastic/elasticsearch 7.13.0', es7130],
    ['the OpenSearch client 3.x', os3],
  ] as const) {
    it(`${name}: no GET / before requests; a hand-written GET / gets the engine's answer untouched`, async () => {
      await withClient(module, { engine: 'elasticsearch7' }, {}, async (client, emu) => {
        await client.indices.create({ index: 'plain' })
        expect(infoRequests(emu)).to.equal(0)
        const answer = await client.transport.request({ method: 'GET', path: '/' })
        expect(answer.body.version.build_flavor).to.equal('oss')
        expect(infoRequests(emu)).to.equal(1)
      })
    })
  }

  it('@elastic/elasticsearch 7.13.0 against OpenSearch 2.x: works, nothing adapted', async () => {
    await withClient(es7130, { engine: 'opensearch' }, {}, async (client, emu) => {
      await client.index({ index: 'os', id: '1', body: { a: 1 }, refresh: true })
      expect((await client.info()).body.version.number).to.equal('2.19.6')
      expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
    })
  })
})
