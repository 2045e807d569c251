import { expect } from 'chai'
import fc from 'fast-check'
import { writeFileSync } from 'node:fs'
import type { RequestToSign, SigningContext } from '../../lib/sigv4/types'
import { amzDate } from '../../lib/sigv4/amz-date'
import { canonicalHeaders } from '../../lib/sigv4/canonical-headers'
import { canonicalRequest } from '../../lib/sigv4/canonical-request'
import { sha256HexNow } from '../../lib/sigv4/sha256'
import { signingKey } from '../../lib/sigv4/signing-key'
import { pythonPeersMissing, startPeers } from '../support/python-peers'
import type { PeerProcess } from '../support/python-peers'
import { addRunNotes } from '../support/run-notes'
import { contextArb, requestArb, signedLean } from '../support/sigv4-differential'
import { describeWithTools } from '../support/tool-requirements'
import { fuzzSeed } from '../reliability/fuzz-properties'

/**
 * botocore's SigV4Auth as a second differential reference beside @smithy/signature-v4: every
 * request of the fuzzed corpus of test/support/sigv4-differential.ts (the one test/sigv4/sign.test.ts
 * signs with smithy: same size, same seed) is signed by
 * our signer and by botocore (one Python process, JSON lines), and the canonical request, the
 * string to sign and the signature must be identical; a request our signer refuses must be
 * refused by botocore too.
 *
 * What botocore is given: the request as our signer saw it, with the headers our signer signed.
 * Which headers to sign is the signer's choice (AWS's documentation requires only `host` and the
 * `x-amz-*` ones); smithy and botocore each keep their own list of headers they never sign, so
 * botocore gets the set our signer chose, and what is compared is how they are signed.
 *
 * Where botocore departs from SigV4 as AWS documents it, the expected answer is ours with that
 * departure applied, and the comparison is still exact. Two classes, counted in the run notes:
 *
 * 1. Whitespace beyond spaces and tabs. AWS's documentation ("Create a canonical request":
 *    header values trimmed of leading and trailing spaces, sequential spaces converted to one
 *    space) and smithy fold spaces (and tabs and line breaks, AWS's `get-header-value-multiline`
 *    vector). botocore folds with Python's `' '.join(value.split())`, and `str.split()` also
 *    splits at every other character Python counts as whitespace (U+000B, U+000C,
 *    U+001C-U+001F, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
 *    U+3000). Expected: our canonical request with each header value folded Python's way.
 *    Only U+0085 and U+00A0 can be sent at all (HTTP field values are visible ASCII, spaces,
 *    tabs and obs-text bytes; Node's http refuses the rest), and a SigV4 signer never adds them.
 * 2. A lone surrogate in a header value, the session token or the payload hash. It is not
 *    Unicode text and has no UTF-8 form, while SigV4 hashes the canonical request as UTF-8. Our
 *    signer (as smithy) hashes what Node's encoder gives, U+FFFD in its place; botocore cannot
 *    hold such a value in its headers (`email` turns it into a `Header` object and the signer
 *    fails) nor encode it (UnicodeEncodeError). botocore is given U+FFFD in its place, which
 *    is what our signer signed; expected: ours, unchanged. (No HTTP stack sends such a value.)
 *
 * A lone surrogate in the path is refused by both (our URIError, Python's UnicodeEncodeError).
 * botocore also never signs `baggage`, `traceparent` and `tracestate`, which smithy signs: a
 * choice of headers, kept out of the corpus (the test checks it holds none).
 */

/** The corpus test/sigv4/sign.test.ts signs with smithy: as many requests, the same seed. */
const RUNS = 3000
const SEED = fuzzSeed()

/** Every character Python's `str.split()` splits at (`str.isspace()`). */
const PYTHON_WHITESPACE =
  // eslint-disable-next-line no-control-regex -- Python counts U+001C-U+001F as whitespace
  /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/
