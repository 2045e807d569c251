import { expect } from 'chai'
import { inspect } from 'node:util'
import { gzipSync } from 'node:zlib'
import { Readable } from 'node:stream'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { createAwsSigV4Connection } from '../../lib'
import { sendableCopy } from '../../lib/connection/callback-connection'
import type { Abortable, ConnectionCallback } from '../../lib/connection/callback-connection'
import { AwsSigV4AbortError, AwsSigV4UnsupportedEngineError } from '../../lib/errors'
import { CredentialCache } from '../../lib/credentials/cache'
import { RequestSigner } from '../../lib/exchange/request-signer'
import { NodeSha256 } from '../../lib/sigv4/sha256'
import { resolveNodeOptions, resolveOptions } from '../../lib/connection/options'
import type { ConnectionContext } from '../../lib/exchange/types'
import { MAX_READ_BYTES } from '../../lib/exchange/responses'
import { installFakeClock } from '../support/fake-clock'

const CREDS = {
  accessKeyId: 'AKIDCALLBACK',
  secretAccessKey: 'callback/secret+key',
  sessionToken: 'callback-session-token',
}
const EXPIRED = JSON.stringify({ message: 'The security token included in the request is expired' })

/** A response as the base connection calls back with it: a byte stream with status and headers. */
function incoming(statusCode: number, body: string | Buffer, headers: IncomingHttpHeaders = {}) {
  const res = new Readable({ read() {} }) as Readable & {
    statusCode: number
    headers: IncomingHttpHeaders
  }
  res.push(body)
  res.push(null)
  return Object.assign(res, {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
  }) as unknown as IncomingMessage
}

/**
 * A callback-lineage base (it has node roles, no `diagnostic`) that answers from a script and
 * records what it was handed, as the 7.x `Connection` would be.
 */
function scriptedBase(answers: Array<IncomingMessage | Error | 'throw'>) {
  const sent: Array<Record<string, unknown>> = []
  const aborts = { count: 0 }
  class ScriptedConnection {
    url: URL
    headers: IncomingHttpHeaders = {}
    _openRequests = 0
    constructor(opts: { url: URL }) {
      this.url = opts.url
    }
    setRole(): this {
      return this
    }
    request(params: Record<string, unknown>, callback: ConnectionCallback): Abortable {
      this._openRequests++
      sent.push(params)
      const answer = answers.shift()
      if (answer === 'throw') throw new TypeError('Invalid character in header content')
      process.nextTick(() => {
        this._openRequests--
        if (answer instanceof Error) callback(answer, null)
        else callback(null, answer ?? incoming(200, '{}'))
      })
      return {
        abort() {
          aborts.count++
        },
      }
    }
  }
  return { Base: ScriptedConnection, sent, aborts }
}

function connect(
  Base: new (opts: { url: URL }) => object,
  credentials: ConstructorParameters<typeof CredentialCache>[0] = CREDS,
) {
  const Signed = createAwsSigV4Connection({
    region: 'eu-west-1',
    credentials,
    baseConnection: Base,
  }) as unknown as new (opts: { url: URL }) => {
    _openRequests: number
    request(params: Record<string, unknown>, callback: ConnectionCallback): Abortable
  }
  return new Signed({ url: new URL('http://localhost:9200') })
}

function call(
  connection: ReturnType<typeof connect>,
  params: Record<string, unknown>,
): Promise<{ err: Error | null; res: IncomingMessage | null }> {
  return new Promise((resolve) => {
    connection.request(params, (err, res) => resolve({ err, res }))
  })
}

function text(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let out = ''
    res.setEncoding('utf8')
    res.on('data', (c: string) => (out += c))
    res.on('end', () => resolve(out))
  })
}

