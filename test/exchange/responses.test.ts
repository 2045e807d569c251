import { expect } from 'chai'
import { deflateSync, gzipSync } from 'node:zlib'
import {
  MAX_READ_BYTES,
  readResponse,
  withServiceHint,
  withSignatureDebug,
} from '../../lib/exchange/responses'
import type { ConnectionResponse, SignedTransportRequest } from '../../lib/exchange/types'

const TOKEN = 'FQoGZXIvYXdzEBYaDsecret/token+value=='
const SIGNATURE = 'a'.repeat(64)

const signed: SignedTransportRequest = {
  params: {
    method: 'GET',
    path: '/',
    querystring: '',
    headers: { authorization: `AWS4-HMAC-SHA256 Credential=A/x, Signature=${SIGNATURE}` },
    body: undefined,
  },
  describe: () => ({ canonicalRequest: 'GET\n/', stringToSign: 'AWS4-HMAC-SHA256\n…' }),
  credentials: { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: TOKEN },
  replayable: true,
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided.' +
  ` x-amz-security-token:${TOKEN}`

function response(statusCode: number, body: unknown): ConnectionResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body }
}

/** Counts JSON.parse calls while `fn` runs. */
async function parses<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  const original = JSON.parse
  let count = 0
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
    count++
    return original(...args)
  }) as typeof JSON.parse
  try {
    const result = await fn()
    return { result, count }
  } finally {
    JSON.parse = original
  }
}

describe('responses: reading what comes back', () => {
  it('passes a successful response through untouched, without reading its body', async () => {
    const ok = response(200, '{"token":"' + TOKEN + '"}')
    const { result, count } = await parses(() => readResponse(ok, signed, 'es'))
    expect(result.response).to.equal(ok)
    expect(result.rejection).to.equal(undefined)
    expect(count).to.equal(0)
  })

  it('reads a mismatch 403 once: redacted, classified, and debugged from the same parse', async () => {
    const refused = response(403, Buffer.from(JSON.stringify({ message: MISMATCH })))
    const { result, count } = await parses(async () =>
      withSignatureDebug(await readResponse(refused, signed, 'es'), signed),
    )
    expect(count).to.equal(1)
    const body = result.body as string
    expect(body).not.to.include(TOKEN)
    const parsed = JSON.parse(body) as { message: string; sigv4_debug: unknown }
    expect(parsed.message).to.include('<redacted session token>')
    expect(parsed.sigv4_debug).to.deep.equal(signed.describe())
  })

  it('keeps a Buffer body a Buffer when it redacts, and the same object when nothing is echoed', async () => {
    const echoed = response(400, Buffer.from(`bad signature ${SIGNATURE}`))
    const read = await readResponse(echoed, signed, 'generic')
    expect(Buffer.isBuffer(read.response.body)).to.equal(true)
    expect(String(read.response.body)).to.equal('bad signature <redacted signature>')
    const clean = response(404, '{"error":"not found"}')
    expect((await readResponse(clean, signed, 'generic')).response).to.equal(clean)
  })

  it('classifies an expired token, and adds no debug to it', async () => {
    const expired = response(
      403,
      '{"message":"The security token included in the request is expired"}',
    )
    const read = await readResponse(expired, signed, 'es')
    expect(read.rejection?.kind).to.equal('credentials-rejected')
    expect(withSignatureDebug(read, signed)).to.equal(expired)
  })

  it('adds no debug to a mismatch whose body is not a JSON object', async () => {
    const plain = response(403, MISMATCH)
    const read = await readResponse(plain, signed, 'es')
    expect(read.rejection?.kind).to.equal('signature-mismatch')
    expect(withSignatureDebug(read, signed).body).to.equal(
      MISMATCH.replace(TOKEN, '<redacted session token>'),
    )
  })

  it('decodes a gzipped or deflated error before reading it, and hands it on plain', async () => {
    for (const [encoding, pack] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ] as const) {
      const refused: ConnectionResponse = {
        statusCode: 403,
        headers: {
          'content-type': 'application/json',
          'content-encoding': encoding,
          'content-length': '99',
        },
        body: pack(JSON.stringify({ message: MISMATCH })),
      }
      const read = await readResponse(refused, signed, 'es')
      expect(read.rejection?.kind, encoding).to.equal('signature-mismatch')
      const shown = withSignatureDebug(read, signed)
      expect(shown.headers).to.deep.equal({ 'content-type': 'application/json' })
      const body = JSON.parse(shown.body as string) as { message: string; sigv4_debug: unknown }
      expect(body.message).to.include('<redacted session token>')
      expect(body.sigv4_debug).to.deep.equal(signed.describe())
    }
  })

  it('leaves a compressed error it has nothing to change, or cannot decode, as it came', async () => {
    const notFound = response(404, gzipSync('{"found":false}'))
    notFound.headers['content-encoding'] = 'gzip'
    expect((await readResponse(notFound, signed, 'es')).response).to.equal(notFound)
    const corrupt = response(403, Buffer.from('not gzip at all'))
    corrupt.headers['content-encoding'] = 'gzip'
    expect(await readResponse(corrupt, signed, 'es')).to.deep.equal({ response: corrupt })
  })
})

