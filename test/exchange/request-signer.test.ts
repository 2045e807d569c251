import { expect } from 'chai'
import { createHmac } from 'node:crypto'
import { Readable } from 'node:stream'
import { inspect } from 'node:util'
import { Sha256 } from '@aws-crypto/sha256-js'
import { RequestSigner } from '../../lib/exchange/request-signer'
import { CredentialCache } from '../../lib/credentials/cache'
import type { CredentialsOption } from '../../lib/credentials/option'
import { NodeSha256 } from '../../lib/sigv4/sha256'
import type { ChecksumConstructor } from '../../lib/sigv4/sha256'
import { AwsSigV4AbortError, AwsSigV4RequestError } from '../../lib/errors'
import type { ConnectionContext, TransportRequest } from '../../lib/exchange/types'
import fc from 'fast-check'
import { newTransportStats, transportSigningProperty } from '../support/sigv4-differential'
import { fuzzSeed } from '../reliability/fuzz-properties'
import { withPollutedPrototype } from '../support/polluted-prototype'

const CREDS = {
  accessKeyId: 'AKIDSIGNER',
  secretAccessKey: 'signer-test-secret',
  sessionToken: 'signer-test-token',
}
const NOW = new Date('2026-01-01T12:00:00Z')

const context: ConnectionContext = {
  url: new URL('https://search-d.eu-west-1.es.amazonaws.com/prefix/'),
  headers: {
    'user-agent': 'client',
    accept: 'application/vnd.elasticsearch+json; compatible-with=9',
  },
  target: {
    region: 'eu-west-1',
    service: 'es',
    host: 'search-d.eu-west-1.es.amazonaws.com',
    regionSource: 'option',
    serviceSource: 'option',
  },
  plainMediaTypes: true,
  unsignedPayload: false,
  refusals: 'es',
}

function signerWith(
  credentials: CredentialsOption = CREDS,
  sha256: ChecksumConstructor = NodeSha256,
) {
  const cache = new CredentialCache(credentials)
  return {
    cache,
    signer: new RequestSigner({
      credentials: cache,
      sha256,
      maxBodyBytes: 1 << 20,
      now: () => NOW,
    }),
  }
}

const search = (): TransportRequest => ({
  method: 'POST',
  path: 'idx/_search',
  querystring: 'q=a+b&size=10',
  headers: {
    'content-type': 'application/vnd.elasticsearch+json; compatible-with=9',
    'x-n': 3,
  } as never,
  body: '{"query":{"match_all":{}}}',
})

