import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import * as es717 from 'es717'
import * as es7130 from 'es7130'
import { createAwsSigV4Connection } from '../../lib'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { realEngine, realEnginesMissing, selectedEngines } from '../support/engines'
import type { RealEngine } from '../support/engines'
import { describeWithTools } from '../support/tool-requirements'

/**
 * What the real engines answer to each client's own media types and product check, with the
 * package's adaptation off (`adaptToAmazonEngine: false`) and on: the facts README's
 * Amazon-engines section states. The emulator in front only verifies; every answer here is
 * the engine's.
 */

const CREDS = { accessKeyId: 'AKIDMEDIATYPES', secretAccessKey: 'media/types+secret' }
const REGION = 'eu-west-1'

async function failure(
  call: PromiseLike<unknown>,
): Promise<Error & { meta?: { statusCode?: number; body?: unknown } }> {
  try {
    await call
  } catch (err) {
    return err as Error & { meta?: { statusCode?: number; body?: unknown } }
  }
  throw new Error('expected the call to fail')
}

const promiseLines = [
  ['9.x', es9, 9],
  ['8.19', es8, 8],
] as const

describeWithTools('real engines: media types and product check', realEnginesMissing(), () => {
  for (const spec of selectedEngines()) {
    describe(`real ${spec.title}: what the engine answers each client`, function () {
      this.timeout(300_000)
      let engine: RealEngine
      let emu: Emulator
      const contentTypes: Array<string | undefined> = []

      before(async () => {
        engine = await realEngine(spec.id)
        emu = await startEmulator({ credentials: CREDS, region: REGION, upstream: engine.url })
        emu.onRequest(({ headers }) => {
          contentTypes.push(headers['content-type'])
        })
      })
      after(async () => emu?.close())
      beforeEach(() => {
        contentTypes.length = 0
      })
      afterEach(() => {
        expect(emu.verdicts.filter((v) => !v.ok)).to.have.length(0)
        emu.clearVerdicts()
      })

      for (const [line, module, major] of promiseLines) {
        it(`${line} unadapted: 406 for its vendor Content-Type; ProductNotSupportedError for a 2xx`, async () => {
          const client: es9.Client = new (module.Client as typeof es9.Client)({
            node: emu.url,
            Connection: createAwsSigV4Connection({
              region: REGION,
              credentials: CREDS,
              adaptToAmazonEngine: false,
              baseConnection: module.UndiciConnection as typeof es9.UndiciConnection,
            }) as never,
          })
          try {
            const write = await failure(
              client.index({ index: `mt-${major}`, id: '1', document: { a: 1 } }),
            )
            expect(write.meta?.statusCode).to.equal(406)
            const vendor = `application/vnd.elasticsearch+json; compatible-with=${major}`
            expect(write.meta?.body).to.deep.equal({
              error: `Content-Type header [${vendor}] is not supported`,
              status: 406,
            })
            expect(contentTypes).to.deep.equal([vendor])
            // No body: the vendor Accept passes; the answer lacks x-elastic-product.
            const read = await failure(client.info())
            expect(read).to.be.instanceOf(module.errors.ProductNotSupportedError)
          } finally {
            await client.close()
          }
        })

        it(`${line} adapted: plain JSON reaches the engine, and the answer is taken`, async () => {
          const client: es9.Client = new (module.Client as typeof es9.Client)({
            node: emu.url,
            Connection: createAwsSigV4Connection({
              region: REGION,
              credentials: CREDS,
              baseConnection: module.UndiciConnection as typeof es9.UndiciConnection,
            }) as never,
          })
          try {
            const written = await client.index({
              index: `mt-${major}`,
              id: '1',
              document: { a: 1 },
            })
            expect(written.result).to.equal('created')
            expect(contentTypes).to.deep.equal(['application/json'])
          } finally {
            await client.close()
          }
        })
      }

      it('7.17 unadapted: its own ProductNotSupportedError', async () => {
        const client = new es717.Client({
          node: emu.url,
          Connection: createAwsSigV4Connection({
            region: REGION,
            credentials: CREDS,
            adaptToAmazonEngine: false,
            baseConnection: es717.Connection,
          }),
        })
        try {
          const err = await failure(client.indices.exists({ index: 'mt' }))
          expect(err).to.be.instanceOf(es717.errors.ProductNotSupportedError)
          expect(emu.verdicts.map((v) => `${v.method} ${v.path}`)).to.deep.equal(['GET /'])
        } finally {
          await client.close()
        }
      })

      it("GET /: what the product check reads of the engine's answer", async () => {
        // 7.13.0: no product check of its own, so the answer is not adapted on the way.
        const client = new es7130.Client({
          node: emu.url,
          Connection: createAwsSigV4Connection({
            region: REGION,
            credentials: CREDS,
            baseConnection: es7130.Connection,
          }),
        })
        try {
          const { body, headers } = await client.transport.request({ method: 'GET', path: '/' })
          expect(headers).not.to.have.property('x-elastic-product')
          const version = body.version as Record<string, unknown>
          if (spec.product === 'elasticsearch') {
            // Amazon's domains report `oss`; the jar on Maven Central carries no flavour.
            expect([version.number, version.build_flavor, body.tagline]).to.deep.equal([
              '7.10.2',
              'unknown',
              'You Know, for Search',
            ])
          } else if (spec.compat) {
            expect(version.number).to.equal('7.10.2')
            expect(version).not.to.have.property('distribution')
            expect(version).not.to.have.property('build_flavor')
            expect(body.tagline).to.equal('The OpenSearch Project: https://opensearch.org/')
          } else {
            expect([version.number, version.distribution]).to.deep.equal([
              engine.version,
              'opensearch',
            ])
            expect(version).not.to.have.property('build_flavor')
          }
        } finally {
          await client.close()
        }
      })
    })
  }
})