describe('callback-connection: what the base connection is handed', () => {
  const url = new URL('http://localhost:9200')
  const config = resolveOptions({ region: 'eu-west-1', credentials: CREDS })
  const context: ConnectionContext = { ...resolveNodeOptions(config, url), url, headers: {} }
  const signer = new RequestSigner({
    credentials: new CredentialCache(CREDS),
    sha256: NodeSha256,
    maxBodyBytes: 1024,
    now: () => new Date(),
  })

  it('the signed fields, every other key of the params, but never auth; params untouched', async () => {
    const params = {
      method: 'POST',
      path: '/idx/_search',
      querystring: 'q=a b',
      headers: { 'content-type': 'application/json', 'x-opaque-id': 'o' },
      body: '{"query":{}}',
      timeout: 30000,
      asStream: true,
      bulkBody: undefined,
      auth: { credentials: CREDS },
    }
    const before = structuredClone(params)
    const signed = await signer.sign(params, context)
    const copy = sendableCopy(params, signed)
    expect(Object.keys(copy).sort()).to.deep.equal(
      [
        'asStream',
        'body',
        'bulkBody',
        'headers',
        'method',
        'path',
        'querystring',
        'timeout',
      ].sort(),
    )
    expect(copy).to.include({ timeout: 30000, asStream: true, querystring: 'q=a%20b' })
    expect((copy.headers as Record<string, string>).authorization).to.match(/^AWS4-HMAC-SHA256 /)
    expect(params).to.deep.equal(before)
  })

  it('a params key named __proto__ is never copied (it would set the prototype)', async () => {
    const params = JSON.parse('{"method":"GET","path":"/","__proto__":{"polluted":true}}')
    const copy = sendableCopy(params, await signer.sign(params, context))
    expect((copy as { polluted?: unknown }).polluted).to.equal(undefined)
  })

  it('shows the token and signature redacted when the base logs it (DEBUG=elasticsearch)', async () => {
    const params = { method: 'GET', path: '/', timeout: 1000 }
    const signed = await signer.sign(params, context)
    const shown = inspect(sendableCopy(params, signed), { depth: null })
    expect(shown).to.include('Signature=<redacted>')
    expect(shown).to.include('timeout: 1000')
    expect(shown).not.to.include(CREDS.sessionToken)
    expect(JSON.stringify(sendableCopy(params, signed))).not.to.include(CREDS.sessionToken)
  })
})

describe('callback-connection: one exchange per request, through the base callback', () => {
  it('passes a response nobody must read through as it came, unread (a 404)', async () => {
    const notFound = incoming(404, '{"found":false}')
    const { Base } = scriptedBase([notFound])
    const { err, res } = await call(connect(Base), { method: 'GET', path: '/i/_doc/x' })
    expect(err).to.equal(null)
    expect(res).to.equal(notFound)
    expect(await text(res!)).to.equal('{"found":false}')
  })

  it("abort after the response was handed on reaches the base's request (the read stops, as on the base)", async () => {
    const { Base, aborts } = scriptedBase([incoming(200, '{"big":true}')])
    const connection = connect(Base)
    let handle: Abortable | undefined
    const res = await new Promise<IncomingMessage | null>((resolve) => {
      handle = connection.request({ method: 'GET', path: '/big' }, (_err, r) => resolve(r))
    })
    expect(res?.statusCode).to.equal(200)
    handle?.abort()
    expect(aborts.count).to.equal(1)
  })

  it('reads a 403, recognises the expired token, and retries once re-signed with new credentials', async () => {
    const { Base, sent } = scriptedBase([
      incoming(403, EXPIRED),
      incoming(201, '{"result":"created"}'),
    ])
    let calls = 0
    const connection = connect(Base, async () => {
      calls += 1
      return { ...CREDS, accessKeyId: `AKIDCALLBACK${calls}` }
    })
    const { err, res } = await call(connection, { method: 'PUT', path: '/i/_doc/1', body: '{}' })
    expect(err).to.equal(null)
    expect(res?.statusCode).to.equal(201)
    expect(await text(res!)).to.equal('{"result":"created"}')
    expect(calls).to.equal(2)
    expect(
      sent.map(
        (p) =>
          /Credential=(\w+)\//.exec(
            String((p.headers as Record<string, string>).authorization),
          )?.[1],
      ),
    ).to.deep.equal(['AKIDCALLBACK1', 'AKIDCALLBACK2'])
  })

  it('hands a 403 it read on as a stand-in with the same status and body', async () => {
    const denied = JSON.stringify({ message: 'User: arn:aws:iam::1:user/x is not authorized' })
    const { Base } = scriptedBase([incoming(403, denied)])
    const { res } = await call(connect(Base), { method: 'GET', path: '/', body: null })
    expect(res?.statusCode).to.equal(403)
    expect(res?.headers['content-length']).to.equal(String(denied.length))
    expect(await text(res!)).to.equal(denied)
  })

  it('a synchronous throw of the base is called back, and its open-request count restored', async () => {
    const { Base } = scriptedBase(['throw'])
    const connection = connect(Base)
    const { err } = await call(connection, { method: 'GET', path: '/' })
    expect(err).to.be.instanceOf(TypeError)
    expect(connection._openRequests).to.equal(0)
  })

  it('aborted while credentials are fetched: a RequestAbortedError, the base never called, one callback', async () => {
    const { Base, sent } = scriptedBase([])
    let release: () => void = () => {}
    const connection = connect(
      Base,
      () =>
        new Promise((resolve) => {
          release = () => resolve(CREDS)
        }),
    )
    const calls: Array<Error | null> = []
    const handle = connection.request({ method: 'GET', path: '/' }, (err) => calls.push(err))
    handle.abort()
    handle.abort()
    release()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(calls).to.have.length(1)
    expect(calls[0]?.name).to.equal('RequestAbortedError')
    // Outside a client package (this scripted base), the look-alike of the same name.
    expect(calls[0]).to.be.instanceOf(AwsSigV4AbortError)
    expect(sent).to.have.length(0)
  })
})