describe('request-signer: signing now, without a promise', () => {
  it('signs a request with credentials at hand synchronously, exactly as sign() does', async () => {
    const { signer } = signerWith()
    const now = signer.signSync(search(), context)
    expect(now).to.not.equal(undefined)
    const later = await signer.sign(search(), context)
    expect({ ...now!.params, headers: { ...now!.params.headers } }).to.deep.equal({
      ...later.params,
      headers: { ...later.params.headers },
    })
    expect(now!.describe()).to.deep.equal(later.describe())
    expect(now!.credentials).to.equal(CREDS)
    expect(now!.replayable).to.equal(true)
  })

  it('sends what it signs: the canonical query, the node prefix, plain media types, numbers as strings', () => {
    const { signer } = signerWith()
    const { params, describe } = signer.signSync(search(), context)!
    expect(params.path).to.equal('/idx/_search')
    expect(params.querystring).to.equal('q=a%20b&size=10')
    expect(params.headers).to.include({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-n': '3',
      host: 'search-d.eu-west-1.es.amazonaws.com',
      'x-amz-date': '20260101T120000Z',
      'x-amz-security-token': CREDS.sessionToken,
    })
    const { canonicalRequest, stringToSign } = describe()
    expect(canonicalRequest.split('\n').slice(0, 4)).to.deep.equal([
      'POST',
      '/prefix/idx/_search',
      'q=a%20b&size=10',
      'content-type:application/json',
    ])
    expect(canonicalRequest).to.include('x-amz-security-token:<redacted session token>')
    expect(canonicalRequest).not.to.include(CREDS.sessionToken)
    // The signature is the HMAC of exactly the string to sign it describes.
    let key: Buffer | string = `AWS4${CREDS.secretAccessKey}`
    for (const part of ['20260101', 'eu-west-1', 'es', 'aws4_request']) {
      key = createHmac('sha256', key).update(part).digest()
    }
    const signature = createHmac('sha256', key).update(stringToSign).digest('hex')
    expect(params.headers.authorization).to.match(new RegExp(`Signature=${signature}$`))
  })

  it('never modifies the params it is given', () => {
    const { signer } = signerWith()
    const params = search()
    const before = JSON.stringify(params)
    signer.signSync(params, context)
    expect(JSON.stringify(params)).to.equal(before)
  })

  it('keeps the signature and token out of inspect and JSON of what it returns', () => {
    const { signer } = signerWith()
    const { params } = signer.signSync(search(), context)!
    for (const shown of [inspect(params, { depth: 5 }), JSON.stringify(params)]) {
      expect(shown).not.to.include(CREDS.sessionToken)
      expect(shown).not.to.match(/Signature=[0-9a-f]{64}/)
    }
  })

  it('waits (undefined) for credentials not fetched yet, then signs now once they are cached', async () => {
    const { signer } = signerWith(async () => CREDS)
    expect(signer.signSync(search(), context)).to.equal(undefined)
    await signer.sign(search(), context)
    expect(signer.signSync(search(), context)).to.not.equal(undefined)
  })

  it('waits (undefined) for a stream body, which has to be read, and for a custom hash', async () => {
    const { signer } = signerWith()
    const stream = Readable.from(['{"a":1}'])
    expect(signer.signSync({ ...search(), body: stream }, context)).to.equal(undefined)
    const signed = await signer.sign({ ...search(), body: stream }, context)
    expect(signed.params.headers['content-length']).to.equal('7')
    const custom = signerWith(CREDS, Sha256).signer
    expect(custom.signSync(search(), context)).to.equal(undefined)
    const viaSmithy = await custom.sign(search(), context)
    expect(viaSmithy.params.headers.authorization).to.equal(
      signerWith().signer.signSync(search(), context)!.params.headers.authorization,
    )
  })

  it('throws what sign() rejects with: an aborted signal, a bad header value, an unsignable query', async () => {
    const { signer } = signerWith()
    const controller = new AbortController()
    controller.abort()
    expect(() => signer.signSync(search(), context, controller.signal)).to.throw(AwsSigV4AbortError)
    const bad = { ...search(), headers: { 'x-bad': { a: 1 } } as never }
    expect(() => signer.signSync(bad, context)).to.throw(AwsSigV4RequestError, /x-bad/)
    const reserved = { ...search(), querystring: 'X-Amz-Signature=abc' }
    expect(() => signer.signSync(reserved, context)).to.throw(AwsSigV4RequestError)
    for (const params of [bad, reserved]) {
      const err = await signer.sign(params, context).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(AwsSigV4RequestError)
    }
  })
})

describe('request-signer: signed now vs through smithy, fuzzed transport requests', function () {
  this.timeout(300_000)
  const seed = fuzzSeed()
  const runs = 1500

  it(`${runs} requests (seed ${seed}): identical params sent and description, or the same error; params untouched; the verifier accepts what is sent`, async () => {
    const stats = newTransportStats()
    await fc.assert(transportSigningProperty(stats), { seed, numRuns: runs })
    expect(stats.runs).to.equal(runs)
    // The fuzz reaches what it is meant to: numbers and repeated values as headers, tokens,
    // refusals, and a good share of wire-ready requests that went through the verifier.
    for (const reached of ['numbers', 'arrays', 'withToken', 'errors'] as const) {
      expect(stats[reached], reached).to.be.greaterThan(runs / 50)
    }
    expect(stats.verified, 'verified').to.be.greaterThan(runs / 4)
  })
})

describe('request-signer: the query as the caller ordered it', () => {
  it('a repeated key goes out in its order (the server takes the last), and is signed sorted', () => {
    const { signer } = signerWith()
    const { params, describe } = signer.signSync(
      { ...search(), querystring: 'size=5&size=10' },
      context,
    )!
    expect(params.querystring).to.equal('size=5&size=10')
    expect(describe().canonicalRequest.split('\n')[2]).to.equal('size=10&size=5')
  })
})

describe('request-signer: a polluted Object.prototype adds no session token', () => {
  const STATIC = { accessKeyId: 'AKIDPLAIN', secretAccessKey: 'plain-secret' }

  it('static credentials without a token, given while the prototype is polluted', async () => {
    const signed = await withPollutedPrototype({ sessionToken: 'polluted-token' }, () =>
      signerWith({ ...STATIC }).signer.sign(search(), context),
    )
    expect(signed.params.headers).not.to.have.property('x-amz-security-token')
    expect(signed.describe().canonicalRequest).not.to.include('polluted-token')
  })

  it('credentials a provider returns, whenever the prototype is polluted', async () => {
    const { signer } = signerWith(async () => ({ ...STATIC }))
    await signer.sign(search(), context)
    const signed = await withPollutedPrototype({ sessionToken: 'polluted-token' }, () =>
      signer.sign(search(), context),
    )
    expect(signed.params.headers).not.to.have.property('x-amz-security-token')
  })
})
