/**
 * The differential test of the written-out SigV4 path (sigv4.ts `signNow` over
 * canonical-request.ts and query.ts) against `@smithy/signature-v4`, AWS's own signer: the same
 * request signed both ways must give the same canonical request, string to sign and headers
 * (the signature among them), or the same error. Shared by test/sigv4.test.ts and
 * test/query.test.ts (fixed seed, in `npm test`) and scripts/fuzz.ts (the long run).
 */
import assert from 'node:assert/strict'
import { stringify } from 'node:querystring'
import fc from 'fast-check'
import { Sha256 } from '@aws-crypto/sha256-js'
import { getCanonicalQuery } from '@smithy/signature-v4'
import type { HttpRequest } from '@smithy/types'
import type { RequestToSign, Signature, SigningContext } from '../../lib/sigv4'
import { signNow, signRequest } from '../../lib/sigv4'
import { canonicalQuery, queryParameters } from '../../lib/query'
import { text, utf16 } from '../reliability/fuzz-properties'

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

/** A request as the signer is given it; its query is canonical, as query.ts makes it. */
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
      query = '' // refused queries are query.ts's differential test
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
