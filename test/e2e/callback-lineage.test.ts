import { expect } from 'chai'
import { Readable } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import {
  AwsCredentialsError,
  AwsSigV4ConfigurationError,
  AwsSigV4RequestError,
} from '../../lib/errors'
import { startEmulator } from '../../lib/testing'
import type { Emulator, Engine } from '../../lib/testing'
import { CALLBACK_VARIANTS } from '../support/client-variants'
import { emulatorPerSuite } from '../support/emulator-suite'
import type { CallbackClient, CallbackVariant } from '../support/client-variants'
import { TRICKY_IDS } from '../support/tricky-ids'
import { rotatingProvider } from '../support/rotating-provider'

/**
 * The callback lineage — @elastic/elasticsearch 7.17 and 7.13.0, the OpenSearch client 3.x and
 * 2.x — against the endpoint that rebuilds every signature from what arrived on the wire: the
 * 7.x clients against Amazon's Elasticsearch 7.10 and against OpenSearch in compatibility
 * mode, the OpenSearch clients against OpenSearch 2.x.
 */

const CREDS = {
  accessKeyId: 'AKIDCALLBACKMATRIX',
  secretAccessKey: 'callback/matrix+secret=key',
  sessionToken: 'FwoGZXIvYXdzECALLBACK//token+/=',
}
const REGION = 'eu-west-1'

/** With `..`, which must stay an id, not the parent path. */
const IDS = [...TRICKY_IDS, '..']

const ENGINE_VERSION: Record<Engine, string> = {
  elasticsearch7: '7.10.2',
  'opensearch-compat': '7.10.2',
  opensearch: '2.19.6',
  elasticsearch8: '8.15.0',
}

const runs: Array<[CallbackVariant, Engine]> = CALLBACK_VARIANTS.flatMap((variant) =>
  variant.engine === 'opensearch'
    ? [[variant, 'opensearch'] as [CallbackVariant, Engine]]
    : [
        [variant, 'elasticsearch7'] as [CallbackVariant, Engine],
        [variant, 'opensearch-compat'] as [CallbackVariant, Engine],
      ],
)

function expectAllVerified(emu: Emulator): void {
  const failed = emu.verdicts.filter((v) => !v.ok)
  expect(failed, JSON.stringify(failed, null, 2)).to.have.length(0)
}

/** The error a call fails with (the test fails if it succeeds). */
async function failure(
  call: PromiseLike<unknown>,
): Promise<Error & { meta?: Record<string, unknown> }> {
  try {
    await call
  } catch (err) {
    return err as Error & { meta?: Record<string, unknown> }
  }
  throw new Error('expected the call to fail')
}

