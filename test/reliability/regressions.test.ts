import { expect } from 'chai'
import { inspect } from 'node:util'
import { Client, UndiciConnection } from '@elastic/elasticsearch'
import type { ConnectionRequestOptions, ConnectionRequestParams } from '@elastic/elasticsearch'
import { startEmulator } from '../../lib/testing'
import type { Emulator, FaultContext } from '../../lib/testing'
import { createAwsSigV4Connection } from '../../lib'
import { AwsSigV4RequestError } from '../../lib/errors'
import { CREDS, REGION, describeVerdicts, signedClient, withoutNock } from './support'
import type { BaseName } from './support'

/**
 * One test per bug the reliability tests found, each failing without its fix. Run on every
 * base connection, since each builds requests its own way.
 */
describe('reliability: regressions found by fuzzing and fault tests', function () {
  this.timeout(30_000)
  withoutNock()
  let emu: Emulator
  const arrived: FaultContext[] = []
  before(async () => {
    emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
    emu.onRequest((ctx) => {
      arrived.push(ctx)
      if (ctx.headers['x-slow']) return { delayMs: 500 }
      return ctx.headers['x-echo'] ? { status: 200, body: { ok: true } } : undefined
    })
  })
  after(() => emu.close())
  afterEach(() => {
    const bad = emu.verdicts.filter((v) => !v.ok)
    expect(bad, describeVerdicts(bad)).to.have.length(0)
    emu.clearVerdicts()
    arrived.length = 0
  })

  const bases: BaseName[] = ['undici-9', 'http-9', 'undici-8', 'http-8']

  for (const base of bases) {
    it(`${base}: query parameters named like Object.prototype members arrive unchanged`, async () => {
      const client = signedClient(emu.url, base, {}, { maxRetries: 0 })
      try {
        await client.transport.request(
          {
            method: 'GET',
            path: '/',
            querystring: { valueOf: '', toString: 'a', constructor: 'b', hasOwnProperty: 'c' },
          },
          { headers: { 'x-echo': '1' } },
        )
        // In the order the client serialised them (the wire keeps the caller's order, #23).
        expect([...new URLSearchParams(arrived[0].query)]).to.deep.equal([
          ['valueOf', ''],
          ['toString', 'a'],
          ['constructor', 'b'],
          ['hasOwnProperty', 'c'],
        ])
      } finally {
        await client.close()
      }
    })
  }

  for (const base of bases) {
    it(`${base}: ids "." and ".." are signed verifiably and never resolved as dot segments`, async () => {
      const client = signedClient(emu.url, base, {}, { maxRetries: 0 })
      try {
        for (const id of ['.', '..']) {
          await client.index({ index: 'dots', id, document: { id } })
          const got = await client.get({ index: 'dots', id })
          expect(got._source).to.deep.equal({ id })
        }
        expect(emu.store.getDocument('dots', '..')).to.deep.equal({ id: '..' })
        // On the wire the segment is %2E%2E: no server or proxy can resolve it to /dots.
        expect(emu.verdicts.map((v) => v.path)).to.include('/dots/_doc/%2E%2E')
      } finally {
        await client.close()
      }
    })
  }

  for (const base of bases) {
    it(`${base}: client default headers with capitalised names go out once and verify`, async () => {
      const client = signedClient(
        emu.url,
        base,
        {},
        {
          maxRetries: 0,
          headers: {
            'Content-Type': 'application/json',
            'X-Custom': 'a',
            Authorization: 'Basic dTpw',
            Host: 'evil.example.com',
          },
        },
      )
      try {
        await client.index({ index: 'hdr', id: '1', document: { a: 1 } })
        expect(emu.verdicts.at(-1)?.ok).to.equal(true)
        expect(arrived[0].headers['x-custom']).to.equal('a')
        expect(arrived[0].headers['content-type']).to.equal('application/json')
        expect(arrived[0].headers.authorization).to.match(/^AWS4-HMAC-SHA256 /)
      } finally {
        await client.close()
      }
    })
  }

  it('the signed request handed to the base connection inspects and serialises without secrets', async () => {
    // UndiciConnection and HttpConnection (8.x and 9.x) log exactly this object with
    // debug('Starting a new request', params) when DEBUG=elasticsearch is set.
    const handed: ConnectionRequestParams[] = []
    class Recording extends UndiciConnection {
      // @ts-expect-error narrowing the overloads is fine for this test double
      override async request(params: ConnectionRequestParams, options: ConnectionRequestOptions) {
        handed.push(params)
        return super.request(params, options as never)
      }
    }
    const recording = new Client({
      node: emu.url,
      Connection: createAwsSigV4Connection({
        region: REGION,
        credentials: CREDS,
        baseConnection: Recording as typeof UndiciConnection,
      }),
    })
    try {
      await recording.index({ index: 'insp', id: '1', document: { a: 1 } })
      const headers = handed[0].headers as Record<string, string>
      const signature = /Signature=([0-9a-f]{64})$/.exec(headers.authorization)![1]
      expect(headers['x-amz-security-token']).to.equal(CREDS.sessionToken)
      for (const shown of [
        inspect(handed[0], { depth: null }),
        inspect(handed[0].headers),
        JSON.stringify(handed[0]),
        JSON.stringify(handed[0].headers),
      ]) {
        expect(shown).not.to.include(CREDS.sessionToken)
        expect(shown).not.to.include(signature)
        expect(shown).to.include('Credential=AKIDRELIABILITY/')
      }
    } finally {
      await recording.close()
    }
  })

  for (const debugSignatureMismatch of [true, false]) {
    it(`AWS's echo of the canonical request in a 403 has the session token redacted (debugSignatureMismatch: ${debugSignatureMismatch})`, async () => {
      // Same key id and token, another secret: AWS answers "signature does not match" and
      // quotes the canonical request it expected, x-amz-security-token line included.
      const other = await startEmulator({
        credentials: { ...CREDS, secretAccessKey: 'another-secret' },
        region: REGION,
        service: 'es',
      })
      const client = signedClient(
        other.url,
        'undici-9',
        { debugSignatureMismatch },
        { maxRetries: 0 },
      )
      try {
        const err = (await client.info().catch((e: unknown) => e)) as Error & {
          meta: { statusCode: number; body: unknown }
        }
        expect(err.name).to.equal('ResponseError')
        expect(err.meta.statusCode).to.equal(403)
        expect(err.message).to.include('The Canonical String for this request should have been')
        expect(err.message).to.include('x-amz-security-token:<redacted session token>')
        for (const shown of [
          err.message,
          JSON.stringify(err.meta.body),
          inspect(err, { depth: null }),
        ]) {
          expect(shown).not.to.include(CREDS.sessionToken)
        }
      } finally {
        await client.close()
        await other.close()
      }
    })
  }

  for (const base of ['http-9', 'http-8'] as BaseName[]) {
    it(`${base}: error metadata under the default redaction does not reach the http.Agent's raw requests`, async () => {
      // The default redaction copies the connection into err.meta through its enumerable
      // properties; HttpConnection's `agent` led to each in-flight request's raw header block.
      const client = signedClient(emu.url, base, {}, { maxRetries: 0, requestTimeout: 100 })
      try {
        const err = (await client
          .info({}, { headers: { 'x-slow': '1' } })
          .catch((e: unknown) => e)) as Error & { meta: unknown }
        expect(err.name).to.equal('TimeoutError')
        for (const shown of [inspect(err, { depth: null }), inspect(err.meta, { depth: null })]) {
          expect(shown).not.to.include(CREDS.sessionToken)
          expect(shown).not.to.match(/Signature=[0-9a-f]{64}/)
        }
        expect(
          typeof (client.connectionPool.connections[0] as unknown as { agent: unknown }).agent,
        ).to.equal('object')
      } finally {
        await client.close()
      }
    })
  }

  it('a query parameter named __proto__ fails clearly and nothing is sent', async () => {
    const client = signedClient(emu.url, 'undici-9', {}, { maxRetries: 0 })
    try {
      const err = await client.transport
        .request({ method: 'GET', path: '/', querystring: '__proto__=x&a=1' })
        .catch((e: unknown) => e)
      expect(err).to.be.instanceOf(AwsSigV4RequestError)
      expect((err as Error).message).to.include('__proto__')
      expect(emu.verdicts).to.have.length(0)
    } finally {
      await client.close()
    }
  })
})
