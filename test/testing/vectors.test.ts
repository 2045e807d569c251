// AWS's official SigV4 vectors through the emulator's own canonicalisation and verifier.
import { expect } from 'chai'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { verifySignature, type RawRequest } from '../../lib/testing'
import {
  buildCanonicalRequest,
  computeSignature,
  deriveSigningKey,
  headerValues,
} from '../../lib/testing/canonical'
import { parseAuthorization } from '../../lib/testing/verifier'

const SUITE = join(__dirname, '..', '..', '..', 'shared', 'aws-sigv4-test-suite', 'v4')

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string }
  region: string
  service: string
  timestamp: string
  normalize: boolean
  omit_session_token?: boolean
}

/** Parses a vector's request file. Folded continuation lines join their header's value. */
function parseRequest(text: string): RawRequest {
  const lines = text.split('\n')
  const requestLine = lines[0]
  const method = requestLine.slice(0, requestLine.indexOf(' '))
  const url = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '))
  const rawHeaders: string[] = []
  let i = 1
  for (; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i]
    if (/^[ \t]/.test(line)) {
      rawHeaders[rawHeaders.length - 1] += '\n' + line
      continue
    }
    const colon = line.indexOf(':')
    rawHeaders.push(line.slice(0, colon), line.slice(colon + 1))
  }
  const body = lines.slice(i + 1).join('\n')
  return { method, url, rawHeaders, body: Buffer.from(body, 'utf8') }
}

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8')

describe('AWS SigV4 test suite (v4) through the emulator verifier', () => {
  const cases = existsSync(SUITE) ? readdirSync(SUITE).sort() : []

  it('finds the vectors', () => {
    expect(cases.length).to.be.greaterThan(30)
  })

  for (const name of cases) {
    const dir = join(SUITE, name)
    const ctx = JSON.parse(read(dir, 'context.json')) as Context
    const signed = parseRequest(read(dir, 'header-signed-request.txt'))
    const options = {
      credentials: [
        {
          accessKeyId: ctx.credentials.access_key_id,
          secretAccessKey: ctx.credentials.secret_access_key,
          sessionToken: ctx.credentials.token,
        },
      ],
      region: ctx.region,
      service: ctx.service,
      now: Date.parse(ctx.timestamp),
      // The *-unnormalized cases are S3-style: run them with path normalisation off.
      normalizePath: ctx.normalize,
    }

    describe(name, () => {
      it('rebuilds the canonical request, string to sign and signature', () => {
        const result = verifySignature(signed, {
          ...options,
          // post-sts-header-after adds the token after signing; the emulator, like
          // OpenSearch Service, wants it signed, so that rule is relaxed here only.
          sessionTokenMustBeSigned: !ctx.omit_session_token,
        })
        expect(result.canonicalRequest).to.equal(read(dir, 'header-canonical-request.txt'))
        expect(result.stringToSign).to.equal(read(dir, 'header-string-to-sign.txt'))
        const date = ctx.timestamp.slice(0, 10).replace(/-/g, '')
        const key = deriveSigningKey(
          ctx.credentials.secret_access_key,
          date,
          ctx.region,
          ctx.service,
        )
        expect(computeSignature(key, result.stringToSign ?? '')).to.equal(
          read(dir, 'header-signature.txt'),
        )
        expect(result.reason).to.equal('ok')
        expect(result.ok).to.equal(true)
      })

      it('refuses the same request with one signature digit changed', () => {
        const auth = headerValues(signed.rawHeaders, 'authorization')[0]
        const flipped = auth.replace(
          /Signature=(.)/,
          (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`,
        )
        const rawHeaders = signed.rawHeaders.map((v) => (v === auth ? flipped : v))
        const result = verifySignature(
          { ...signed, rawHeaders },
          { ...options, sessionTokenMustBeSigned: !ctx.omit_session_token },
        )
        expect(result.ok).to.equal(false)
        expect(result.reason).to.equal('signature-mismatch')
      })
    })
  }

  it('get-header-key-duplicate: repeated headers are joined with "," in arrival order', () => {
    const signed = parseRequest(read(join(SUITE, 'get-header-key-duplicate'), 'request.txt'))
    const canonical = buildCanonicalRequest({
      ...signed,
      signedHeaders: ['host', 'my-header1'],
      payloadHash: 'x',
    })
    expect(canonical).to.contain('my-header1:value2,value2,value1\n')
  })

  it('get-header-value-multiline: folded lines collapse to single spaces', () => {
    // Node's HTTP parser refuses obs-fold with 400 before the emulator sees the request, so
    // only the pure function can be given a folded header; it unfolds it as AWS does.
    const signed = parseRequest(read(join(SUITE, 'get-header-value-multiline'), 'request.txt'))
    const canonical = buildCanonicalRequest({
      ...signed,
      signedHeaders: ['host', 'my-header1'],
      payloadHash: 'x',
    })
    expect(canonical).to.contain('my-header1:value1 value2 value3\n')
  })

  it('post-sts-header-after: an unsigned session token is refused by default', () => {
    const dir = join(SUITE, 'post-sts-header-after')
    const ctx = JSON.parse(read(dir, 'context.json')) as Context
    const result = verifySignature(parseRequest(read(dir, 'header-signed-request.txt')), {
      credentials: [
        {
          accessKeyId: ctx.credentials.access_key_id,
          secretAccessKey: ctx.credentials.secret_access_key,
          sessionToken: ctx.credentials.token,
        },
      ],
      region: ctx.region,
      service: ctx.service,
      now: Date.parse(ctx.timestamp),
    })
    expect(result.reason).to.equal('token-mismatch')
    expect(JSON.parse(result.response?.body ?? '{}')).to.deep.equal({
      message: 'The security token included in the request is invalid.',
    })
  })

  it('parses the Authorization header into algorithm and parameters', () => {
    const parsed = parseAuthorization(
      'AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
    )
    expect(parsed.algorithm).to.equal('AWS4-HMAC-SHA256')
    expect(parsed.params.get('SignedHeaders')).to.equal('host;x-amz-date')
  })
})