/** Those of them SigV4's folding leaves alone (it folds spaces, tabs, CR and LF). */
const PYTHON_ONLY_WHITESPACE =
  // eslint-disable-next-line no-control-regex -- as above
  /[\v\f\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** A header value as botocore folds it. */
const pythonFold = (value: string): string =>
  value
    .split(PYTHON_WHITESPACE)
    .filter((part) => part !== '')
    .join(' ')

const wellFormed = (value: string): string => value.replace(LONE_SURROGATE, '\ufffd')

interface Botocore {
  canonicalRequest?: string
  stringToSign?: string
  signature?: string
  error?: string
}

interface Expected {
  canonicalRequest: string
  stringToSign: string
  signature: string
}

/** How a request compared; the two explained classes can meet in one request. */
interface Outcome {
  whitespace: boolean
  loneSurrogate: boolean
}

/** Headers botocore never signs that smithy (and so our signer) would. */
const BOTOCORE_NEVER_SIGNS = ['baggage', 'traceparent', 'tracestate']

/** The headers our signer signed, from its Authorization header. */
function signedNames(authorization: string): string[] {
  const names = /SignedHeaders=([^,]+),/.exec(authorization)?.[1]
  if (names === undefined) throw new Error(`no SignedHeaders in ${authorization}`)
  return names.split(';')
}

/** The request for botocore: our signed headers, with the values our signer hashed. */
function botocoreMessage(req: RequestToSign, ctx: SigningContext, signed: string[]): object {
  const token = ctx.credentials.sessionToken
  const headers: Record<string, string> = {}
  for (const name of signed) {
    // botocore sets these itself (a given x-amz-security-token stays when there is no token).
    if (name === 'x-amz-date' || (name === 'x-amz-security-token' && token)) continue
    if (name === 'x-amz-content-sha256') headers['X-Amz-Content-SHA256'] = req.payloadHash
    else if (name === 'host') headers.host = req.host
    else headers[name] = req.headers[name]
  }
  for (const name of Object.keys(headers)) headers[name] = wellFormed(headers[name])
  return {
    op: 'sign',
    method: req.method,
    host: req.host,
    path: req.path,
    query: req.query,
    headers,
    payloadHash: wellFormed(req.payloadHash),
    accessKeyId: ctx.credentials.accessKeyId,
    secretAccessKey: ctx.credentials.secretAccessKey,
    sessionToken: token === undefined ? undefined : wellFormed(token),
    region: ctx.region,
    service: ctx.service,
    time: (ctx.signingDate as Date).getTime(),
  }
}

/**
 * What botocore must answer: our canonical request (unredacted, rebuilt from the same steps and
 * checked to be the one whose hash we signed), with the classes above applied.
 */
function expectedOf(
  req: RequestToSign,
  ctx: SigningContext,
  stringToSign: string,
): { expected: Expected; outcome: Outcome } {
  const date = amzDate(ctx.signingDate as Date)
  const ours = canonicalRequest(req, canonicalHeaders(req, date, ctx.credentials.sessionToken))
  expect(
    stringToSign.endsWith(`\n${sha256HexNow(ours)}`),
    'the rebuilt canonical request',
  ).to.equal(true)
  const lines = wellFormed(ours).split('\n')
  const end = lines.indexOf('', 3)
  let folded = false
  for (let i = 3; i < end; i++) {
    const colon = lines[i].indexOf(':')
    const value = lines[i].slice(colon + 1)
    if (PYTHON_ONLY_WHITESPACE.test(value)) {
      lines[i] = `${lines[i].slice(0, colon + 1)}${pythonFold(value)}`
      folded = true
    }
  }
  const canonical = lines.join('\n')
  const outcome: Outcome = { whitespace: folded, loneSurrogate: wellFormed(ours) !== ours }
  const expectedToSign = stringToSign.replace(/[0-9a-f]{64}$/, sha256HexNow(canonical))
  const [, scope] = /\n([^\n]+)\n[0-9a-f]{64}$/.exec(stringToSign) ?? []
  const signature = signingKey(
    ctx.credentials,
    scope,
    date.slice(0, 8),
    ctx.region,
    ctx.service,
  ).hex(expectedToSign)
  return {
    expected: { canonicalRequest: canonical, stringToSign: expectedToSign, signature },
    outcome,
  }
}

const counts = { compared: 0, identical: 0, whitespace: 0, loneSurrogate: 0, refusedByBoth: 0 }

describeWithTools('botocore as a differential reference', pythonPeersMissing(), () => {
  let peers: PeerProcess
  before(function () {
    this.timeout(600_000)
    peers = startPeers()
  })
  after(async () => peers?.close())

  it(`signs the whole fuzzed corpus (${RUNS} requests, seed ${SEED}) as we do`, async function () {
    this.timeout(120_000)
    const corpus = fc.sample(fc.tuple(requestArb, contextArb), { numRuns: RUNS, seed: SEED })
    const ours = corpus.map(([req, ctx]) => signedLean(req, ctx))
    const messages = corpus.map(([req, ctx], i) => {
      const authorization = ours[i].headers?.authorization
      // A request our signer refused goes to botocore with the headers it was given.
      const signed = authorization ? signedNames(authorization) : Object.keys(req.headers)
      expect(signed.filter((name) => BOTOCORE_NEVER_SIGNS.includes(name))).to.deep.equal([])
      return botocoreMessage(req, ctx, signed)
    })
    const answers = await peers.askAll<Botocore>(messages)

    const differences: object[] = []
    for (const [i, [req, ctx]] of corpus.entries()) {
      const o = ours[i]
      const b = answers[i]
      counts.compared++
      if (o.error !== undefined) {
        // Both refuse (lone surrogates in the path): our URIError, botocore's encoding error.
        if (o.error === 'URIError' && /^UnicodeEncodeError/.test(b.error ?? '')) {
          counts.refusedByBoth++
        } else differences.push({ i, request: req, ours: o.error, botocore: b })
        continue
      }
      const { expected, outcome } = expectedOf(req, ctx, o.stringToSign!)
      const theirs = {
        canonicalRequest: b.canonicalRequest,
        stringToSign: b.stringToSign,
        signature: b.signature,
      }
      if (JSON.stringify(theirs) === JSON.stringify(expected)) {
        if (outcome.whitespace) counts.whitespace++
        if (outcome.loneSurrogate) counts.loneSurrogate++
        if (!outcome.whitespace && !outcome.loneSurrogate) counts.identical++
      } else differences.push({ i, request: req, outcome, expected, botocore: b })
    }
    if (process.env.BOTO_DUMP) writeFileSync(process.env.BOTO_DUMP, JSON.stringify(differences))
    expect(differences.slice(0, 3), `${differences.length} of ${RUNS} differ`).to.deep.equal([])
    // Every request was compared, and most needed no explanation at all.
    expect(counts.compared).to.equal(RUNS)
    expect(counts.identical).to.be.greaterThan(RUNS * 0.8)
  })
})

addRunNotes(() =>
  counts.compared === 0
    ? []
    : [
        `botocore differential: ${counts.compared} requests compared: ${counts.identical} ` +
          `identical as they are, ${counts.whitespace} identical once header values are folded ` +
          `at Python's whitespace, ${counts.loneSurrogate} identical with U+FFFD for a lone ` +
          `surrogate in a header value, token or payload hash, ${counts.refusedByBoth} refused by both`,
      ],
)
