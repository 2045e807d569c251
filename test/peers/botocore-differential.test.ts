import { expect } from 'chai'
import fc from 'fast-check'
import { writeFileSync } from 'node:fs'
import type { RequestToSign, SigningContext } from '../../lib/sigv4/types'
import { pythonPeersMissing, startPeers } from '../support/python-peers'
import type { PeerProcess } from '../support/python-peers'
import { contextArb, requestArb, signedLean } from '../support/sigv4-differential'
import { describeWithTools } from '../support/tool-requirements'

/**
 * botocore's SigV4Auth as a second differential reference beside @smithy/signature-v4: the
 * fuzzed corpus of test/support/sigv4-differential.ts (fixed seed) signed by our signer and by
 * botocore (one Python process, JSON lines) gives the same canonical request, string to sign and
 * signature. Within what botocore signs the same way: the headers our signer signed are the
 * ones botocore is given (it has its own list of unsignable ones), and requests our signer
 * refuses (lone surrogates, ...) are left out.
 */

const RUNS = 400

/**
 * Characters Python's `str.split()` counts as whitespace but SigV4's Trimall (spaces, as our
 * signer and @smithy/signature-v4 read AWS's documentation) does not: botocore folds them in
 * header values (`' '.join(value.split())`), so a value holding one is signed differently.
 * Explained, not compared; so are values with line breaks and tokens beyond printable ASCII:
 * botocore keeps headers in an `email.message.Message`, which unfolds line breaks and turns
 * non-ASCII values into `Header` objects (it then drops or cannot sign them).
 */
const PYTHON_ONLY_WHITESPACE =
  /[\v\f\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/
const SEED = 20_260_120

interface Botocore {
  canonicalRequest?: string
  stringToSign?: string
  signature?: string
  error?: string
}

function botocoreMessage(req: RequestToSign, ctx: SigningContext, signed: string[]): object {
  const headers: Record<string, string> = {}
  for (const name of signed) {
    if (name === 'x-amz-date' || name === 'x-amz-security-token') continue // botocore sets them
    if (name === 'x-amz-content-sha256') headers['X-Amz-Content-SHA256'] = req.payloadHash
    else if (name === 'host')
      headers.host = req.host // what our signer signs, whatever the headers say
    else headers[name] = req.headers[name]
  }
  return {
    op: 'sign',
    method: req.method,
    host: req.host,
    path: req.path,
    query: req.query,
    headers,
    payloadHash: req.payloadHash,
    accessKeyId: ctx.credentials.accessKeyId,
    secretAccessKey: ctx.credentials.secretAccessKey,
    sessionToken: ctx.credentials.sessionToken,
    region: ctx.region,
    service: ctx.service,
    time: (ctx.signingDate as Date).getTime(),
  }
}

describeWithTools('botocore as a differential reference', pythonPeersMissing(), () => {
  let peers: PeerProcess
  before(function () {
    this.timeout(600_000)
    peers = startPeers()
  })
  after(async () => peers?.close())

  it(`signs the fuzzed corpus (${RUNS} requests, fixed seed) as we do`, async function () {
    this.timeout(120_000)
    let explained = 0
    const corpus = fc.sample(fc.tuple(requestArb, contextArb), { numRuns: RUNS, seed: SEED })
    const ours = corpus.map(([req, ctx]) => signedLean(req, ctx))
    const kept = corpus.flatMap(([req, ctx], i) => {
      const o = ours[i]
      if (o.error !== undefined || o.canonicalRequest === undefined) return []
      const lines = o.canonicalRequest.split('\n')
      const signed = lines[lines.indexOf('', 3) + 1].split(';')
      const values = signed.map((name) =>
        name === 'x-amz-content-sha256' ? req.payloadHash : (req.headers[name] ?? ''),
      )
      const token = ctx.credentials.sessionToken ?? ''
      if (
        values.some((v) => PYTHON_ONLY_WHITESPACE.test(v) || /[\r\n]/.test(v)) ||
        PYTHON_ONLY_WHITESPACE.test(token) ||
        /[^\x20-\x7e\t]/.test(token)
      ) {
        explained++
        return []
      }
      return [{ i, message: botocoreMessage(req, ctx, signed) }]
    })
    const answers = await peers.askAll<Botocore>(kept.map((k) => k.message))
    const ctx = (i: number): SigningContext => corpus[i][1]
    const differences = kept.flatMap(({ i }, n) => {
      const o = ours[i]
      const b = answers[n]
      const signature = /Signature=([0-9a-f]{64})/.exec(o.headers?.authorization ?? '')?.[1]
      // Our description shows the session token redacted; the string to sign holds the hash of
      // the real canonical request, so it (and the signature) is compared instead.
      const token = ctx(i).credentials.sessionToken
      const theirs = token ? o.canonicalRequest : b.canonicalRequest
      return theirs === o.canonicalRequest &&
        b.stringToSign === o.stringToSign &&
        b.signature === signature
        ? []
        : [
            {
              request: corpus[i][0],
              ours: o.canonicalRequest,
              botocore: b.canonicalRequest ?? b.error,
              token: token ?? null,
              stringToSign: [o.stringToSign, b.stringToSign],
              signature: [signature, b.signature],
            },
          ]
    })
    if (process.env.BOTO_DUMP) writeFileSync(process.env.BOTO_DUMP, JSON.stringify(differences))
    expect(differences.slice(0, 3), `${differences.length} of ${kept.length} differ`).to.deep.equal(
      [],
    )
    expect(kept.length).to.be.greaterThan(RUNS / 2)
    expect(kept.length + explained).to.be.greaterThan(RUNS * 0.8)
  })
})
