// Real HTTP requests, signed by the test's own tiny signer, against the emulator: accepted
// when right, and answered with AWS's exact refusal when anything was tampered with.
import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { request } from 'node:http'
import { startEmulator, type Emulator } from '../../lib/testing'
import { amz, call, send, sign, type TestKey } from './sign'

const KEY: TestKey = { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'secret/KEY+emulator' }
const TOKEN_KEY: TestKey = {
  accessKeyId: 'ASIATOKEN',
  secretAccessKey: 'token-secret',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+/=',
}
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
const MINUTE = 60_000

describe('emulator: SigV4 verification over HTTP', () => {
  let emu: Emulator
  /** When set, the emulator's machine clock stands still at this time. */
  let pinnedNow: number | undefined

  before(async () => {
    emu = await startEmulator({
      credentials: [KEY, TOKEN_KEY],
      region: 'us-east-1',
      service: 'es',
      now: () => pinnedNow ?? Date.now(),
    })
  })
  after(() => emu.close())
  beforeEach(() => {
    emu.clearVerdicts()
    emu.setClockSkew(0)
    pinnedNow = undefined
  })

  const last = () => emu.verdicts[emu.verdicts.length - 1]

  const expectAwsError = (
    res: { status: number; headers: Record<string, unknown>; json: () => unknown },
    status: number,
    body: unknown,
  ): void => {
    expect(res.status).to.equal(status)
    expect(res.json()).to.deep.equal(body)
    expect(res.headers['content-type']).to.equal('application/json')
    expect(res.headers['x-amzn-requestid']).to.match(/^[0-9a-f-]{36}$/)
  }

  it('accepts a correctly signed request and logs the verdict', async () => {
    const res = await call(emu.url, KEY, { method: 'GET', path: '/' })
    expect(res.status).to.equal(200)
    expect((res.json() as { version: { distribution: string } }).version.distribution).to.equal(
      'opensearch',
    )
    expect(res.headers['x-elastic-product']).to.equal(undefined)
    expect(last()).to.include({ ok: true, reason: 'ok', status: 200, accessKeyId: KEY.accessKeyId })
    expect(last().signedHeaders).to.deep.equal(['host', 'x-amz-date'])
  })

  it('accepts a signed body with x-amz-content-sha256, query and session token', async () => {
    const body = JSON.stringify({ title: 'hello world' })
    const res = await call(emu.url, TOKEN_KEY, {
      method: 'PUT',
      path: '/books/_doc/1',
      query: 'refresh=true&routing=a%20b',
      headers: { 'content-type': 'application/json' },
      body,
      contentSha: true,
    })
    expect(res.status).to.equal(201)
    expect(emu.store.getDocument('books', '1')).to.deep.equal({ title: 'hello world' })
  })

  it('refuses a changed body with the mismatch message and both canonical strings', async () => {
    const res = await call(emu.url, KEY, {
      method: 'POST',
      path: '/books/_doc/2',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      sendBody: '{"a":2}',
    })
    const { canonicalRequest, stringToSign } = last()
    expectAwsError(res, 403, {
      message: `${MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
    })
    // The server hashed what arrived, not what was signed.
    expect(canonicalRequest?.endsWith(sha('{"a":2}'))).to.equal(true)
    expect(last().reason).to.equal('signature-mismatch')
    expect(emu.store.getDocument('books', '2')).to.equal(undefined)
  })

  it('refuses a body that does not match its signed x-amz-content-sha256 with 400', async () => {
    const res = await call(emu.url, KEY, {
      method: 'POST',
      path: '/books/_doc/3',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      sendBody: '{"a":9}',
      contentSha: true,
    })
    expectAwsError(res, 400, {
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    })
  })

  for (const [what, sendPath] of [
    ['path', '/other/_search'],
    ['query', '/books/_search?size=2'],
    ['encoded path', '/books%2F/_search'],
  ] as const) {
    it(`refuses a changed ${what}`, async () => {
      const res = await call(emu.url, KEY, {
        method: 'GET',
        path: '/books/_search',
        query: 'size=1',
        sendPath,
      })
      expect(res.status).to.equal(403)
      expect((res.json() as { message: string }).message.startsWith(MISMATCH + '\n\n')).to.equal(
        true,
      )
      expect(last().reason).to.equal('signature-mismatch')
    })
  }

  it('canonicalises an encoded path segment once more (%2F becomes %252F)', async () => {
    const res = await call(emu.url, KEY, { method: 'HEAD', path: '/books/_doc/a%2Fb' })
    expect(res.status).to.equal(404)
    expect(last().ok).to.equal(true)
    expect(last().canonicalRequest?.split('\n')[1]).to.equal('/books/_doc/a%252Fb')
  })

  it('refuses a changed x-amz-date (inside the window) as a signature mismatch', async () => {
    const res = await call(emu.url, KEY, {
      method: 'GET',
      path: '/',
      tamper: (h) => {
        h['x-amz-date'] = amz(new Date(Date.now() - MINUTE))
      },
    })
    expect(res.status).to.equal(403)
    expect(last().reason).to.equal('signature-mismatch')
  })

  it('refuses a wrong or missing session token with the invalid-token 403', async () => {
    const wrong = await call(emu.url, TOKEN_KEY, {
      method: 'GET',
      path: '/',
      key: { ...TOKEN_KEY, sessionToken: 'another-token' },
    })
    expectAwsError(wrong, 403, {
      message: 'The security token included in the request is invalid.',
    })
    expect(last().reason).to.equal('token-mismatch')

    const missing = await call(emu.url, TOKEN_KEY, {
      method: 'GET',
      path: '/',
      key: { ...TOKEN_KEY, sessionToken: undefined },
    })
    expectAwsError(missing, 403, {
      message: 'The security token included in the request is invalid.',
    })

    const unsigned = await call(emu.url, TOKEN_KEY, {
      method: 'GET',
      path: '/',
      unsigned: ['x-amz-security-token'],
    })
    expect(unsigned.status).to.equal(403)
    expect(last().reason).to.equal('token-mismatch')
  })

  it('refuses another region and another service with AWS scope messages', async () => {
    const region = await call(emu.url, KEY, { method: 'GET', path: '/', region: 'eu-west-1' })
    expectAwsError(region, 403, {
      message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    })
    const service = await call(emu.url, KEY, { method: 'GET', path: '/', service: 'aoss' })
    expectAwsError(service, 403, {
      message: "Credential should be scoped to correct service: 'es'. ",
    })
  })

  it('refuses an unknown access key', async () => {
    const res = await call(emu.url, KEY, {
      method: 'GET',
      path: '/',
      key: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' },
    })
    expectAwsError(res, 403, { message: 'The security token included in the request is invalid.' })
    expect(last()).to.include({ reason: 'unknown-key', accessKeyId: 'AKIDUNKNOWN' })
  })

  it('answers revoked keys with the expired (default) or invalid token text', async () => {
    const other: TestKey = { accessKeyId: 'AKIDREVOKED', secretAccessKey: 'revoked-secret' }
    emu.addCredentials(other)
    expect((await call(emu.url, other, { method: 'GET', path: '/' })).status).to.equal(200)
    emu.revoke(other.accessKeyId)
    expectAwsError(await call(emu.url, other, { method: 'GET', path: '/' }), 403, {
      message: 'The security token included in the request is expired',
    })
    emu.revoke(other.accessKeyId, { kind: 'invalid' })
    expectAwsError(await call(emu.url, other, { method: 'GET', path: '/' }), 403, {
      message: 'The security token included in the request is invalid.',
    })
    emu.restore(other.accessKeyId)
    expect((await call(emu.url, other, { method: 'GET', path: '/' })).status).to.equal(200)
  })

  // The emulator's machine clock stands still here, so every time in the answer is exact.
  const PINNED = Date.parse('2026-03-04T05:06:07.890Z')

  it('refuses a request signed 6 minutes before the server clock (Signature expired)', async () => {
    pinnedNow = PINNED
    emu.setClockSkew(6 * MINUTE)
    const signedAt = new Date(Math.floor(PINNED / 1000) * 1000)
    const res = await call(emu.url, KEY, { method: 'GET', path: '/', date: signedAt })
    const now = PINNED + 6 * MINUTE
    expect(last().time).to.equal(new Date(now).toISOString())
    expectAwsError(res, 403, {
      message: `Signature expired: ${amz(signedAt)} is now earlier than ${amz(new Date(now - 5 * MINUTE))} (${amz(new Date(now))} - 5 min.)`,
    })
    // The Date header comes from the (skewed) server clock.
    expect(res.headers.date).to.equal(new Date(now).toUTCString())
  })

  it('refuses a request signed 6 minutes after the server clock (not yet current)', async () => {
    pinnedNow = PINNED
    emu.setClockSkew(-6 * MINUTE)
    const signedAt = new Date(Math.floor(PINNED / 1000) * 1000)
    const res = await call(emu.url, KEY, { method: 'GET', path: '/', date: signedAt })
    const now = PINNED - 6 * MINUTE
    expect(last().time).to.equal(new Date(now).toISOString())
    expectAwsError(res, 403, {
      message: `Signature not yet current: ${amz(signedAt)} is still later than ${amz(new Date(now + 5 * MINUTE))} (${amz(new Date(now))} + 5 min.)`,
    })
    expect(res.headers.date).to.equal(new Date(now).toUTCString())
  })

  it('can send a Date header off its own clock, which still decides what it accepts', async () => {
    emu.setDateHeaderSkew(10 * 365 * 24 * 60 * MINUTE)
    try {
      const res = await call(emu.url, KEY, { method: 'GET', path: '/' })
      expect(res.status).to.equal(200)
      expect(new Date(String(res.headers.date)).getUTCFullYear()).to.be.above(
        new Date().getUTCFullYear() + 9,
      )
    } finally {
      emu.setDateHeaderSkew(0)
    }
    const res = await call(emu.url, KEY, { method: 'GET', path: '/' })
    expect(Math.abs(Date.parse(String(res.headers.date)) - Date.now())).to.be.below(60 * MINUTE)
  })

  it('accepts a request 4 minutes off the server clock', async () => {
    emu.setClockSkew(4 * MINUTE)
    expect((await call(emu.url, KEY, { method: 'GET', path: '/' })).status).to.equal(200)
  })

  it('answers an unsigned request as an IAM-only OpenSearch Service domain does', async () => {
    const res = await send(emu.url, 'DELETE', '/books', {})
    expectAwsError(res, 403, {
      Message:
        'User: anonymous is not authorized to perform: es:ESHttpDelete because no resource-based policy allows the es:ESHttpDelete action',
    })
  })

  it('answers a non-SigV4 Authorization header with the incomplete-signature message', async () => {
    const res = await send(emu.url, 'GET', '/', { authorization: 'Basic dXNlcjpwYXNz' })
    expectAwsError(res, 403, {
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Basic dXNlcjpwYXNz",
    })
  })

  it('refuses a malformed x-amz-date, an unsigned host and a short credential', async () => {
    const badDate = await call(emu.url, KEY, {
      method: 'GET',
      path: '/',
      tamper: (h) => {
        h['x-amz-date'] = '2024-01-01T00:00:00Z'
      },
    })
    expectAwsError(badDate, 403, {
      message:
        "Date must be in ISO-8601 'basic format'. Got '2024-01-01T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    })
    const noHost = await call(emu.url, KEY, { method: 'GET', path: '/', unsigned: ['host'] })
    expectAwsError(noHost, 403, {
      message: "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    })
    const short = await call(emu.url, KEY, {
      method: 'GET',
      path: '/',
      tamper: (h) => {
        h.authorization = h.authorization.replace('/aws4_request', '')
      },
    })
    expect(short.status).to.equal(403)
    expect((short.json() as { message: string }).message).to.match(
      /^Credential must have exactly 5 slash-delimited elements, e\.g\. keyid\/date\/region\/service\/term, got 'AKIDEMULATOR\/\d{8}\/us-east-1\/es'$/,
    )
  })

  it('checks the signature against expectedHost when one is configured', async () => {
    const other = await startEmulator({
      credentials: KEY,
      expectedHost: 'search-demo.us-east-1.es.amazonaws.com',
    })
    try {
      const signedForDomain = {
        method: 'GET',
        path: '/',
        host: 'search-demo.us-east-1.es.amazonaws.com',
        tamper: (h: Record<string, string>) => {
          h.host = new URL(other.url).host
        },
      }
      expect((await call(other.url, KEY, signedForDomain)).status).to.equal(200)
      expect((await call(emu.url, KEY, signedForDomain)).status).to.equal(403)
    } finally {
      await other.close()
    }
  })

  it('round-trips ids with /, space, +, %, ?, #, and unicode', async () => {
    const ids = ['a/b', 'with space', 'plus+sign', '100%', 'what?', 'hash#tag', 'ünï-日本', '..']
    for (const id of ids) {
      const path = `/weird/_doc/${encodeURIComponent(id).replace(/\./g, '%2E')}`
      const body = JSON.stringify({ id })
      const put = await call(emu.url, KEY, {
        method: 'PUT',
        path,
        headers: { 'content-type': 'application/json' },
        body,
      })
      expect(put.status, id).to.equal(201)
      const got = await call(emu.url, KEY, { method: 'GET', path })
      expect((got.json() as { _id: string; _source: unknown })._id, id).to.equal(id)
      expect(emu.store.getDocument('weird', id), id).to.deep.equal({ id })
    }
  })

  it('verifies gzip bodies as sent and stores them decompressed', async () => {
    const bytes = gzipSync(Buffer.from(JSON.stringify({ zipped: true })))
    const res = await call(emu.url, KEY, {
      method: 'PUT',
      path: '/zip/_doc/1',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bytes,
      contentSha: true,
    })
    expect(res.status).to.equal(201)
    expect(emu.store.getDocument('zip', '1')).to.deep.equal({ zipped: true })
  })

  it('never logs the secret or the signature', async () => {
    await call(emu.url, KEY, { method: 'GET', path: '/' })
    const headers = sign({
      method: 'GET',
      path: '/',
      key: KEY,
      region: 'us-east-1',
      service: 'es',
      host: new URL(emu.url).host,
    })
    await send(emu.url, 'GET', '/', headers)
    const signature = headers.authorization.split('Signature=')[1]
    const log = JSON.stringify(emu.verdicts)
    expect(log).not.to.contain(KEY.secretAccessKey)
    expect(log).not.to.contain(signature)
  })

  it('never logs the session token, in the canonical request or the mismatch message', async () => {
    const res = await call(emu.url, TOKEN_KEY, {
      method: 'GET',
      path: '/',
      query: 'a=1',
      sendPath: '/?a=2',
    })
    // AWS's answer quotes the canonical request it expected, token included, as AWS does.
    expect(res.text).to.include(JSON.stringify(TOKEN_KEY.sessionToken).slice(1, -1))
    const v = last()
    expect(v.reason).to.equal('signature-mismatch')
    expect(v.canonicalRequest?.split('\n')).to.include(
      'x-amz-security-token:<redacted session token>',
    )
    expect(v.message).to.include('x-amz-security-token:<redacted session token>')
    expect(JSON.stringify(emu.verdicts)).not.to.contain(TOKEN_KEY.sessionToken)
  })

  it('never logs a signature quoted in an incomplete-signature message, or secret query values', async () => {
    const signature = 'cd'.repeat(32)
    await send(emu.url, 'GET', `/?X-Amz-Security-Token=${TOKEN_KEY.sessionToken}`, {
      authorization: `AWS4-HMAC-SHA256 Signature=${signature}`,
    })
    const v = last()
    expect(v.reason).to.equal('incomplete-auth')
    expect(v.message).to.include('Signature=<redacted signature>')
    expect(v.query).to.equal('X-Amz-Security-Token=<redacted>')
    expect(JSON.stringify(emu.verdicts)).not.to.contain(signature)
    expect(JSON.stringify(emu.verdicts)).not.to.contain(TOKEN_KEY.sessionToken)
  })
})

describe('emulator: modes, Serverless rules and fault hooks', () => {
  it('amazon mode refuses Elastic vendor content types with ES 7.10’s 406', async () => {
    const emu = await startEmulator({ credentials: KEY })
    try {
      const contentType = 'application/vnd.elasticsearch+json; compatible-with=8'
      const res = await call(emu.url, KEY, {
        method: 'PUT',
        path: '/v/_doc/1',
        headers: { 'content-type': contentType },
        body: '{}',
      })
      expect(res.status).to.equal(406)
      expect(res.json()).to.deep.equal({
        error: `Content-Type header [${contentType}] is not supported`,
        status: 406,
      })
      // Without a body, the content type is not looked at (as in Elasticsearch 7.10).
      const get = await call(emu.url, KEY, {
        method: 'GET',
        path: '/',
        headers: { accept: contentType, 'content-type': contentType },
      })
      expect(get.status).to.equal(200)
    } finally {
      await emu.close()
    }
  })

  it('elastic mode sends x-elastic-product everywhere and accepts vendor types', async () => {
    const emu = await startEmulator({ credentials: KEY, mode: 'elastic' })
    try {
      const res = await call(emu.url, KEY, {
        method: 'PUT',
        path: '/v/_doc/1',
        headers: { 'content-type': 'application/vnd.elasticsearch+json; compatible-with=9' },
        body: '{"x":1}',
      })
      expect(res.status).to.equal(201)
      expect(res.headers['x-elastic-product']).to.equal('Elasticsearch')
      const refused = await send(emu.url, 'GET', '/', {})
      expect(refused.status).to.equal(403)
      expect(refused.headers['x-elastic-product']).to.equal('Elasticsearch')
      const info = (await call(emu.url, KEY, { method: 'GET', path: '/' })).json() as {
        version: { number: string }
      }
      expect(info.version.number).to.match(/^8\./)
    } finally {
      await emu.close()
    }
  })

  it('aoss: requires x-amz-content-sha256, answers with Serverless’s bare 403, has no GET /', async () => {
    const emu = await startEmulator({ credentials: KEY, service: 'aoss' })
    try {
      const without = await call(emu.url, KEY, {
        method: 'GET',
        path: '/c/_search',
        service: 'aoss',
      })
      expect(without.status).to.equal(403)
      const body = without.json() as { status: number; error: unknown }
      expect(body.status).to.equal(403)
      expect(body.error).to.deep.equal({ reason: '403 Forbidden', type: 'Forbidden' })
      expect(without.headers['x-aoss-response-hint']).to.equal('X01:gw-helper-deny')
      expect(emu.verdicts[0].reason).to.equal('content-sha256-missing')

      const ok = await call(emu.url, KEY, {
        method: 'PUT',
        path: '/c/_doc/1',
        headers: { 'content-type': 'application/json' },
        body: '{"s":1}',
        service: 'aoss',
        contentSha: true,
      })
      expect(ok.status).to.equal(201)
      const info = await call(emu.url, KEY, {
        method: 'GET',
        path: '/',
        service: 'aoss',
        contentSha: true,
      })
      expect(info.status).to.equal(404)
    } finally {
      await emu.close()
    }
  })

  it('vpc-lattice-svcs: only UNSIGNED-PAYLOAD, signed, passes; refusals are plain text', async () => {
    const emu = await startEmulator({
      credentials: KEY,
      service: 'vpc-lattice-svcs',
      region: 'us-west-2',
      mode: 'elastic',
    })
    const lattice = { service: 'vpc-lattice-svcs', region: 'us-west-2' }
    const unsigned = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }
    const refusal = (res: { status: number; text: string; headers: Record<string, unknown> }) => {
      expect(res.status).to.equal(403)
      expect(res.headers['content-type']).to.equal('text/plain; charset=utf-8')
      return res.text
    }
    try {
      const missing =
        "IncompleteSignatureException: Missing the 'x-amz-content-sha256' in canonical headers."
      expect(refusal(await call(emu.url, KEY, { method: 'GET', path: '/', ...lattice }))).to.equal(
        missing,
      )
      const notSigned = await call(emu.url, KEY, {
        method: 'GET',
        path: '/',
        headers: unsigned,
        unsigned: ['x-amz-content-sha256'],
        ...lattice,
      })
      expect(refusal(notSigned)).to.equal(missing)
      const hashed = await call(emu.url, KEY, {
        method: 'PUT',
        path: '/l/_doc/1',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
        contentSha: true,
        ...lattice,
      })
      expect(refusal(hashed)).to.match(
        /^IncompleteSignatureException: VPC Lattice does not support payload signing\./,
      )
      expect(emu.verdicts.map((v) => v.reason)).to.deep.equal([
        'content-sha256-missing',
        'content-sha256-missing',
        'payload-signed',
      ])

      for (const [method, body] of [
        ['GET', undefined],
        ['PUT', '{"a":1}'],
      ] as const) {
        const res = await call(emu.url, KEY, {
          method,
          path: method === 'GET' ? '/' : '/l/_doc/1',
          headers: { ...unsigned, 'content-type': 'application/json' },
          body,
          ...lattice,
        })
        expect(res.status, method).to.be.oneOf([200, 201])
      }

      expect(refusal(await send(emu.url, 'GET', '/', {}))).to.match(
        /^AccessDeniedException: User: anonymous is not authorized to perform: vpc-lattice-svcs:Invoke on resource: arn:aws:vpc-lattice:us-west-2:\d{12}:service\/svc-[0-9a-f]{17}\/ because no network-based policy allows the vpc-lattice-svcs:Invoke action$/,
      )
      const wrongSecret = await call(emu.url, KEY, {
        method: 'GET',
        path: '/',
        headers: unsigned,
        key: { ...KEY, secretAccessKey: 'other' },
        ...lattice,
      })
      expect(refusal(wrongSecret)).to.match(
        /^InvalidSignatureException: The request signature we calculated does not match/,
      )
    } finally {
      await emu.close()
    }
  })

  it('compressResponses: gzips answers, refusals included, when the request takes gzip', async () => {
    const emu = await startEmulator({ credentials: KEY, compressResponses: true })
    try {
      const gz = { 'accept-encoding': 'gzip,deflate' }
      const refused = await send(emu.url, 'GET', '/', gz)
      expect(refused.status).to.equal(403)
      expect(refused.headers['content-encoding']).to.equal('gzip')
      const raw = await rawBody(emu.url, '/', gz)
      expect(JSON.parse(gunzipSync(raw).toString()).Message).to.match(/^User: anonymous/)
      const plain = await send(emu.url, 'GET', '/', {})
      expect(plain.headers['content-encoding']).to.equal(undefined)
      expect(plain.json()).to.have.property('Message')
      const ok = await call(emu.url, KEY, { method: 'GET', path: '/', headers: gz })
      expect([ok.status, ok.headers['content-encoding']]).to.deep.equal([200, 'gzip'])
    } finally {
      await emu.close()
    }
  })

  it('onRequest hooks can answer a status, delay, or destroy the socket', async () => {
    const emu = await startEmulator({ credentials: KEY })
    try {
      const remove = emu.onRequest((ctx) =>
        ctx.sequence === 1 ? { status: 503, body: { error: 'busy' } } : undefined,
      )
      const first = await call(emu.url, KEY, { method: 'GET', path: '/' })
      expect(first.status).to.equal(503)
      expect(first.json()).to.deep.equal({ error: 'busy' })
      expect(emu.verdicts[0]).to.include({ ok: true, status: 503, fault: 'status' })
      expect((await call(emu.url, KEY, { method: 'GET', path: '/' })).status).to.equal(200)
      remove()

      const removeDelay = emu.onRequest(() => ({ delayMs: 150 }))
      const started = Date.now()
      expect((await call(emu.url, KEY, { method: 'GET', path: '/' })).status).to.equal(200)
      expect(Date.now() - started).to.be.greaterThanOrEqual(140)
      removeDelay()

      emu.onRequest(() => ({ destroy: true }))
      let error: unknown
      try {
        await call(emu.url, KEY, { method: 'GET', path: '/' })
      } catch (err) {
        error = err
      }
      expect(error).to.be.instanceOf(Error)
    } finally {
      await emu.close()
    }
  })
})

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** The body bytes of an unsigned GET, as they arrive (not decoded). */
function rawBody(base: string, path: string, headers: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve(Buffer.concat(chunks)))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('emulator: bounded against exhaustion', () => {
  /** Sends `size` bytes unsigned (declared, or chunked without a length); resolves with the status. */
  function unsignedUpload(url: string, size: number, chunked: boolean): Promise<number> {
    const { hostname, port } = new URL(url)
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port,
          method: 'POST',
          path: '/big/_doc',
          headers: chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': size },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      // The emulator closes the connection once it has answered: the rest may not be written.
      req.on('error', (err: NodeJS.ErrnoException) =>
        err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
      )
      const chunk = Buffer.alloc(64 * 1024, 'a')
      let sent = 0
      const pump = (): void => {
        while (sent < size) {
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        req.end()
      }
      pump()
    })
  }

  it('answers a body over maxBodyBytes 413 before the signature check, declared or chunked', async () => {
    const emu = await startEmulator({ credentials: KEY, maxBodyBytes: 1024 * 1024 })
    try {
      for (const chunked of [false, true]) {
        expect(
          await unsignedUpload(emu.url, 8 * 1024 * 1024, chunked),
          `chunked ${chunked}`,
        ).to.equal(413)
      }
      expect(emu.verdicts.map((v) => [v.status, v.reason, v.message])).to.deep.equal([
        [413, 'body-too-large', 'Request size exceeded 1048576 bytes'],
        [413, 'body-too-large', 'Request size exceeded 1048576 bytes'],
      ])
      // A body within the cap is read and checked as before.
      const body = JSON.stringify({ n: 1 })
      const res = await call(emu.url, KEY, {
        method: 'POST',
        path: '/small/_doc',
        body,
        headers: { 'content-type': 'application/json' },
      })
      expect(res.status).to.equal(201)
    } finally {
      await emu.close()
    }
  })

  it('keeps the latest maxVerdicts verdicts, oldest dropped', async () => {
    const emu = await startEmulator({ credentials: KEY, maxVerdicts: 5 })
    try {
      for (let i = 0; i < 8; i++) {
        await call(emu.url, KEY, { method: 'GET', path: `/n-${i}` })
      }
      expect(emu.verdicts.map((v) => v.path)).to.deep.equal([
        '/n-3',
        '/n-4',
        '/n-5',
        '/n-6',
        '/n-7',
      ])
    } finally {
      await emu.close()
    }
  })

  it("refuses documents deeper than index.mapping.depth.limit (20), and JSON nested past the engines' parser", async () => {
    const emu = await startEmulator({ credentials: KEY })
    const index = (path: string, text: string) =>
      call(emu.url, KEY, {
        method: 'PUT',
        path,
        body: text,
        headers: { 'content-type': 'application/json' },
      })
    // A document whose object fields nest `depth` deep: a, a.a, … (the root is no field).
    const nested = (depth: number): string =>
      '{"a":'.repeat(depth + 1) + '1' + '}'.repeat(depth + 1)
    try {
      expect((await index('/deep/_doc/ok', nested(20))).status).to.equal(201)
      const tooDeep = await index('/deep/_doc/21', nested(21))
      expect(tooDeep.status).to.equal(400)
      expect(tooDeep.json()).to.deep.nested.include({
        'error.type': 'illegal_argument_exception',
        'error.reason': `Limit of mapping depth [20] in index [deep] has been exceeded due to object field [${Array(21).fill('a').join('.')}]`,
      })
      const million = await index(
        '/deep/_doc/million',
        '['.repeat(1_000_000) + ']'.repeat(1_000_000),
      )
      expect(million.status).to.equal(400)
      expect(million.text).to.include('exceeds the maximum allowed (1000)')
      const bulk = await call(emu.url, KEY, {
        method: 'POST',
        path: '/_bulk',
        body: `{"index":{"_index":"deep","_id":"b"}}\n${nested(5000)}\n`,
        headers: { 'content-type': 'application/x-ndjson' },
      })
      expect(bulk.json()).to.deep.nested.include({ 'items[0].index.status': 400 })
      // The store still answers what walks every document.
      const cat = await call(emu.url, KEY, {
        method: 'GET',
        path: '/_cat/indices',
        query: 'format=json',
      })
      expect(cat.status).to.equal(200)
      expect(emu.store.documentCount('deep')).to.equal(1)
    } finally {
      await emu.close()
    }
  })

  it('runs a many-star wildcard query to its answer (no backtracking matcher)', async () => {
    const emu = await startEmulator({ credentials: KEY })
    try {
      const doc = JSON.stringify({ msg: 'a'.repeat(60) })
      await call(emu.url, KEY, {
        method: 'PUT',
        path: '/w/_doc/1',
        query: 'refresh=true',
        body: doc,
        headers: { 'content-type': 'application/json' },
      })
      const stars = `msg:${'*a'.repeat(13)}*b`
      const res = await call(emu.url, KEY, {
        method: 'GET',
        path: '/w/_search',
        query: `q=${encodeURIComponent(stars)}`,
      })
      expect(res.status).to.equal(200)
      expect(res.json()).to.deep.nested.include({ 'hits.total.value': 0 })
      const hit = await call(emu.url, KEY, {
        method: 'GET',
        path: '/w/_search',
        query: `q=${encodeURIComponent(`msg:${'*a'.repeat(13)}*`)}`,
      })
      expect(hit.json()).to.deep.nested.include({ 'hits.total.value': 1 })
    } finally {
      await emu.close()
    }
  })
})
