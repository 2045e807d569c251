import { expect } from 'chai'
import { Readable } from 'node:stream'
import { Exchanges, createExchanges } from '../../lib/exchange/exchanges'
import { CredentialCache } from '../../lib/credentials/cache'
import type { CredentialsOption } from '../../lib/credentials/option'
import { SkewCorrectedClock, amzDateTime } from '../../lib/credentials/clock'
import { RequestSigner } from '../../lib/exchange/request-signer'
import { REFETCH_PAUSE_MS, Recovery } from '../../lib/exchange/recovery'
import { NodeSha256 } from '../../lib/sigv4/sha256'
import type { RefusalStyle } from '../../lib/aws/services'
import type {
  ConnectionContext,
  ConnectionResponse,
  SignedTransportRequest,
} from '../../lib/exchange/types'

const CREDS = { accessKeyId: 'AKIDEXCHANGE', secretAccessKey: 'exchange-secret' }
const EXPIRED = JSON.stringify({
  message: 'The security token included in the request is expired',
})
const SKEWED = JSON.stringify({
  message:
    'Signature expired: 20260101T120000Z is now earlier than 20260101T121000Z (20260101T121500Z - 5 min.)',
})
const FORBIDDEN = JSON.stringify({
  status: 403,
  'request-id': '68c3ef72-91f2-9817-8255-bd9c39efeadb',
  error: { reason: '403 Forbidden', type: 'Forbidden' },
})
const MINUTE = 60_000

function contextFor(refusals: RefusalStyle = 'es', unsignedPayload: boolean | 'streams' = false) {
  const context: ConnectionContext = {
    url: new URL('http://localhost:9200'),
    headers: {},
    target: {
      region: 'eu-west-1',
      service: refusals === 'aoss' ? 'aoss' : 'es',
      host: 'localhost:9200',
      regionSource: 'option',
      serviceSource: 'option',
    },
    plainMediaTypes: true,
    unsignedPayload,
    refusals,
  }
  return context
}
const context = contextFor()

interface SetUpOptions {
  retryOnAwsRejection?: boolean
  /** Default: a provider handing out a new key on every call. */
  credentials?: CredentialsOption
}

/** Exchanges on one fake machine clock, which the test moves. */
function setUp({ retryOnAwsRejection = true, credentials: source }: SetUpOptions = {}) {
  const machine = { t: Date.parse('2026-01-01T12:00:00Z') }
  const now = (): number => machine.t
  let calls = 0
  const provider = async () => {
    calls += 1
    return { ...CREDS, accessKeyId: `${CREDS.accessKeyId}${calls}` }
  }
  const clock = new SkewCorrectedClock(now)
  const credentials = new CredentialCache(source ?? provider, {
    now: () => clock.now().getTime(),
    machineNow: now,
    onExpiredOnArrival: () => clock.reset(),
  })
  const signer = new RequestSigner({
    credentials,
    sha256: NodeSha256,
    maxBodyBytes: 1024,
    now: () => clock.now(),
  })
  const exchanges = new Exchanges(
    { signer, credentials, clock, retryOnAwsRejection, debugSignatureMismatch: true },
    new Recovery({ credentials, clock, now }),
  )
  return { exchanges, clock, machine, providerCalls: () => calls }
}

type Answer = ConnectionResponse | ((signed: SignedTransportRequest) => ConnectionResponse)

/** A base connection that answers from a list (the last answer repeats), recording what it was sent. */
function scripted(...answers: Answer[]): {
  send: (s: SignedTransportRequest) => Promise<ConnectionResponse>
  sent: SignedTransportRequest[]
} {
  const sent: SignedTransportRequest[] = []
  return {
    sent,
    send: async (signed) => {
      sent.push(signed)
      const next = answers[Math.min(sent.length, answers.length) - 1]
      return typeof next === 'function' ? next(signed) : next
    },
  }
}

const keyOf = (s: SignedTransportRequest): string =>
  String(s.params.headers.authorization).split('Credential=')[1].split('/')[0]
const dateOf = (s: SignedTransportRequest): number =>
  amzDateTime(s.params.headers['x-amz-date']) ?? NaN

