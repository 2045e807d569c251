/**
 * The differential test of the written-out SigV4 path (sigv4/sign.ts `signNow` over the
 * canonical-* steps) against `@smithy/signature-v4`, AWS's own signer: the same request signed
 * both ways must give the same canonical request, string to sign and headers (the signature
 * among them), or the same error; one level up, the same holds for the transport's requests as
 * the connection's signer sends them, which the verifier accepts. Shared by
 * test/sigv4/sign.test.ts and test/sigv4/canonical-query.test.ts (fixed seed, in `npm test`)
 * and scripts/fuzz.ts (the long run).
 */
import assert from 'node:assert/strict'
import { stringify } from 'node:querystring'
import fc from 'fast-check'
import { Sha256 } from '@aws-crypto/sha256-js'
import { getCanonicalQuery } from '@smithy/signature-v4'
import type { HttpRequest } from '@smithy/types'
import type {
  RequestToSign,
  Signature,
  SignatureDescription,
  SigningContext,
} from '../../lib/sigv4/types'
import { signNow, signRequest } from '../../lib/sigv4/sign'
import { canonicalQuery, queryParameters } from '../../lib/sigv4/canonical-query'
import { CredentialCache } from '../../lib/credentials/cache'
import { joinPath, RequestSigner } from '../../lib/exchange/request-signer'
import { NodeSha256 } from '../../lib/sigv4/sha256'
import type { ChecksumConstructor } from '../../lib/sigv4/sha256'
import type {
  ConnectionContext,
  SignedTransportRequest,
  TransportRequest,
} from '../../lib/exchange/types'
import { verifySignature } from '../../lib/testing'
import type { RawRequest } from '../../lib/testing'
import { headerSet, text, utf16 } from '../reliability/fuzz-properties'
import type { HeaderValue } from '../reliability/fuzz-properties'

/** What one way of signing gave: everything it signed and sends, or the class of its error. */
export interface Outcome {
  canonicalRequest?: string
  stringToSign?: string
  headers?: Record<string, string>
  error?: string
}

function outcomeOf(signature: Signature): Outcome {
  return { ...signature.describe(), headers: { ...signature.headers } }
}

function errorOf(err: unknown): Outcome {
  return { error: err instanceof Error ? err.constructor.name : typeof err }
}

/** The written-out path (Node's crypto). */
export function signedLean(req: RequestToSign, ctx: SigningContext): Outcome {
  try {
    return outcomeOf(signNow(req, ctx))
  } catch (err) {
    return errorOf(err)
  }
}

/** smithy's `sign` and canonicalisation, hashing in pure JavaScript (`@aws-crypto/sha256-js`). */
export async function signedBySmithy(req: RequestToSign, ctx: SigningContext): Promise<Outcome> {
  try {
    return outcomeOf(await signRequest(req, { ...ctx, sha256: Sha256 }))
  } catch (err) {
    return errorOf(err)
  }
}

/** A query's canonical form, written out and by smithy (from the decoded parameters). */
export function queryBothWays(querystring: string): { lean: Outcome; smithy: Outcome } {
  const attempt = (f: () => string): Outcome => {
    try {
      return { canonicalRequest: f() }
    } catch (err) {
      return errorOf(err)
    }
  }
  return {
    lean: attempt(() => canonicalQuery(querystring)),
    smithy: attempt(() =>
      getCanonicalQuery({ query: queryParameters(querystring) } as HttpRequest),
    ),
  }
}

// ---------------------------------------------------------------------------------------------
// What is fuzzed

/** Path and query pieces that trip encoders up. */
const TRICKY = ['', '.', '..', '...', '%', '%2', '%zz', '%2F', '%2E', '%25', '+', 'a+b', '%20', '=']
const piece = fc.oneof(
  { weight: 4, arbitrary: text(8) },
  { weight: 1, arbitrary: utf16(4) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z_0-9]{1,10}$/) },
)

/** A path as the client builds it (segments percent-encoded) or raw: dots, empty segments, any text. */
export const pathArb: fc.Arbitrary<string> = fc
  .record({
    segments: fc.array(piece, { maxLength: 5 }),
    encode: fc.boolean(),
    trailing: fc.boolean(),
    prefix: fc.constantFrom('', '/es', '/a/b', '/%7Euser', '/a/../b'),
  })
  .map(({ segments, encode, trailing, prefix }) => {
    const segs = encode
      ? segments.map((s) => {
          try {
            return encodeURIComponent(s)
          } catch {
            return s // a lone surrogate: sent raw, for both signers to refuse alike
          }
        })
      : segments
    return `${prefix}/${segs.join('/')}${trailing ? '/' : ''}`
  })

