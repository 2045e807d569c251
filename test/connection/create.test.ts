import { expect } from 'chai'
import nock from 'nock'
import { inspect } from 'node:util'
import { Readable } from 'node:stream'
import { Client, HttpConnection, errors } from '@elastic/elasticsearch'
import type {
  ConnectionOptions,
  ConnectionRequestOptions,
  ConnectionRequestParams,
} from '@elastic/elasticsearch'
import { Client as Client8, HttpConnection as HttpConnection8 } from 'es8'
import { AwsSigV4Connection, createAwsSigV4Connection } from '../../lib'
import type { AwsSigV4ConnectionOptions } from '../../lib'
import { AwsSigV4ConfigurationError, AwsSigV4RequestError } from '../../lib/errors'

const NODE = 'http://localhost:9200'
const CREDS = {
  accessKeyId: 'AKIDCONNTEST',
  secretAccessKey: 'secret-connection-test-key',
  sessionToken: 'session-token-connection-test',
}
const ES_HEADERS = { 'content-type': 'application/json' }

function signedHttp(
  extra: Omit<AwsSigV4ConnectionOptions, 'baseConnection'> = {},
): typeof HttpConnection {
  return createAwsSigV4Connection({
    region: 'eu-west-1',
    credentials: CREDS,
    ...extra,
    baseConnection: HttpConnection,
  })
}

/** Records the headers of each intercepted request. */
function recorder(): { headers: Array<Record<string, string>>; paths: string[] } {
  return { headers: [], paths: [] }
}