/** A 403 with a body, and a Date `skewMs` from the x-amz-date of the request it answers. */
const refusal =
  (body: string, skewMs = 0) =>
  (signed: SignedTransportRequest): ConnectionResponse => ({
    statusCode: 403,
    headers: {
      'content-type': 'application/json',
      date: new Date(dateOf(signed) + skewMs).toUTCString(),
    },
    body,
  })

const ok: ConnectionResponse = { statusCode: 200, headers: {}, body: '{}' }
const expired: ConnectionResponse = { statusCode: 403, headers: {}, body: EXPIRED }
const params = { method: 'GET', path: '/_search', querystring: 'q=a' }

describe('exchange: sign, send, read, learn, retry once', () => {
  it('sends once and passes a success through', async () => {
    const { exchanges } = setUp()
    const base = scripted(ok)
    const response = await exchanges.run({ params, context }, base.send)
    expect(response).to.equal(ok)
    expect(base.sent).to.have.length(1)
  })

  it('after an expired-token 403, signs again with fresh credentials and sends once more', async () => {
    const { exchanges, providerCalls } = setUp()
    const base = scripted(expired, ok)
    const response = await exchanges.run({ params, context }, base.send)
    expect(response).to.equal(ok)
    expect(base.sent).to.have.length(2)
    expect(providerCalls()).to.equal(2)
    expect(keyOf(base.sent[0])).to.not.equal(keyOf(base.sent[1]))
  })

  it('with retryOnAwsRejection off, hands the 403 back after one attempt', async () => {
    const { exchanges } = setUp({ retryOnAwsRejection: false })
    const base = scripted(expired)
    const response = await exchanges.run({ params, context }, base.send)
    expect(response.statusCode).to.equal(403)
    expect(base.sent).to.have.length(1)
  })

  it('leaves a streamed response unread and unretried', async () => {
    const { exchanges } = setUp()
    const base = scripted(expired)
    const response = await exchanges.run({ params, context, asStream: true }, base.send)
    expect(response).to.equal(expired)
    expect(base.sent).to.have.length(1)
  })
})

describe('exchange: the path of nearly every request', () => {
  it('with credentials at hand, sends in the same tick, before run() returns', async () => {
    const { exchanges } = setUp({ credentials: CREDS })
    const base = scripted(ok)
    const pending = exchanges.run({ params, context }, base.send)
    expect(base.sent).to.have.length(1)
    expect(await pending).to.equal(ok)
  })

  it('a request that cannot be signed is a rejection, never a throw, and nothing is sent', async () => {
    const { exchanges } = setUp({ credentials: CREDS })
    const base = scripted(ok)
    const bad = { ...params, headers: { 'x-bad': { a: 1 } } as never }
    const controller = new AbortController()
    controller.abort()
    for (const request of [
      { params: bad, context },
      { params, context, signal: controller.signal },
    ]) {
      let pending: Promise<ConnectionResponse> | undefined
      expect(() => (pending = exchanges.run(request, base.send))).not.to.throw()
      expect(
        await pending!.then(
          () => 'resolved',
          (e: unknown) => e,
        ),
      ).to.be.instanceOf(Error)
    }
    expect(base.sent).to.have.length(0)
  })

  it('a base connection that throws instead of rejecting: a rejection too', async () => {
    const { exchanges } = setUp({ credentials: CREDS })
    const failing = (): Promise<ConnectionResponse> => {
      throw new Error('thrown by send')
    }
    const outcome = await exchanges.run({ params, context }, failing).catch((e: Error) => e.message)
    expect(outcome).to.equal('thrown by send')
  })
})