for (const [variant, engine] of runs) {
  describe(`e2e ${variant.name} against the verifying endpoint (${engine})`, function () {
    this.timeout(60_000)
    let emu: Emulator
    let client: CallbackClient
    const others: CallbackClient[] = []
    const make = (options: object = {}, extra: object = {}, node?: string): CallbackClient => {
      const made = variant.make(
        node ?? emu.url,
        { region: REGION, credentials: CREDS, ...options },
        extra,
      )
      others.push(made)
      return made
    }

    before(async () => {
      emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es', engine })
      client = variant.make(emu.url, { region: REGION, credentials: CREDS })
    })
    after(async () => {
      await client.close()
      for (const c of others) await c.close()
      await emu.close()
    })
    afterEach(() => emu.clearVerdicts())

    it("info shows the engine's own version; indices.create / exists", async () => {
      const info = await client.info()
      expect(info.body.version.number).to.equal(ENGINE_VERSION[engine])
      if (engine === 'elasticsearch7') expect(info.body.version.build_flavor).to.equal('oss')
      await client.indices.create({ index: 'events' })
      expect((await client.indices.exists({ index: 'events' })).body).to.equal(true)
      expect((await client.indices.exists({ index: 'nope' })).body).to.equal(false)
      expectAllVerified(emu)
    })

    it('index and get back ids with reserved and unicode characters; update; delete', async () => {
      for (const id of IDS) {
        await client.index({ index: 'events', id, body: { msg: `hello ${id}` } })
        const doc = await client.get({ index: 'events', id })
        expect(doc.body._id).to.equal(id)
        expect(doc.body._source.msg).to.equal(`hello ${id}`)
      }
      await client.update({ index: 'events', id: 'a/b c', body: { doc: { extra: 1 } } })
      expect((await client.get({ index: 'events', id: 'a/b c' })).body._source.extra).to.equal(1)
      await client.delete({ index: 'events', id: 'plus+sign' })
      expect((await client.exists({ index: 'events', id: 'plus+sign' })).body).to.equal(false)
      expect(emu.store.getDocument('events', 'é')).to.not.equal(undefined)
      expectAllVerified(emu)
    })

    it('404s: get, delete and indices.get of what does not exist', async () => {
      const get = await failure(client.get({ index: 'events', id: 'missing' }))
      expect([get.name, get.meta?.statusCode]).to.deep.equal(['ResponseError', 404])
      expect((get.meta?.body as { found?: boolean }).found).to.equal(false)
      const del = await failure(client.delete({ index: 'events', id: 'missing' }))
      expect(del.meta?.statusCode).to.equal(404)
      const idx = await failure(client.indices.get({ index: 'no-such-index' }))
      expect(idx.meta?.statusCode).to.equal(404)
      expectAllVerified(emu)
    })

    it('search with q= full of reserved characters, with a body, and count', async () => {
      await client.indices.refresh({ index: 'events' })
      const q = await client.search({ index: 'events', q: 'msg:"hello a/b c"' })
      expect(q.body.hits.hits.map((h: { _id: string }) => h._id)).to.include('a/b c')
      await client.search({ index: 'events-*', q: `msg:(hel* OR "x + & = : ( ) !") !y 'z' +hello` })
      const body = await client.search({
        index: 'events,other*',
        body: { query: { match: { msg: 'hello' } }, size: 100 },
      })
      expect(body.body.hits.hits.length).to.equal(IDS.length - 1)
      expect((await client.count({ index: 'events' })).body.count).to.equal(IDS.length - 1)
      expectAllVerified(emu)
    })

    it('helpers.bulk: every document counted at the server', async () => {
      const result = await client.helpers.bulk({
        datasource: Array.from({ length: 500 }, (_, i) => ({
          n: i,
          text: `doc ${i} ${IDS[i % IDS.length]}`,
        })),
        onDocument: (doc: { n: number }) => ({
          index: { _index: 'bulk', _id: `h-${doc.n}-${IDS[doc.n % IDS.length]}` },
        }),
        flushBytes: 10_000,
        refreshOnCompletion: true,
      })
      expect([result.failed, result.successful]).to.deep.equal([0, 500])
      expect(emu.store.documentCount('bulk')).to.equal(500)
      expectAllVerified(emu)
    })

    it('a stream body, gzip bodies (compression) and a gzip stream: the bytes sent are signed', async () => {
      await client.transport.request({
        method: 'POST',
        path: '/_bulk',
        bulkBody: Readable.from(['{"index":{"_index":"streamed","_id":"s 1"}}\n{"a":1}\n']),
      })
      const gz = make({}, { compression: 'gzip' })
      await gz.index({ index: 'gz', id: 'z 1', body: { big: 'x'.repeat(5000) }, refresh: true })
      await gz.transport.request({
        method: 'PUT',
        path: '/gz/_doc/z%202',
        body: Readable.from([Buffer.from('{"streamed":true}')]),
      })
      expect(emu.store.documentCount('streamed')).to.equal(1)
      expect(emu.store.getDocument('gz', 'z 2')).to.not.equal(undefined)
      expectAllVerified(emu)
    })

    it("the pool's resurrect ping (HEAD / without headers) is signed; the connection's headers stay", async () => {
      const connection = client.connectionPool.connections[0] as unknown as {
        headers: Record<string, unknown>
        request(p: object, cb: (err: Error | null, res: IncomingMessage | null) => void): unknown
      }
      const before = { ...connection.headers }
      const status = await new Promise<number | undefined>((resolve, reject) =>
        connection.request({ method: 'HEAD', path: '/', timeout: 5000 }, (err, res) => {
          if (err) return reject(err)
          res?.resume()
          resolve(res?.statusCode)
        }),
      )
      expect(status).to.equal(200)
      expect(connection.headers).to.deep.equal(before)
      expectAllVerified(emu)
    })

    it('a node URL with a path prefix signs the prefixed path', async () => {
      const prefixed = make({}, {}, `${emu.url}/es/`)
      await prefixed.info().catch(() => undefined)
      expect(emu.verdicts.at(-1)?.path).to.equal('/es/')
      expect(emu.verdicts.at(-1)?.ok).to.equal(true)
    })

    it("abort before send: the client's own RequestAbortedError, and nothing reaches the server", async () => {
      let release: () => void = () => {}
      const slow = make({
        credentials: () =>
          new Promise((resolve) => {
            release = () => resolve(CREDS)
          }),
      })
      const request = slow.info()
      setTimeout(() => request.abort(), 20)
      const err = await failure(request)
      release()
      expect(err).to.be.instanceOf(variant.module.errors.RequestAbortedError)
      expect(emu.verdicts).to.have.length(0)
    })

    it("abort while a stream body is buffered: the client's RequestAbortedError, nothing sent", async () => {
      // A 7.14+ client's product check goes first: done before the stream request is started.
      await client.indices.exists({ index: 'events' })
      emu.clearVerdicts()
      const body = new Readable({ read() {} })
      body.push('{"index":{"_index":"never"}}\n')
      const request = client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: body })
      setTimeout(() => request.abort(), 50)
      const err = await failure(request)
      expect(err).to.be.instanceOf(variant.module.errors.RequestAbortedError)
      expect(body.destroyed).to.equal(true)
      expect(emu.verdicts).to.have.length(0)
    })

    it("abort in flight: the client's RequestAbortedError; the request reached the server", async () => {
      // Aborted once the server holds the request (not after a fixed delay, which a busy
      // machine can reach before the request has arrived), while its answer is held back.
      let abort: () => void = () => {}
      const unhook = emu.onRequest(() => {
        setImmediate(() => abort())
        return { delayMs: 300 }
      })
      try {
        const request = client.info()
        abort = () => request.abort()
        const err = await failure(request)
        expect(err).to.be.instanceOf(variant.module.errors.RequestAbortedError)
      } finally {
        unhook()
      }
      expect(emu.verdicts).to.have.length(1)
    })

    it("signature mismatch: AWS's 403, with what we signed beside it (sigv4_debug), token redacted", async () => {
      const wrong = make({ credentials: { ...CREDS, secretAccessKey: 'not-the-secret' } })
      const err = await failure(wrong.info())
      expect([err.name, err.meta?.statusCode]).to.deep.equal(['ResponseError', 403])
      const body = err.meta?.body as {
        message: string
        sigv4_debug: { canonicalRequest: string; stringToSign: string }
      }
      expect(body.message).to.match(/The request signature we calculated does not match/)
      expect(body.sigv4_debug.canonicalRequest).to.match(/^GET\n\/\n/)
      expect(body.sigv4_debug.canonicalRequest).to.include(
        'x-amz-security-token:<redacted session token>',
      )
      expect(JSON.stringify(err.meta)).not.to.include(CREDS.sessionToken)
      expect(emu.verdicts.map((v) => v.reason)).to.deep.equal(['signature-mismatch'])
    })

    it("the client's auth option is refused when the client is created", () => {
      const auth =
        variant.product === 'opensearch'
          ? { credentials: CREDS, region: REGION, service: 'es' }
          : { username: 'u', password: 'p' }
      expect(() => make({}, { auth })).to.throw(AwsSigV4ConfigurationError, /auth/)
    })

    it('credential failures reach the caller as AwsCredentialsError, retried as connection errors', async () => {
      let calls = 0
      const failing = make(
        {
          credentials: async () => {
            calls += 1
            throw new Error('provider down')
          },
        },
        { maxRetries: 2 },
      )
      const err = await failure(failing.info())
      expect(err).to.be.instanceOf(AwsCredentialsError)
      expect(err.name).to.equal('ConnectionError')
      expect(calls).to.equal(3)
      expect(emu.verdicts).to.have.length(0)
    })

    it('a request that cannot be signed: AwsSigV4RequestError, nothing sent (streams not retried)', async () => {
      const capped = make({ maxBodyBytes: 8 }, { maxRetries: 2 })
      const stream = await failure(
        capped.transport.request({
          method: 'POST',
          path: '/_bulk',
          bulkBody: Readable.from(['{"index":{"_index":"x"}}\n', '{"n":1}\n']),
        }),
      )
      expect(stream).to.be.instanceOf(AwsSigV4RequestError)
      expect((stream.meta as { meta: { attempts: number } }).meta.attempts).to.equal(0)
      const proto = await failure(
        capped.transport.request({ method: 'GET', path: '/_search', querystring: '__proto__=1' }),
      )
      expect(proto).to.be.instanceOf(AwsSigV4RequestError)
      // Any error not named RequestAbortedError is retried by the 7.x transport.
      expect((proto.meta as { meta: { attempts: number } }).meta.attempts).to.equal(2)
      // Only a 7.14+ client's product check, sent before its first request, reached the server.
      expect(emu.verdicts.map((v) => `${v.method} ${v.path}`)).to.deep.equal(
        variant.productCheck ? ['GET /'] : [],
      )
    })
  })
}

