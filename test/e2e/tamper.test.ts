import { expect } from 'chai'
import { Client, HttpConnection, errors } from '@elastic/elasticsearch'
import type { ConnectionRequestOptions, ConnectionRequestParams } from '@elastic/elasticsearch'
import { createAwsSigV4Connection } from '../../lib'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'

/**
 * Requests signed by our connection and then altered on their way out (by a base class that
 * changes the signed params before sending) must be refused by the verifying endpoint with
 * AWS's 403: proof that the endpoint checks what arrived, not what we meant.
 */
const CREDS = {
  accessKeyId: 'AKIDTAMPER',
  secretAccessKey: 'tamper-secret',
  sessionToken: 'tamper-token',
}
const MISMATCH = /The request signature we calculated does not match the signature you provided/

type Tamper = (p: ConnectionRequestParams & { headers: Record<string, string> }) => void

function tamperingBase(tamper: Tamper): typeof HttpConnection {
  class TamperingConnection extends HttpConnection {
    // @ts-expect-error narrowing the overloads is fine for this test double
    override async request(params: ConnectionRequestParams, options: ConnectionRequestOptions) {
      const copy = { ...params, headers: { ...(params.headers as Record<string, string>) } }
      tamper(copy)
      return super.request(copy, options)
    }
  }
  return TamperingConnection as unknown as typeof HttpConnection
}

describe('e2e tampered requests are refused by the verifying endpoint', function () {
  this.timeout(30_000)
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({ credentials: CREDS, region: 'eu-west-1', service: 'es' })
  })
  after(() => emu.close())

  const cases: Array<[string, Tamper, RegExp]> = [
    [
      'changed body',
      (p) => {
        p.body = '{"msg":"evil"}'
        p.headers['content-length'] = String(Buffer.byteLength(p.body))
      },
      /x-amz-content-sha256|does not match/,
    ],
    ['changed path', (p) => void (p.path = '/other/_doc/1'), MISMATCH],
    ['changed query', (p) => void (p.querystring = 'refresh=true'), MISMATCH],
    [
      'changed token',
      (p) => void (p.headers['x-amz-security-token'] = 'other-token'),
      /security token included in the request is invalid/,
    ],
    [
      'changed date',
      (p) =>
        void (p.headers['x-amz-date'] = p.headers['x-amz-date'].replace(
          /\d{2}Z$/,
          (s) => `${(Number(s.slice(0, 2)) + 1) % 60}`.padStart(2, '0') + 'Z',
        )),
      MISMATCH,
    ],
    [
      'changed payload hash',
      (p) =>
        void (p.headers['x-amz-content-sha256'] =
          'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
      /x-amz-content-sha256|does not match/,
    ],
  ]

  for (const [name, tamper, expected] of cases) {
    it(`${name}: 403 with AWS's message`, async () => {
      const client = new Client({
        node: emu.url,
        Connection: createAwsSigV4Connection({
          region: 'eu-west-1',
          credentials: CREDS,
          baseConnection: tamperingBase(tamper),
          retryOnAwsRejection: false,
        }),
      })
      const err = await client
        .index({ index: 'idx', id: '1', document: { msg: 'hello' } })
        .catch((e: unknown) => e)
      expect(err).to.be.instanceOf(errors.ResponseError)
      const e = err as InstanceType<typeof errors.ResponseError>
      expect(e.meta.statusCode).to.be.oneOf([400, 403])
      expect(e.message).to.match(expected)
      expect(emu.verdicts.at(-1)?.ok).to.equal(false)
      await client.close()
    })
  }

  it('a signature for another region is refused', async () => {
    const client = new Client({
      node: emu.url,
      Connection: createAwsSigV4Connection({ region: 'us-west-2', credentials: CREDS }),
    })
    const err = (await client.info().catch((e: unknown) => e)) as InstanceType<
      typeof errors.ResponseError
    >
    expect(err).to.be.instanceOf(errors.ResponseError)
    expect(err.meta.statusCode).to.equal(403)
    expect(emu.verdicts.at(-1)?.ok).to.equal(false)
    await client.close()
  })

  it('the untampered control request passes', async () => {
    const client = new Client({
      node: emu.url,
      Connection: createAwsSigV4Connection({
        region: 'eu-west-1',
        credentials: CREDS,
        baseConnection: tamperingBase(() => {}),
      }),
    })
    await client.index({ index: 'idx', id: '1', document: { msg: 'hello' } })
    expect(emu.verdicts.at(-1)?.ok).to.equal(true)
    await client.close()
  })
})