/** A query string: the client's `querystring.stringify` of parameters, or raw pairs. */
export const querystringArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(piece, fc.oneof(piece, fc.array(piece, { maxLength: 3 }))), { maxLength: 6 })
    .map((entries) => {
      const parameters: Record<string, string | string[]> = Object.create(null)
      for (const [key, value] of entries) parameters[key] = value
      try {
        return stringify(parameters)
      } catch {
        return entries.map(([k]) => k).join('&')
      }
    }),
  fc
    .array(
      fc.oneof(
        fc.tuple(piece, piece).map(([k, v]) => `${k}=${v}`),
        piece,
        fc.constantFrom('a=1', 'a=', 'a', 'A=1', 'a=2', '__proto__=1', 'X-Amz-Date=1', '&&'),
      ),
      { maxLength: 7 },
    )
    .map((pairs) => pairs.join('&')),
)

/** Header values with the whitespace SigV4 folds: inner runs, tabs, line breaks, ends. */
const spacedValue = fc
  .array(fc.oneof(piece, fc.constantFrom(' ', '  ', '\t', ' \t ', '\r\n ', '\n', '\r')), {
    maxLength: 6,
  })
  .map((parts) => parts.join(''))

const contentTypeArb = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'application/json',
    'application/x-ndjson',
    'application/vnd.elasticsearch+json; compatible-with=9',
    '  application/json ;  charset=utf-8  ',
    'text/plain;\tcharset=UTF-8',
    '',
  ),
  spacedValue,
)

/** Further signed headers (lower-case names, as the signer is given them): any, and the special ones. */
const extraHeadersArb = fc.dictionary(
  fc.oneof(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
    fc.constantFrom(
      'host',
      'x-amz-date',
      'x-amz-security-token',
      'x-amz-content-sha256',
      'authorization',
      'date',
      'user-agent',
      'connection',
      'expect',
      'proxy-authorization',
      'sec-fetch-mode',
      'x-amzn-trace-id',
      'x-amz-meta-a',
      'content-type',
    ),
  ),
  spacedValue,
  { maxKeys: 4 },
)

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/)

/** A request as the signer is given it; its query is canonical, as canonical-query.ts makes it. */
export const requestArb: fc.Arbitrary<RequestToSign> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD'),
    host: fc.constantFrom(
      'search-d-abc.us-east-1.es.amazonaws.com',
      'abc.eu-west-1.aoss.amazonaws.com',
      'localhost:9200',
      ' spaced.example  ',
    ),
    path: pathArb,
    querystring: querystringArb,
    contentType: contentTypeArb,
    extra: fc.oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: extraHeadersArb },
    ),
    payloadHash: fc.oneof(fc.constant('UNSIGNED-PAYLOAD'), hex64, spacedValue),
    signPayloadHashHeader: fc.constantFrom(undefined, true, false),
  })
  .map((r): RequestToSign => {
    const headers: Record<string, string> = { ...r.extra }
    if (r.contentType !== undefined) headers['content-type'] = r.contentType
    let query: string
    try {
      query = canonicalQuery(r.querystring)
    } catch {
      query = '' // refused queries are canonical-query.ts's differential test
    }
    return {
      method: r.method,
      host: r.host,
      path: r.path,
      query,
      headers,
      payloadHash: r.payloadHash,
      ...(r.signPayloadHashHeader === undefined
        ? {}
        : { signPayloadHashHeader: r.signPayloadHashHeader }),
    }
  })

/** Credentials (with no, an empty or a real-looking session token), region, service and date. */
export const contextArb: fc.Arbitrary<SigningContext> = fc
  .record({
    accessKeyId: fc.stringMatching(/^AKIA[A-Z0-9]{4,16}$/),
    secretAccessKey: fc.stringMatching(/^[A-Za-z0-9+/]{10,40}$/),
    sessionToken: fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      fc.stringMatching(/^[A-Za-z0-9+/=]{8,60}$/),
      spacedValue,
    ),
    region: fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1'),
    service: fc.constantFrom('es', 'aoss', 'execute-api', 'vpc-lattice-svcs'),
    time: fc.oneof(
      fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }),
      // Seconds apart within one minute, one after another: `x-amz-date` must follow each.
      fc.integer({ min: 0, max: 5_000 }).map((ms) => Date.UTC(2026, 0, 1, 12) + ms),
    ),
  })
  .map((c) => ({
    credentials: {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken === undefined ? {} : { sessionToken: c.sessionToken }),
    },
    region: c.region,
    service: c.service,
    signingDate: new Date(c.time),
    sha256: Sha256,
  }))

/** What a run went through, so a test can show the fuzz reached every branch. */
export interface DifferentialStats {
  runs: number
  errors: number
  /** Requests with headers besides content-type (the general header path). */
  otherHeaders: number
  /** Paths the plain-path shortcut does not take (normalised, or encoded from raw text). */
  unusualPaths: number
  withToken: number
  withQuery: number
}