describe('responses: what is read is bounded', () => {
  /** An expired-token refusal followed by `padding` spaces: valid JSON, as large as asked. */
  const padded = (padding: number): Buffer =>
    Buffer.concat([
      Buffer.from('{"message":"The security token included in the request is expired"}'),
      Buffer.alloc(padding, ' '),
    ])

  it('a gzip body that decodes past the cap is decoded only to the cap, and passed on as it came', async () => {
    const bomb: ConnectionResponse = {
      statusCode: 403,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(padded(8 * 1024 * 1024)),
    }
    const read = await readResponse(bomb, signed, 'es', 1024 * 1024)
    // Not decoded to its end, so not looked at: no rejection recognised, the body the client's.
    expect(read).to.deep.equal({ response: bomb })
  })

  it('a body in hand larger than the cap is not looked at either', async () => {
    const big = response(403, padded(2 * 1024 * 1024))
    expect(await readResponse(big, signed, 'es', 1024 * 1024)).to.deep.equal({ response: big })
    // The same body within the cap is recognised.
    expect((await readResponse(big, signed, 'es')).rejection?.kind).to.equal('credentials-rejected')
  })

  it('MAX_READ_BYTES is 4 MiB', () => {
    expect(MAX_READ_BYTES).to.equal(4 * 1024 * 1024)
  })
})

describe("responses: Serverless's bare 403 to a request signed for another service", () => {
  const BARE = {
    status: 403,
    'request-id': 'r-1',
    error: { reason: '403 Forbidden', type: 'Forbidden' },
  }
  const defaulted = { service: 'es', serviceSource: 'default' as const }

  it("adds service: 'aoss' as error.caused_by, AWS's body otherwise kept", async () => {
    const read = await readResponse(response(403, JSON.stringify(BARE)), signed, 'es')
    const body = JSON.parse(withServiceHint(read, defaulted).body as string) as typeof BARE & {
      error: { caused_by: { type: string; reason: string } }
    }
    expect(body).to.deep.include({ status: 403, 'request-id': 'r-1' })
    expect(body.error).to.include({ reason: '403 Forbidden', type: 'Forbidden' })
    expect(body.error.caused_by.reason).to.include("signed for service 'es' (the default)")
    expect(body.error.caused_by.reason).to.include("service: 'aoss'")
  })

  it('leaves every other refusal alone: signed for aoss, an IAM denial, fine-grained access control', async () => {
    const iam = {
      Message: 'User: arn:aws:iam::1:user/a is not authorized to perform: es:ESHttpGet',
    }
    const fgac = { error: { type: 'security_exception', reason: 'no permissions' }, status: 403 }
    const cases: Array<[unknown, { service: string; serviceSource: 'default' | 'option' }]> = [
      [BARE, { service: 'aoss', serviceSource: 'option' }],
      [iam, defaulted],
      [fgac, defaulted],
    ]
    for (const [body, target] of cases) {
      const read = await readResponse(response(403, JSON.stringify(body)), signed, 'es')
      expect(withServiceHint(read, target)).to.equal(read.response)
    }
  })
})
