import { expect } from 'chai'
import { Exchanges } from '../lib/exchange'
import { CredentialCache } from '../lib/credentials'
import { SkewCorrectedClock } from '../lib/clock'
import { RequestSigner } from '../lib/request-signer'
import { NodeSha256 } from '../lib/sha256'
import type {
  ConnectionContext,
  ConnectionResponse,
  SignedTransportRequest,
} from '../lib/transport'

const CREDS = { accessKeyId: 'AKIDEXCHANGE', secretAccessKey: 'exchange-secret' }
const EXPIRED = JSON.stringify({
  message: 'The security token included in the request is expired',
})

const context: ConnectionContext = {
  url: new URL('http://localhost:9200'),
  headers: {},
  target: {
    region: 'eu-west-1',
    service: 'es',
    host: 'localhost:9200',
    regionSource: 'option',
    serviceSource: 'option',
  },
  plainMediaTypes: true,
  unsignedPayload: false,
  refusals: 'es',
}

function setUp(retryOnAwsRejection = true): { exchanges: Exchanges; providerCalls: () => number } {
  let calls = 0
  const credentials = new CredentialCache(async () => {
    calls += 1
    return { ...CREDS, accessKeyId: `${CREDS.accessKeyId}${calls}` }
  })
  const clock = new SkewCorrectedClock()
  const signer = new RequestSigner({
    credentials,
    sha256: NodeSha256,
    maxBodyBytes: 1024,
    now: () => clock.now(),
  })
  const exchanges = new Exchanges({
    signer,
    credentials,
    clock,
    retryOnAwsRejection,
    debugSignatureMismatch: true,
  })
  return { exchanges, providerCalls: () => calls }
}

/** A base connection that answers from a list, recording what it was sent. */
function scripted(answers: ConnectionResponse[]): {
  send: (s: SignedTransportRequest) => Promise<ConnectionResponse>
  sent: SignedTransportRequest[]
} {
  const sent: SignedTransportRequest[] = []
  return {
    sent,
    send: async (signed) => {
      sent.push(signed)
      const next = answers.shift()
      if (next === undefined) throw new Error('no answer scripted')
      return next
    },
  }
}

const ok: ConnectionResponse = { statusCode: 200, headers: {}, body: '{}' }
const expired: ConnectionResponse = { statusCode: 403, headers: {}, body: EXPIRED }
const params = { method: 'GET', path: '/_search', querystring: 'q=a' }

describe('exchange: sign, send, read, learn, retry once', () => {
  it('sends once and passes a success through', async () => {
    const { exchanges } = setUp()
    const base = scripted([ok])
    const response = await exchanges.run({ params, context }, base.send)
    expect(response).to.equal(ok)
    expect(base.sent).to.have.length(1)
  })

  it('after an expired-token 403, signs again with fresh credentials and sends once more', async () => {
    const { exchanges, providerCalls } = setUp()
    const base = scripted([expired, ok])
    const response = await exchanges.run({ params, context }, base.send)
    expect(response).to.equal(ok)
    expect(base.sent).to.have.length(2)
    expect(providerCalls()).to.equal(2)
    const keys = base.sent.map((s) => String(s.params.headers.authorization).split('/')[0])
    expect(keys[0]).to.not.equal(keys[1])
  })

  it('with retryOnAwsRejection off, hands the 403 back after one attempt', async () => {
    const { exchanges } = setUp(false)
    const base = scripted([expired])
    const response = await exchanges.run({ params, context }, base.send)
    expect(response.statusCode).to.equal(403)
    expect(base.sent).to.have.length(1)
  })

  it('leaves a streamed response unread and unretried', async () => {
    const { exchanges } = setUp()
    const base = scripted([expired])
    const response = await exchanges.run({ params, context, asStream: true }, base.send)
    expect(response).to.equal(expired)
    expect(base.sent).to.have.length(1)
  })
})