describe('exchange: no retry that cannot help', () => {
  it('static credentials refused as expired: one attempt, the 403 reaches the caller', async () => {
    const { exchanges } = setUp({ credentials: { ...CREDS, sessionToken: 'revoked-token' } })
    const base = scripted(expired)
    for (let i = 0; i < 3; i++) {
      expect((await exchanges.run({ params, context }, base.send)).statusCode).to.equal(403)
    }
    expect(base.sent).to.have.length(3)
  })

  it('a provider that hands back the same key and token: one attempt, one refetch', async () => {
    let calls = 0
    const { exchanges } = setUp({
      credentials: async () => {
        calls += 1
        return { ...CREDS, sessionToken: 'same-token' }
      },
    })
    const base = scripted(expired)
    expect((await exchanges.run({ params, context }, base.send)).statusCode).to.equal(403)
    expect([base.sent.length, calls]).to.deep.equal([1, 2])
  })

  it('a new token for the same key is something new: retried', async () => {
    let calls = 0
    const { exchanges } = setUp({
      credentials: async () => {
        calls += 1
        return { ...CREDS, sessionToken: `token-${calls}` }
      },
    })
    const base = scripted(expired, ok)
    expect(await exchanges.run({ params, context }, base.send)).to.equal(ok)
    expect(base.sent).to.have.length(2)
  })

  it('a skew rejection without a usable Date: nothing learned, no retry', async () => {
    const { exchanges, clock } = setUp()
    const base = scripted({ statusCode: 403, headers: {}, body: SKEWED })
    expect((await exchanges.run({ params, context }, base.send)).statusCode).to.equal(403)
    expect([base.sent.length, clock.offsetMs]).to.deep.equal([1, 0])
  })
})

describe('exchange: learning without retrying', () => {
  it('retryOnAwsRejection off: the rejected credentials are dropped, the next request signs with fresh ones', async () => {
    const { exchanges, providerCalls } = setUp({ retryOnAwsRejection: false })
    const base = scripted(expired, ok)
    await exchanges.run({ params, context }, base.send)
    await exchanges.run({ params, context }, base.send)
    expect(providerCalls()).to.equal(2)
    expect(base.sent.map(keyOf)).to.deep.equal(['AKIDEXCHANGE1', 'AKIDEXCHANGE2'])
  })

  it('retryOnAwsRejection off: a skewed clock is learned, the next request is dated right', async () => {
    const { exchanges, clock } = setUp({ retryOnAwsRejection: false })
    const base = scripted(refusal(SKEWED, 15 * MINUTE), ok)
    expect((await exchanges.run({ params, context }, base.send)).statusCode).to.equal(403)
    expect(clock.offsetMs).to.equal(15 * MINUTE)
    await exchanges.run({ params, context }, base.send)
    expect(dateOf(base.sent[1]) - dateOf(base.sent[0])).to.equal(15 * MINUTE)
  })

  it('a stream sent unsigned cannot be replayed, but its rejection is learned from', async () => {
    const { exchanges, providerCalls } = setUp()
    const streams = contextFor('es', 'streams')
    const base = scripted(expired, ok)
    const body = Readable.from(['{"index":{}}\n{"a":1}\n'])
    const first = await exchanges.run(
      { params: { method: 'POST', path: '/_bulk', body }, context: streams },
      base.send,
    )
    expect([first.statusCode, base.sent.length]).to.deep.equal([403, 1])
    await exchanges.run({ params, context: streams }, base.send)
    expect(providerCalls()).to.equal(2)
    expect(keyOf(base.sent[1])).to.equal('AKIDEXCHANGE2')
  })

  it('asStream: a 403 whose Date is 15 minutes off teaches the clock; the credentials are kept', async () => {
    const { exchanges, clock, providerCalls } = setUp()
    const base = scripted(refusal('', 15 * MINUTE), refusal('', 30_000))
    await exchanges.run({ params, context, asStream: true }, base.send)
    expect(clock.offsetMs).to.equal(15 * MINUTE)
    // A Date within 4 minutes of what was signed: the clock was right, nothing to learn.
    await exchanges.run({ params, context, asStream: true }, base.send)
    expect(clock.offsetMs).to.equal(15 * MINUTE)
    expect([base.sent.length, providerCalls()]).to.deep.equal([2, 1])
  })
})