describe('connection: glue around the base connection (nock, HttpConnection)', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  it('signs for the configured region and service, sending plain JSON media types to es', async () => {
    const seen = recorder()
    nock(NODE)
      .put('/events/_doc/a%2Fb%20c')
      .reply(function () {
        seen.headers.push(this.req.headers as Record<string, string>)
        return [201, { result: 'created' }, ES_HEADERS]
      })
    const client = new Client({ node: NODE, Connection: signedHttp() })
    const res = await client.index({ index: 'events', id: 'a/b c', document: { msg: 'hello' } })
    expect(res.result).to.equal('created')
    const h = seen.headers[0]
    expect(h.authorization).to.match(
      /^AWS4-HMAC-SHA256 Credential=AKIDCONNTEST\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    )
    expect(h['content-type']).to.equal('application/json')
    expect(h.accept).to.equal('application/json')
    expect(h['x-amz-security-token']).to.equal(CREDS.sessionToken)
    expect(h['x-amz-content-sha256']).to.match(/^[0-9a-f]{64}$/)
  })

  it('leaves the vendor media types and the product check alone for other services', async () => {
    const seen = recorder()
    nock(NODE)
      .get('/')
      .reply(function () {
        seen.headers.push(this.req.headers as Record<string, string>)
        return [200, { version: { number: '9.0.0' } }, ES_HEADERS]
      })
    const client = new Client({ node: NODE, Connection: signedHttp({ service: 'execute-api' }) })
    const err = await client.info().catch((e: unknown) => e)
    expect(err).to.be.instanceOf(errors.ProductNotSupportedError)
    expect(seen.headers[0]['content-type']).to.match(/vnd\.elasticsearch\+json/)
    expect(seen.headers[0].authorization).to.include('/execute-api/aws4_request')
  })

  it('satisfies the product check for es responses that lack x-elastic-product', async () => {
    nock(NODE)
      .get('/')
      .reply(200, { version: { number: '2.13.0', distribution: 'opensearch' } }, ES_HEADERS)
    const client = new Client({ node: NODE, Connection: signedHttp() })
    const info = await client.info()
    expect(info.version.number).to.equal('2.13.0')
  })

  it('never modifies the params object the transport passes in', async () => {
    nock(NODE)
      .post('/i/_search')
      .query(true)
      .reply(200, { hits: { hits: [] } }, ES_HEADERS)
    const Signed = signedHttp()
    const snapshots: Array<{ before: string; after: string; params: unknown }> = []
    type Loose = new (opts: ConnectionOptions) => {
      request(p: ConnectionRequestParams, o: ConnectionRequestOptions): Promise<unknown>
    }
    class Probe extends (Signed as unknown as Loose) {
      override async request(params: ConnectionRequestParams, options: ConnectionRequestOptions) {
        const before = JSON.stringify(params)
        try {
          return await super.request(params, options)
        } finally {
          snapshots.push({ before, after: JSON.stringify(params), params })
        }
      }
    }
    const events: string[] = []
    const client = new Client({ node: NODE, Connection: Probe as unknown as typeof Signed })
    client.diagnostic.on('request', (_e, result) => events.push(inspect(result, { depth: 10 })))
    client.diagnostic.on('response', (_e, result) => events.push(inspect(result, { depth: 10 })))
    await client.search({ index: 'i', q: 'a:b', query: { match_all: {} } })
    expect(snapshots).to.have.length(1)
    expect(snapshots[0].after).to.equal(snapshots[0].before)
    expect(snapshots[0].after).not.to.match(/authorization|x-amz-/i)
    for (const e of events) {
      expect(e).not.to.include(CREDS.secretAccessKey)
      expect(e).not.to.include(CREDS.sessionToken)
      expect(e).not.to.match(/AWS4-HMAC-SHA256/)
    }
  })

  it('accepts header values set as numbers, which the smithy signer rejects', async () => {
    let seen: Record<string, string> = {}
    nock(NODE)
      .post('/x')
      .reply(function () {
        seen = this.req.headers as Record<string, string>
        return [200, {}, ES_HEADERS]
      })
    const conn = new (signedHttp())({ url: new URL(NODE) })
    const res = await conn.request(
      {
        method: 'POST',
        path: '/x',
        body: '{}',
        headers: {
          'content-length': 2,
          'x-retry': 3,
          'content-type': 'application/json',
        } as unknown as Record<string, string>,
      },
      { requestId: 1, name: 't', context: null },
    )
    expect(res.statusCode).to.equal(200)
    expect(seen['x-retry']).to.equal('3')
    expect(seen.authorization).to.include('SignedHeaders=content-type;host;')
  })

  it("sends the connection's headers as they are now, also after they were replaced", async () => {
    const seen = recorder()
    nock(NODE)
      .get('/')
      .times(2)
      .reply(function () {
        seen.headers.push(this.req.headers as Record<string, string>)
        return [200, { version: { number: '2.13.0' } }, ES_HEADERS]
      })
    const client = new Client({
      node: { url: new URL(NODE), headers: { 'x-v': '1' } },
      Connection: signedHttp(),
    })
    await client.info()
    const connection = client.connectionPool.connections[0]
    connection.headers = { ...connection.headers, 'x-v': '2' }
    await client.info()
    expect(seen.headers.map((h) => h['x-v'])).to.deep.equal(['1', '2'])
  })

  it('signs every attempt afresh when the client retries', async () => {
    const dates: string[] = []
    const record = function (this: nock.ReplyFnContext): void {
      dates.push(this.req.headers['x-amz-date'] as string)
    }
    nock(NODE)
      .get('/')
      .delay(1100)
      .reply(function () {
        record.call(this)
        return [502, 'bad gateway']
      })
      .get('/')
      .reply(function () {
        record.call(this)
        return [200, { version: { number: '2.0.0' } }, ES_HEADERS]
      })
    const client = new Client({
      node: NODE,
      Connection: signedHttp(),
      maxRetries: 1,
    })
    await client.info()
    expect(dates).to.have.length(2)
    expect(dates[1] > dates[0], `${dates[1]} after ${dates[0]}`).to.equal(true)
  })

  it('fails with RequestAbortedError and sends nothing when aborted while credentials load', async () => {
    const scope = nock(NODE).get('/').reply(200, {}, ES_HEADERS)
    const slowProvider = () =>
      new Promise<typeof CREDS>((resolve) => setTimeout(() => resolve(CREDS), 300))
    const client = new Client({ node: NODE, Connection: signedHttp({ credentials: slowProvider }) })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 30)
    const err = await client.info({}, { signal: controller.signal }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(errors.RequestAbortedError)
    expect(scope.isDone()).to.equal(false)
  })

  it('fails clearly and sends nothing for a stream body over the cap', async () => {
    const scope = nock(NODE).post('/_bulk').reply(200, { items: [] }, ES_HEADERS)
    const client = new Client({ node: NODE, Connection: signedHttp({ maxBodyBytes: 10 }) })
    const err = await client.transport
      .request({ method: 'POST', path: '/_bulk', body: Readable.from(['{"index":{}}\n{"a":1}\n']) })
      .catch((e: unknown) => e)
    expect(err).to.be.instanceOf(AwsSigV4RequestError)
    expect((err as Error).message).to.include('maxBodyBytes (10 bytes)')
    expect(scope.isDone()).to.equal(false)
  })

  it('retries once with fresh credentials when AWS says the token expired', async () => {
    let calls = 0
    const provider = async () => {
      calls++
      return {
        ...CREDS,
        accessKeyId: `AKIDROUND${calls}`,
        expiration: new Date(Date.now() + 3600_000),
      }
    }
    const keys: string[] = []
    nock(NODE)
      .get('/')
      .twice()
      .reply(function () {
        const auth = this.req.headers.authorization as string
        keys.push(/Credential=([A-Z0-9]+)\//.exec(auth)![1])
        return keys.length === 1
          ? [403, { message: 'The security token included in the request is expired' }, ES_HEADERS]
          : [200, { version: { number: '2.0.0' } }, ES_HEADERS]
      })
    const client = new Client({ node: NODE, Connection: signedHttp({ credentials: provider }) })
    await client.info()
    expect(keys).to.deep.equal(['AKIDROUND1', 'AKIDROUND2'])
  })

  it('corrects for clock skew from the Date header and keeps the offset', async () => {
    const serverNow = new Date(Date.now() + 15 * 60 * 1000)
    const dates: string[] = []
    nock(NODE)
      .get('/')
      .times(3)
      .reply(function () {
        dates.push(this.req.headers['x-amz-date'] as string)
        return dates.length === 1
          ? [
              403,
              { message: 'Signature not yet current: x is still later than y' },
              { ...ES_HEADERS, date: serverNow.toUTCString() },
            ]
          : [200, { version: { number: '2.0.0' } }, ES_HEADERS]
      })
    const client = new Client({ node: NODE, Connection: signedHttp() })
    await client.info()
    await client.info()
    const toMs = (d: string) =>
      Date.parse(d.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))
    expect(toMs(dates[1]) - toMs(dates[0])).to.be.within(14 * 60 * 1000, 16 * 60 * 1000)
    expect(toMs(dates[2]) - toMs(dates[0])).to.be.within(14 * 60 * 1000, 16 * 60 * 1000)
  })

  it('judges credential expiry by the skew-corrected clock (machine 15 min ahead)', async () => {
    const serverNow = Date.now() - 15 * 60 * 1000
    let calls = 0
    // The second credentials expire in 10 min of AWS time: already past on the machine clock.
    const provider = async () => {
      calls++
      const expiration = new Date(calls === 1 ? Date.now() + 3600_000 : serverNow + 10 * 60_000)
      return { ...CREDS, accessKeyId: `AKIDSKEW${calls}`, expiration }
    }
    const replies: Array<[number, object, Record<string, string>]> = [
      [
        403,
        { message: 'Signature expired: a is now earlier than b' },
        { date: new Date(serverNow).toUTCString() },
      ],
      [200, { version: { number: '2.0.0' } }, {}],
      [403, { message: 'The security token included in the request is expired' }, {}],
      [200, { version: { number: '2.0.0' } }, {}],
    ]
    const keys: string[] = []
    nock(NODE)
      .get('/')
      .times(4)
      .reply(function () {
        keys.push(/Credential=([A-Z0-9]+)\//.exec(this.req.headers.authorization as string)![1])
        const [status, body, headers] = replies[keys.length - 1]
        return [status, body, { ...ES_HEADERS, ...headers }]
      })
    const client = new Client({ node: NODE, Connection: signedHttp({ credentials: provider }) })
    await client.info()
    await client.info()
    expect(keys).to.deep.equal(['AKIDSKEW1', 'AKIDSKEW1', 'AKIDSKEW1', 'AKIDSKEW2'])
  })

  it("puts what was signed beside AWS's message on a signature mismatch, token redacted", async () => {
    const message =
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
    nock(NODE).get('/idx/_doc/1').reply(403, { message }, ES_HEADERS)
    const client = new Client({ node: NODE, Connection: signedHttp() })
    const err = (await client
      .get({ index: 'idx', id: '1' })
      .catch((e: unknown) => e)) as InstanceType<typeof errors.ResponseError>
    expect(err).to.be.instanceOf(errors.ResponseError)
    expect(err.message).to.include('The request signature we calculated does not match')
    const debug = (err.body as { sigv4_debug: { canonicalRequest: string; stringToSign: string } })
      .sigv4_debug
    expect(debug.canonicalRequest).to.match(/^GET\n\/idx\/_doc\/1\n\n/)
    expect(debug.canonicalRequest).to.include('x-amz-security-token:<redacted session token>')
    expect(debug.stringToSign).to.match(
      /^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/eu-west-1\/es\/aws4_request\n[0-9a-f]{64}$/,
    )
    expect(inspect(err, { depth: 10 })).not.to.include(CREDS.sessionToken)
    expect(inspect(err, { depth: 10 })).not.to.include(CREDS.secretAccessKey)
  })

  it('keeps secrets out of util.inspect and JSON of the connection and client', () => {
    const client = new Client({ node: NODE, Connection: signedHttp() })
    const conn = client.connectionPool.connections[0]
    for (const text of [
      inspect(conn, { depth: 10, showHidden: true }),
      JSON.stringify(conn),
      inspect(client, { depth: 6 }),
    ]) {
      expect(text).not.to.include(CREDS.secretAccessKey)
      expect(text).not.to.include(CREDS.sessionToken)
    }
  })

  it('works the same on the 8.x client', async () => {
    const seen = recorder()
    nock(NODE)
      .post('/_bulk')
      .reply(function (_uri, body) {
        seen.headers.push(this.req.headers as Record<string, string>)
        seen.paths.push(String(body))
        return [200, { errors: false, items: [{ index: { status: 201 } }] }, ES_HEADERS]
      })
    const Connection = createAwsSigV4Connection({
      region: 'eu-west-1',
      credentials: CREDS,
      baseConnection: HttpConnection8,
    })
    const client = new Client8({ node: NODE, Connection })
    await client.bulk({ operations: [{ index: { _index: 'i' } }, { a: 1 }] })
    expect(seen.headers[0]['content-type']).to.equal('application/x-ndjson')
    expect(seen.headers[0].authorization).to.include('/eu-west-1/es/aws4_request')
  })
})