for (const variant of CALLBACK_VARIANTS) {
  describe(`e2e ${variant.name}: compressed answers (suggestCompression, a server that gzips)`, function () {
    this.timeout(30_000)
    let emu: Emulator
    let wrong: Emulator
    const compressed = { suggestCompression: true }

    before(async () => {
      const options = {
        region: REGION,
        service: 'es',
        engine: variant.engine,
        compressResponses: true,
      }
      emu = await startEmulator({ credentials: CREDS, ...options })
      wrong = await startEmulator({
        credentials: { ...CREDS, secretAccessKey: 'another' },
        ...options,
      })
    })
    after(async () => {
      await emu.close()
      await wrong.close()
    })

    it('a gzipped mismatch 403: AWS message, sigv4_debug, the token redacted', async () => {
      const client = variant.make(wrong.url, { region: REGION, credentials: CREDS }, compressed)
      const err = await failure(client.info())
      await client.close()
      expect(err.meta?.statusCode).to.equal(403)
      const body = err.meta?.body as { message: string; sigv4_debug?: { canonicalRequest: string } }
      expect(body.message).to.match(/^The request signature we calculated does not match/)
      expect(body.sigv4_debug?.canonicalRequest).to.include(
        'x-amz-security-token:<redacted session token>',
      )
      expect(JSON.stringify(err.meta)).not.to.include(CREDS.sessionToken)
    })

    it('a gzipped expired-token 403 is recognised: fresh credentials, one retry, success', async () => {
      let calls = 0
      const client = variant.make(
        emu.url,
        {
          region: REGION,
          credentials: async () => {
            calls += 1
            const key = { ...CREDS, accessKeyId: `AKIDGZIP${calls}` }
            emu.addCredentials(key)
            return key
          },
        },
        compressed,
      )
      await client.index({ index: 'gz', id: '1', body: { a: 1 }, refresh: true })
      emu.revoke('AKIDGZIP1')
      emu.clearVerdicts()
      const res = await client.get({ index: 'gz', id: '1' })
      await client.close()
      expect(res.body._source).to.deep.equal({ a: 1 })
      expect(calls).to.equal(2)
      expect(emu.verdicts.map((v) => [v.status, v.reason])).to.deep.equal([
        [403, 'revoked'],
        [200, 'ok'],
      ])
    })

    if (variant.productCheck) {
      it("a gzipped answer to the product check is decoded and adapted; client.info() stays the engine's", async () => {
        const client = variant.make(emu.url, { region: REGION, credentials: CREDS }, compressed)
        await client.indices.create({ index: 'gz-checked' })
        expect((await client.info()).body.version.build_flavor).to.equal('oss')
        await client.close()
      })
    }
  })
}