describe('exchange: a bogus Date does not stick', () => {
  it('an absurd Date is not learned, and requests keep being signed and sent', async () => {
    const { exchanges, clock } = setUp()
    const base = scripted(refusal(SKEWED, 10 * 365 * 24 * 60 * MINUTE), ok)
    expect((await exchanges.run({ params, context }, base.send)).statusCode).to.equal(403)
    expect([base.sent.length, clock.offsetMs]).to.deep.equal([1, 0])
    expect(await exchanges.run({ params, context }, base.send)).to.equal(ok)
  })

  it('a skew rejection whose Date agrees with the date sent drops the offset; the retry carries the machine time', async () => {
    const { exchanges, clock, machine } = setUp()
    clock.learnFrom(new Date(machine.t + 3 * 60 * MINUTE).toUTCString())
    const base = scripted(refusal(SKEWED, 0), ok)
    expect(await exchanges.run({ params, context }, base.send)).to.equal(ok)
    expect(clock.offsetMs).to.equal(0)
    expect(dateOf(base.sent[0]) - dateOf(base.sent[1])).to.equal(3 * 60 * MINUTE)
  })

  it('a wrong offset is replaced by the next skew rejection, even on the retry', async () => {
    const { exchanges, clock, machine } = setUp()
    // A one-off refusal with a Date 3 hours ahead; the server's real clock is the machine's.
    const real = (signed: SignedTransportRequest) =>
      refusal(SKEWED, machine.t - dateOf(signed))(signed)
    const base = scripted(refusal(SKEWED, 3 * 60 * MINUTE), real, ok)
    expect((await exchanges.run({ params, context }, base.send)).statusCode).to.equal(403)
    expect(Math.abs(clock.offsetMs)).to.be.below(1000)
    expect(await exchanges.run({ params, context }, base.send)).to.equal(ok)
    expect(base.sent).to.have.length(3)
  })

  it('credentials that look expired only through a wrong offset are used, and the offset dropped', async () => {
    let calls = 0
    const box: { machine?: { t: number } } = {}
    const { exchanges, clock, machine } = setUp({
      credentials: async () => {
        calls += 1
        return { ...CREDS, expiration: new Date((box.machine?.t ?? 0) + 60 * MINUTE) }
      },
    })
    box.machine = machine
    clock.learnFrom(new Date(machine.t + 20 * 60 * MINUTE).toUTCString())
    const base = scripted(ok)
    expect(await exchanges.run({ params, context }, base.send)).to.equal(ok)
    expect([calls, clock.offsetMs]).to.deep.equal([1, 0])
  })
})