describe('connection: configuration errors surface at construction', () => {
  it('rejects unknown options when the class is created', () => {
    expect(() => createAwsSigV4Connection({ regoin: 'x' } as never))
      .to.throw(AwsSigV4ConfigurationError)
      .with.property('option', 'regoin')
  })

  it('rejects a negative stream cap naming the option', () => {
    expect(() => createAwsSigV4Connection({ maxBodyBytes: -1 })).to.throw(/maxBodyBytes/)
  })

  it('throws from new Client when no region can be found, naming option and env vars', () => {
    const saved = { r: process.env.AWS_REGION, d: process.env.AWS_DEFAULT_REGION }
    delete process.env.AWS_REGION
    delete process.env.AWS_DEFAULT_REGION
    try {
      expect(
        () => new Client({ node: 'https://search.example.com', Connection: AwsSigV4Connection }),
      )
        .to.throw(AwsSigV4ConfigurationError)
        .that.satisfies((e: Error) => /region/.test(e.message) && /AWS_REGION/.test(e.message))
    } finally {
      if (saved.r !== undefined) process.env.AWS_REGION = saved.r
      if (saved.d !== undefined) process.env.AWS_DEFAULT_REGION = saved.d
    }
  })

  it('rejects the client auth option, which would fight over Authorization', () => {
    expect(
      () =>
        new Client({
          node: NODE,
          auth: { username: 'u', password: 'p' },
          Connection: createAwsSigV4Connection({ region: 'eu-west-1', credentials: CREDS }),
        }),
    ).to.throw(AwsSigV4ConfigurationError, /auth/)
  })
})