export function newStats(): DifferentialStats {
  return { runs: 0, errors: 0, otherHeaders: 0, unusualPaths: 0, withToken: 0, withQuery: 0 }
}

/** Every fuzzed request signed both ways: identical outcomes, error classes included. */
export function signingProperty(stats: DifferentialStats = newStats()) {
  return fc.asyncProperty(requestArb, contextArb, async (req, ctx) => {
    const lean = signedLean(req, ctx)
    const smithy = await signedBySmithy(req, ctx)
    assert.deepEqual(lean, smithy)
    stats.runs++
    if (lean.error !== undefined) stats.errors++
    if (Object.keys(req.headers).some((name) => name !== 'content-type')) stats.otherHeaders++
    if (!/^\/[A-Za-z0-9\-._~%/]*$/.test(req.path) || /\/\/|\/\.\.?(\/|$)/.test(req.path))
      stats.unusualPaths++
    if (ctx.credentials.sessionToken) stats.withToken++
    if (req.query !== '') stats.withQuery++
  })
}

/** Every fuzzed query string canonicalised both ways: the same string, or the same error. */
export function queryProperty(stats: DifferentialStats = newStats()) {
  return fc.property(querystringArb, (querystring) => {
    const { lean, smithy } = queryBothWays(querystring)
    assert.deepEqual(lean, smithy)
    stats.runs++
    if (lean.error !== undefined) stats.errors++
    else {
      // What is sent is canonical already: signing it again changes nothing, either way.
      const again = queryBothWays(lean.canonicalRequest!)
      assert.deepEqual(again, { lean, smithy: lean })
    }
  })
}

// ---------------------------------------------------------------------------------------------
// One level up: the transport's request, as the connection is given it, signed both ways

/** Header values as a transport or a user may set them: odd whitespace, unicode, numbers, repeats. */
const oddValue: fc.Arbitrary<HeaderValue> = fc.oneof(
  spacedValue,
  text(20),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.oneof(spacedValue, text(8)), { minLength: 1, maxLength: 3 }),
)

/** Header sets: the e2e fuzz's (wire-legal) ones, or ones with any value under any-case names. */
const transportHeadersArb: fc.Arbitrary<Record<string, HeaderValue | undefined>> = fc.oneof(
  headerSet(),
  fc.dictionary(
    fc.oneof(
      fc.constantFrom('content-type', 'Content-Type', 'CONTENT-TYPE', 'Authorization', 'Host'),
      fc.constantFrom('X-Amz-Date', 'x-amz-security-token', 'accept', 'x-n', 'X-Opaque-Id'),
    ),
    fc.option(oddValue, { nil: undefined }),
    { maxKeys: 5 },
  ),
)

/** A body the connection can sign without reading it: none, empty, any text, any bytes. */
const bodyArb: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(''),
  text(40),
  utf16(100),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
)

/** A request as the transport hands it over: path with or without its leading slash. */
export const transportRequestArb: fc.Arbitrary<TransportRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD'),
    path: pathArb,
    slash: fc.boolean(),
    querystring: querystringArb,
    headers: transportHeadersArb,
    body: bodyArb,
  })
  .map(({ method, path, slash, querystring, headers, body }) => ({
    method,
    path: slash ? path : path.slice(1),
    querystring,
    headers: headers as TransportRequest['headers'],
    body,
  }))

/** The connection's side: node URL (with or without a path prefix), default headers, options. */
export const connectionArb: fc.Arbitrary<ConnectionContext> = fc
  .record({
    url: fc.constantFrom(
      'https://search-d-abc.us-east-1.es.amazonaws.com/',
      'https://abc.eu-west-1.aoss.amazonaws.com/prefix/',
      'http://localhost:9200/es',
    ),
    headers: fc.option(headerSet(), { nil: undefined }),
    plainMediaTypes: fc.boolean(),
    unsignedPayload: fc.constantFrom(false, true, 'streams' as const),
    region: fc.constantFrom('us-east-1', 'eu-west-1'),
    service: fc.constantFrom('es', 'aoss'),
  })
  .map((c) => {
    const url = new URL(c.url)
    return {
      url,
      headers: (c.headers ?? null) as ConnectionContext['headers'],
      target: {
        region: c.region,
        service: c.service,
        host: url.host,
        regionSource: 'option',
        serviceSource: 'option',
      } as ConnectionContext['target'],
      plainMediaTypes: c.plainMediaTypes,
      unsignedPayload: c.unsignedPayload,
      refusals: 'es',
    }
  })

/** What a connection sends after signing: method, path, query, body and every header. */
interface SentOutcome {
  params?: Record<string, unknown>
  description?: SignatureDescription
  error?: string
}