describe('exchange: OpenSearch Serverless bare 403s', () => {
  const aoss = contextFor('aoss')
  const hinted = (skewMs = 0) => {
    const answer = refusal(FORBIDDEN, skewMs)
    return (signed: SignedTransportRequest): ConnectionResponse => {
      const response = answer(signed)
      return {
        ...response,
        headers: { ...response.headers, 'x-aoss-response-hint': 'X01:gw-helper-deny' },
      }
    }
  }

  it('a Date 15 minutes from the date sent: the clock is learned and the request retried', async () => {
    const { exchanges, clock, providerCalls } = setUp()
    const base = scripted(hinted(15 * MINUTE), ok)
    expect(await exchanges.run({ params, context: aoss }, base.send)).to.equal(ok)
    expect([clock.offsetMs, providerCalls()]).to.deep.equal([15 * MINUTE, 1])
    expect(dateOf(base.sent[1]) - dateOf(base.sent[0])).to.equal(15 * MINUTE)
  })

  it('otherwise the credentials: fresh ones fetched, retried once with them', async () => {
    const { exchanges, providerCalls } = setUp()
    const base = scripted(hinted(), ok)
    expect(await exchanges.run({ params, context: aoss }, base.send)).to.equal(ok)
    expect(providerCalls()).to.equal(2)
    expect(base.sent.map(keyOf)).to.deep.equal(['AKIDEXCHANGE1', 'AKIDEXCHANGE2'])
  })

  it("keeps AWS's body and shows the response hint in the error the client builds", async () => {
    const { exchanges } = setUp()
    const base = scripted(hinted())
    const response = await exchanges.run({ params, context: aoss }, base.send)
    const body = JSON.parse(response.body as string) as Record<string, unknown>
    expect(body).to.include({ status: 403, 'request-id': '68c3ef72-91f2-9817-8255-bd9c39efeadb' })
    const error = body.error as { reason: string; type: string; caused_by: Record<string, string> }
    expect([error.reason, error.type, error.caused_by.type]).to.deep.equal([
      '403 Forbidden',
      'Forbidden',
      'x-aoss-response-hint',
    ])
    expect(error.caused_by.reason).to.match(/^X01:gw-helper-deny \(.*data access policy/)
  })

  it('a permanent 403: 1,000 requests cost one refetch, one retry, until the pause is over', async () => {
    const { exchanges, machine, providerCalls } = setUp()
    const base = scripted(hinted())
    for (let i = 0; i < 1000; i++) {
      const response = await exchanges.run({ params, context: aoss }, base.send)
      expect(response.statusCode).to.equal(403)
      machine.t += 10 // 10 s of traffic in all, well within the pause
    }
    // The first request: its refusal, one refetch, one retry refused too. Every other: one attempt.
    expect([providerCalls(), base.sent.length]).to.deep.equal([2, 1001])
    machine.t += REFETCH_PAUSE_MS
    await exchanges.run({ params, context: aoss }, base.send)
    await exchanges.run({ params, context: aoss }, base.send)
    // After the pause, one more look: one refetch and one retry, then quiet again.
    expect([providerCalls(), base.sent.length]).to.deep.equal([3, 1004])
  })

  it('a permanent 403 under 100 concurrent requests: one refetch shared by all', async () => {
    const { exchanges, providerCalls } = setUp()
    await exchanges.run({ params, context: aoss }, scripted(ok).send)
    const base = scripted(hinted())
    const results = await Promise.all(
      Array.from({ length: 100 }, () => exchanges.run({ params, context: aoss }, base.send)),
    )
    expect(results.every((r) => r.statusCode === 403)).to.equal(true)
    // 100 refused with the first key, each retried once with the one refetched key.
    expect([providerCalls(), base.sent.length]).to.deep.equal([2, 200])
    expect(new Set(base.sent.slice(100).map(keyOf))).to.deep.equal(new Set(['AKIDEXCHANGE2']))
    await exchanges.run({ params, context: aoss }, base.send)
    expect([providerCalls(), base.sent.length]).to.deep.equal([2, 201])
  })
})

describe('createExchanges: the clock, cache, signer and exchanges put together once', () => {
  const config = {
    credentials: CREDS,
    sha256: NodeSha256,
    maxBodyBytes: 1024,
    credentialsRefreshMarginMs: MINUTE,
    credentialsMaxAgeMs: 15 * MINUTE,
    credentialsTimeoutMs: 1000,
    retryOnAwsRejection: true,
    debugSignatureMismatch: true,
  }

  it('the exchanges learn into the clock and sign with the cache it returns', async () => {
    const { exchanges, credentials, clock } = createExchanges(config)
    expect(credentials.peek()).to.equal(CREDS)
    const base = scripted(refusal(SKEWED, 15 * MINUTE), ok)
    const response = await exchanges.run({ params, context }, base.send)
    expect(response.statusCode).to.equal(200)
    expect(base.sent).to.have.length(2)
    // Learned into the clock handed back (the machine's own clock runs on meanwhile).
    expect(clock.offsetMs).to.be.within(15 * MINUTE - 5_000, 15 * MINUTE + 5_000)
    expect(dateOf(base.sent[1]) - dateOf(base.sent[0])).to.be.within(
      15 * MINUTE - 5_000,
      15 * MINUTE + 5_000,
    )
  })

  it("addResponseHint: false passes Serverless's bare refusal on byte for byte", async () => {
    const aoss = contextFor('aoss')
    const hinted = (signed: SignedTransportRequest): ConnectionResponse => ({
      statusCode: 403,
      headers: {
        'x-aoss-response-hint': 'X01:gw-helper-deny',
        date: new Date(dateOf(signed)).toUTCString(),
      },
      body: FORBIDDEN,
    })
    const plain = createExchanges({ ...config, addResponseHint: false }).exchanges
    const passed = await plain.run({ params, context: aoss }, scripted(hinted).send)
    expect(passed.body).to.equal(FORBIDDEN)
    const hinting = createExchanges(config).exchanges
    const explained = await hinting.run({ params, context: aoss }, scripted(hinted).send)
    expect(String(explained.body)).to.include('caused_by')
  })
})