describe('callback-connection: the product check of a 7.14+ client', () => {
  // A base outside any client package counts as a 7.14+ client (connection/lineage.ts): it gets the check.
  const PRODUCT_CHECK = { method: 'GET', path: '/', headers: {}, querystring: '' }
  const OSS = JSON.stringify({
    version: { number: '7.10.2', build_flavor: 'oss' },
    tagline: 'You Know, for Search',
  })

  it('a gzip answer (suggestCompression) is decoded, adapted, and handed on uncompressed', async () => {
    const { Base } = scriptedBase([
      incoming(200, gzipSync(Buffer.from(OSS)), { 'content-encoding': 'gzip' }),
    ])
    const { err, res } = await call(connect(Base), PRODUCT_CHECK)
    expect(err).to.equal(null)
    expect(res?.headers).not.to.have.property('content-encoding')
    expect(JSON.parse(await text(res!))).to.deep.equal({
      version: { number: '7.10.2', build_flavor: 'default' },
      tagline: 'You Know, for Search',
    })
  })

  it('client.info() (body: null) gets the same answer untouched', async () => {
    const { Base } = scriptedBase([incoming(200, OSS)])
    const { res } = await call(connect(Base), { ...PRODUCT_CHECK, body: null })
    expect(await text(res!)).to.equal(OSS)
  })

  it('OpenSearch 2.x: the error once from the answer, then from every connection of the class without sending', async () => {
    const os2 = JSON.stringify({ version: { distribution: 'opensearch', number: '2.13.0' } })
    const { Base, sent } = scriptedBase([incoming(200, os2)])
    const Signed = createAwsSigV4Connection({
      region: 'eu-west-1',
      credentials: CREDS,
      baseConnection: Base,
    }) as unknown as new (opts: { url: URL }) => ReturnType<typeof connect>
    const first = new Signed({ url: new URL('http://a:9200') })
    const second = new Signed({ url: new URL('http://b:9200') })
    const answers = [
      await call(first, PRODUCT_CHECK),
      await call(first, PRODUCT_CHECK),
      await call(second, PRODUCT_CHECK),
    ]
    for (const { err } of answers) expect(err).to.be.instanceOf(AwsSigV4UnsupportedEngineError)
    expect(sent).to.have.length(1)
    // Any other request is sent as usual.
    await call(second, { method: 'GET', path: '/_cat/indices' })
    expect(sent).to.have.length(2)
  })
})

describe('callback-connection: what it reads of a response is bounded', () => {
  it('a 403 that declares more than MAX_READ_BYTES is handed on unread, for the client to refuse', async () => {
    const huge = incoming(403, 'x', { 'content-length': String(MAX_READ_BYTES + 1) })
    const { Base } = scriptedBase([huge])
    const { err, res } = await call(connect(Base), { method: 'GET', path: '/i/_search' })
    expect(err).to.equal(null)
    expect(res).to.equal(huge)
  })

  it("a 403 body still arriving when the request's timeout is up: TimeoutError, counted from the send", async () => {
    const trickle = new Readable({ read() {} }) as Readable & {
      statusCode: number
      headers: IncomingHttpHeaders
    }
    trickle.push('{"message":')
    Object.assign(trickle, { statusCode: 403, headers: { 'content-type': 'application/json' } })
    const { Base: Scripted } = scriptedBase([trickle as unknown as IncomingMessage])
    // The headers come 500 ms after the send; 1,500 ms are left to read the body in.
    class Slow extends Scripted {
      override request(params: Record<string, unknown>, callback: ConnectionCallback): Abortable {
        return super.request(params, (err, res) => setTimeout(() => callback(err, res), 500))
      }
    }
    const clock = installFakeClock()
    try {
      const settled: Array<Error | null> = []
      connect(Slow).request({ method: 'GET', path: '/', timeout: 2000 }, (err) => settled.push(err))
      await clock.tickAsync(500)
      await new Promise((resolve) => setImmediate(resolve))
      await clock.tickAsync(1499)
      expect(settled).to.deep.equal([])
      await clock.tickAsync(1)
      expect(settled).to.have.length(1)
      expect(settled[0]?.name).to.equal('TimeoutError')
      expect(trickle.destroyed).to.equal(true)
    } finally {
      clock.uninstall()
    }
  })
})