function sentOutcome(s: SignedTransportRequest): SentOutcome {
  const headers: Record<string, string | string[]> = {}
  for (const name of Object.keys(s.params.headers)) headers[name] = s.params.headers[name]
  return { params: { ...s.params, headers }, description: s.describe() }
}

/** A hash with smithy's pure-JavaScript SHA-256 that counts its use: proof smithy signed. */
export function countingSha256(): { sha256: ChecksumConstructor; constructed: () => number } {
  let count = 0
  class CountingSha256 extends Sha256 {
    constructor(secret?: ConstructorParameters<typeof Sha256>[0]) {
      super(secret)
      count++
    }
  }
  return { sha256: CountingSha256, constructed: () => count }
}

/**
 * The request as it arrives at a server, for the verifier, when it can go on the wire as it is:
 * a path of visible ASCII but `#` and `?` (a client encodes the rest) and header values an HTTP
 * stack sends unchanged (no line breaks; no U+00A0, which the emulator trims and SigV4 does not).
 */
export function wireRequest(sent: Record<string, unknown>, url: URL): RawRequest | undefined {
  const path = joinPath(url.pathname, sent.path as string)
  if (!/^[\x21-\x7e]*$/.test(path) || /[#?]/.test(path)) return undefined
  const rawHeaders: string[] = []
  for (const [name, value] of Object.entries(sent.headers as Record<string, string | string[]>)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (!/^[\t\x20-\x7e\x80-\x9f\xa1-\xff]*$/.test(v)) return undefined
      rawHeaders.push(name, v)
    }
  }
  const query = sent.querystring as string
  const body = sent.body as string | Buffer | undefined
  return {
    method: sent.method as string,
    url: query === '' ? path : `${path}?${query}`,
    rawHeaders,
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(body),
  }
}

export interface TransportStats extends DifferentialStats {
  /** Signed requests the verifier checked (and accepted). */
  verified: number
  numbers: number
  arrays: number
}

export function newTransportStats(): TransportStats {
  return { ...newStats(), verified: 0, numbers: 0, arrays: 0 }
}

const TRANSPORT_NOW = new Date('2026-03-04T05:06:07Z')

/**
 * Every fuzzed transport request signed by the connection's signer both ways: now, without a
 * promise, on the written-out path (Node's hash), and through smithy (a custom hash). What is
 * sent and what is described must be identical, or the error class; `params` is never
 * modified; and what is sent passes the independent verifier of lib/testing.
 */
export function transportSigningProperty(stats: TransportStats = newTransportStats()) {
  return fc.asyncProperty(
    transportRequestArb,
    connectionArb,
    contextArb,
    async (params, connection, { credentials }) => {
      const before = JSON.stringify(params)
      const signer = (sha256: ChecksumConstructor) =>
        new RequestSigner({
          credentials: new CredentialCache(credentials),
          sha256,
          maxBodyBytes: 1 << 20,
          now: () => TRANSPORT_NOW,
        })
      let lean: SentOutcome
      try {
        const now = signer(NodeSha256).signSync(params, connection)
        assert.ok(now !== undefined, 'a request with nothing to wait for is signed now')
        lean = sentOutcome(now)
      } catch (err) {
        lean = errorOf(err)
      }
      const counting = countingSha256()
      let smithy: SentOutcome
      try {
        smithy = sentOutcome(await signer(counting.sha256).sign(params, connection))
        assert.ok(counting.constructed() > 0, 'a custom sha256 signs through smithy')
      } catch (err) {
        smithy = errorOf(err)
      }
      assert.deepEqual(lean, smithy)
      assert.equal(JSON.stringify(params), before, 'params unchanged')

      stats.runs++
      const values = Object.values(params.headers ?? {})
      if (values.some((v) => typeof v === 'number')) stats.numbers++
      if (values.some(Array.isArray)) stats.arrays++
      if (credentials.sessionToken) stats.withToken++
      if (lean.error !== undefined) {
        stats.errors++
        return
      }
      const wire = wireRequest(lean.params!, connection.url)
      // STS tokens are base64; one with spaces or line breaks is the canonical fuzz's concern.
      if (wire === undefined || !/^[A-Za-z0-9+/=]*$/.test(credentials.sessionToken ?? '')) return
      const verdict = verifySignature(wire, {
        // An empty token is no token: none is sent, none is expected.
        credentials: [
          credentials.sessionToken ? credentials : { ...credentials, sessionToken: undefined },
        ],
        region: connection.target.region,
        service: connection.target.service,
        now: TRANSPORT_NOW.getTime(),
      })
      assert.equal(verdict.reason, 'ok', `${verdict.message}\n${JSON.stringify(wire)}`)
      stats.verified++
    },
  )
}