for (const variant of CALLBACK_VARIANTS) {
  describe(`e2e ${variant.name}: OpenSearch Serverless and its bare 403s`, function () {
    this.timeout(30_000)
    const suite = emulatorPerSuite({ credentials: [], region: REGION, service: 'aoss' })
    const make = (credentials: () => Promise<typeof CREDS>): CallbackClient =>
      suite.track(variant.make(suite.emu.url, { region: REGION, service: 'aoss', credentials }))

    it('a key revoked under 50 concurrent requests: one refetch, each retried once, all succeed', async () => {
      const p = rotatingProvider(suite.emu, `AOSSREV${variant.name.replace(/\W/g, '')}`)
      const client = make(p.provider)
      await client.index({ index: 'rev', id: 'warm', body: { i: 0 } })
      suite.emu.revoke(p.keys[0])
      suite.emu.clearVerdicts()
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          client.index({ index: 'rev', id: `d-${i}`, body: { i } }),
        ),
      )
      expect(results.filter((r) => r.status === 'rejected')).to.have.length(0)
      expect(p.keys).to.have.length(2)
      expect(suite.emu.verdicts.filter((v) => !v.ok)).to.have.length(50)
      // No GET / on Serverless, not even for a 7.14+ client's product check.
      expect(suite.emu.verdicts.filter((v) => v.path === '/')).to.have.length(0)
    })

    it('a clock 15 minutes behind: learned from the first bare 403, none after, no refetch', async () => {
      const p = rotatingProvider(suite.emu, `AOSSSKEW${variant.name.replace(/\W/g, '')}`)
      const client = make(p.provider)
      suite.emu.setClockSkew(15 * 60_000)
      await client.index({ index: 'skew', id: 'first', body: { n: 0 } })
      expect(suite.emu.verdicts.map((v) => [v.status, v.reason])).to.deep.equal([
        [403, 'expired'],
        [201, 'ok'],
      ])
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.index({ index: 'skew', id: `d-${i}`, body: { i } }),
        ),
      )
      expect(suite.emu.verdicts.filter((v) => !v.ok)).to.have.length(1)
      expect(p.keys).to.have.length(1)
    })
  })
}
