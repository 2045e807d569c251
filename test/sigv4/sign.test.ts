import { expect } from 'chai'
import { createHmac } from 'node:crypto'
import { inspect } from 'node:util'
import fc from 'fast-check'
import { Sha256 } from '@aws-crypto/sha256-js'
import { signNow, signRequest } from '../../lib/sigv4/sign'
import type { RequestToSign, Signature, SigningContext } from '../../lib/sigv4/types'
import { canonicalQuery } from '../../lib/sigv4/canonical-query'
import { NodeSha256, sha256Hex } from '../../lib/sigv4/sha256'
import { loadVectors, suiteAvailable, SUITE_DIR } from '../support/aws-test-suite'
import type { Vector } from '../support/aws-test-suite'
import {
  newStats,
  signedBySmithy,
  signedLean,
  signingProperty,
} from '../support/sigv4-differential'
import { fuzzSeed } from '../reliability/fuzz-properties'

/**
 * Turns a vector's raw request into what our signing path takes. Headers that repeat are
 * joined with commas, the way SigV4 canonicalises repeats and the way `mergeHeaders` hands
 * arrays to the signer; folded (multi-line) values keep their line breaks and the signer
 * collapses them to single spaces.
 */
function toSigningInput(v: Vector): { req: RequestToSign; ctx: SigningContext } {
  const headers: Record<string, string> = {}
  let host = ''
  for (const [name, value] of v.request.headers) {
    const lower = name.toLowerCase()
    if (lower === 'host') host = value
    else headers[lower] = lower in headers ? `${headers[lower]},${value}` : value
  }
  const q = v.request.target.indexOf('?')
  const path = q === -1 ? v.request.target : v.request.target.slice(0, q)
  const query = canonicalQuery(q === -1 ? '' : v.request.target.slice(q + 1))
  const c = v.context
  const withToken = c.credentials.token !== undefined && c.omit_session_token !== true
  const ctx: SigningContext = {
    credentials: {
      accessKeyId: c.credentials.access_key_id,
      secretAccessKey: c.credentials.secret_access_key,
      ...(withToken ? { sessionToken: c.credentials.token } : {}),
    },
    region: c.region,
    service: c.service,
    signingDate: new Date(c.timestamp),
    sha256: NodeSha256,
  }
  return {
    req: {
      method: v.request.method,
      host,
      path,
      query,
      headers,
      payloadHash: '',
      signPayloadHashHeader: c.sign_body,
    },
    ctx,
  }
}

function signatureOf(authorization: string): string {
  return /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1] ?? ''
}

function authorizationIn(signedRequest: string): string {
  return /^Authorization:(.*)$/m.exec(signedRequest)?.[1] ?? ''
}

/** The two ways a request is signed: written out with Node's crypto, and smithy's own `sign`. */
const WAYS: Array<[string, (req: RequestToSign, ctx: SigningContext) => Promise<Signature>]> = [
  ['written out (native hash)', async (req, ctx) => signNow(req, ctx)],
  ['smithy (sha256-js)', (req, ctx) => signRequest(req, { ...ctx, sha256: Sha256 })],
]

describe('sigv4: AWS SigV4 test suite', () => {
  before(function () {
    if (!suiteAvailable()) throw new Error(`AWS SigV4 test suite not found at ${SUITE_DIR}`)
  })

  const vectors = suiteAvailable() ? loadVectors() : []
  const byName = new Map(vectors.map((v) => [v.name, v]))

  it('finds every case of the suite', () => {
    expect(vectors.length).to.equal(38)
  })

  for (const v of vectors) {
    // Our signer is the non-S3 one: it always normalises the path. For the S3-style
    // `*-unnormalized` cases it must therefore produce what the `*-normalized` twin expects.
    const expectedFrom = v.context.normalize
      ? v
      : byName.get(v.name.replace('-unnormalized', '-normalized'))
    const what = v.context.normalize
      ? 'as expected'
      : 'as its normalized twin expects (non-S3 signer)'

    for (const [way, sign] of WAYS) {
      it(`${v.name}, ${way}: canonical request, string to sign and signature ${what}`, async () => {
        expect(expectedFrom, `twin of ${v.name}`).to.exist
        const expected = expectedFrom!.expected
        const { req, ctx } = toSigningInput(v)
        req.payloadHash = await sha256Hex(v.request.body)

        const token = ctx.credentials.sessionToken
        const redact = (s: string): string =>
          token ? s.split(token).join('<redacted session token>') : s
        const signed = await sign(req, ctx)
        const described = signed.describe()
        expect(described.canonicalRequest).to.equal(redact(expected.canonicalRequest))
        expect(described.stringToSign).to.equal(expected.stringToSign)

        expect(signatureOf(signed.headers.authorization)).to.equal(expected.signature)
        if (v.context.normalize) {
          expect(signed.headers.authorization).to.equal(authorizationIn(expected.signedRequest))
        }
        expect(signed.headers['x-amz-date']).to.equal('20150830T123600Z')
        expect(signed.headers['x-amz-security-token']).to.equal(token)
        expect('x-amz-content-sha256' in signed.headers).to.equal(v.context.sign_body)
      })
    }
  }

  it('signed both ways, every case gives the very same canonical request, string to sign and headers', async () => {
    for (const v of vectors) {
      const { req, ctx } = toSigningInput(v)
      req.payloadHash = await sha256Hex(v.request.body, Sha256)
      expect(req.payloadHash).to.equal(await sha256Hex(v.request.body))
      const lean = signedLean(req, ctx)
      expect(lean.error, v.name).to.equal(undefined)
      expect(lean, v.name).to.deep.equal(await signedBySmithy(req, ctx))
    }
  })

  it('the native hash takes the written-out path, any other smithy', async () => {
    const { req, ctx } = toSigningInput(vectors[0])
    // Same input, same result: only which code ran differs, seen through a hash that counts.
    let constructed = 0
    class CountingSha256 extends Sha256 {
      constructor(secret?: ConstructorParameters<typeof Sha256>[0]) {
        super(secret)
        constructed++
      }
    }
    const native = await signRequest(req, ctx)
    expect(constructed).to.equal(0)
    const custom = await signRequest(req, { ...ctx, sha256: CountingSha256 })
    expect(constructed).to.be.greaterThan(0)
    expect(custom.headers).to.deep.equal(native.headers)
  })
})

describe('sigv4: written out vs smithy, fuzzed requests', function () {
  this.timeout(300_000)
  const seed = fuzzSeed()
  const runs = 3000

  it(`${runs} requests (seed ${seed}): identical canonical request, string to sign and headers, or the same error`, async () => {
    const stats = newStats()
    await fc.assert(signingProperty(stats), { seed, numRuns: runs })
    expect(stats.runs).to.equal(runs)
    // The fuzz reaches every branch: refusals, other headers, unusual paths, tokens, queries.
    for (const reached of [
      'errors',
      'otherHeaders',
      'unusualPaths',
      'withToken',
      'withQuery',
    ] as const) {
      expect(stats[reached], reached).to.be.greaterThan(runs / 100)
    }
  })
})

describe('sigv4: the signing key kept per credentials', () => {
  it('shows neither the derived signing key nor the secret in util.inspect or JSON of a signature', () => {
    const ctx = {
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
      region: 'us-east-1',
      service: 'es',
      signingDate: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    }
    const req: RequestToSign = {
      method: 'GET',
      host: 'example.com',
      path: '/',
      query: '',
      headers: {},
      payloadHash: 'UNSIGNED-PAYLOAD',
    }
    let derived = Buffer.from(`AWS4${ctx.credentials.secretAccessKey}`)
    for (const part of ['20260102', 'us-east-1', 'es', 'aws4_request']) {
      derived = createHmac('sha256', derived).update(part).digest()
    }
    // Signed twice: the second signature uses the kept key.
    signNow(req, ctx)
    const signature = signNow(req, ctx)
    const shown = [
      inspect(signature, { showHidden: true, depth: Infinity }),
      JSON.stringify(signature),
      JSON.stringify(signature.describe()),
    ]
    const bytes = derived
      .subarray(0, 6)
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1 ')
    for (const text of shown) {
      for (const secret of [
        derived.toString('hex'),
        derived.toString('base64'),
        bytes,
        ctx.credentials.secretAccessKey,
      ]) {
        expect(text).not.to.include(secret)
      }
    }
  })
})
