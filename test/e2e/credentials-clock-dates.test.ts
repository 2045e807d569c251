import { expect } from 'chai'
import fc from 'fast-check'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Client } from '@elastic/elasticsearch'
import * as es9 from '@elastic/elasticsearch'
import * as es717 from 'es717'
import { createAwsSigV4Connection } from '../../lib'
import { REFETCH_PAUSE_MS } from '../../lib/exchange/recovery'
import { amzDateTime } from '../../lib/credentials/clock'
import { installFakeDate } from '../support/fake-clock'
import { fuzzSeed } from '../reliability/fuzz-properties'

/**
 * Servers whose `Date` cannot be trusted: far in the future, far in the past, right, in any
 * order, every answer a "Signature expired" 403 unless the request's x-amz-date is within AWS's
 * 5 minutes of it. Credentials are valid for an hour. An offset learned from a far-future Date
 * made the cached credentials look expired (a provider call), the fresh ones looked expired on
 * arrival (the offset dropped), and the next 403 taught it again: two provider calls a request.
 * Now credentials just fetched are never fetched again because of an offset, and an offset they
 * contradict is not learned within the refetch pause: at most one provider call a pause, under
 * any sequence of Dates.
 *
 * The machine's `Date` is a fake that moves only when the test moves it; I/O is real (loopback).
 */

const HOUR = 3_600_000
const FIVE_MINUTES = 5 * 60_000

/** A provider of one-hour credentials, as STS issues them, counting its calls. */
function provider() {
  const state = {
    calls: 0,
    get: async () => {
      state.calls += 1
      return {
        accessKeyId: `AKIDDATES${state.calls}`,
        secretAccessKey: 'dates/secret',
        sessionToken: `dates-token-${state.calls}`,
        expiration: new Date(Date.now() + HOUR),
      }
    },
  }
  return state
}

/** What the server answers a request dated `sent` when its clock reads `serverNow`. */
function verdict(sent: number | undefined, serverNow: number): { status: number; body: string } {
  if (sent !== undefined && Math.abs(sent - serverNow) <= FIVE_MINUTES) {
    return { status: 200, body: '{"hits":{"hits":[]}}' }
  }
  const message =
    'Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T001000Z - 5 min.)'
  return { status: 403, body: JSON.stringify({ message }) }
}

const INFO = JSON.stringify({
  version: { number: '7.10.2', build_flavor: 'default' },
  tagline: 'You Know, for Search',
})

/** A loopback server whose clock is off by the next of `skews` (cycled) at each answer. */
async function lyingServer(skews: number[]): Promise<{ url: string; server: Server }> {
  let n = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
      })
      return void res.end(INFO)
    }
    const serverNow = Date.now() + skews[n++ % skews.length]
    const { status, body } = verdict(amzDateTime(req.headers['x-amz-date']), serverNow)
    res.writeHead(status, {
      'content-type': 'application/json',
      date: new Date(serverNow).toUTCString(),
    })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

const CLIENTS = [
  {
    name: '9.x UndiciConnection',
    make: (url: string, credentials: () => Promise<unknown>) =>
      new es9.Client({
        node: url,
        Connection: createAwsSigV4Connection({
          region: 'eu-west-1',
          credentials: credentials as never,
        }),
        maxRetries: 0,
      }) as Client,
    search: (client: unknown) => (client as Client).search({ index: 'dates' }),
    close: (client: unknown) => (client as Client).close(),
  },
  {
    name: '7.17 Connection',
    make: (url: string, credentials: () => Promise<unknown>) =>
      new es717.Client({
        node: url,
        Connection: createAwsSigV4Connection({
          region: 'eu-west-1',
          credentials: credentials as never,
          baseConnection: es717.Connection,
        }),
        maxRetries: 0,
      }),
    search: (client: unknown) => (client as es717.Client).search({ index: 'dates' }),
    close: (client: unknown) => (client as es717.Client).close(),
  },
]

const SEQUENCES = {
  'alternating far-future, far-past and right': [5 * HOUR, -5 * HOUR, 0],
  'always 5 hours ahead': [5 * HOUR],
  'ahead by 2 to 23 hours': [2 * HOUR, 23 * HOUR, 7 * HOUR],
}

for (const client of CLIENTS) {
  describe(`e2e credentials, untrustworthy Dates: ${client.name}`, function () {
    this.timeout(60_000)

    for (const [name, skews] of Object.entries(SEQUENCES)) {
      it(`${name}: one provider call for 100 requests, then at most one a refetch pause`, async () => {
        const { url, server } = await lyingServer(skews)
        const clock = installFakeDate()
        const p = provider()
        const es = client.make(url, p.get)
        try {
          for (let i = 0; i < 100; i++) await client.search(es).catch(() => undefined)
          expect(p.calls, 'provider calls for 100 requests').to.equal(1)
          // Ten minutes more, 10 requests a minute: at most one call per pause.
          for (let minute = 0; minute < 10; minute++) {
            clock.tick(REFETCH_PAUSE_MS + 1000)
            for (let i = 0; i < 10; i++) await client.search(es).catch(() => undefined)
          }
          expect(p.calls).to.be.at.most(1 + 10)
        } finally {
          await client.close(es)
          clock.uninstall()
          server.close()
        }
      })
    }
  })
}

describe('credentials, untrustworthy Dates: any sequence (property)', function () {
  this.timeout(120_000)

  it('provider calls stay within one, plus one per refetch pause elapsed', async () => {
    const step = fc.record({
      skew: fc.oneof(
        fc.integer({ min: 1 * HOUR, max: 23 * HOUR }),
        fc.integer({ min: -23 * HOUR, max: -1 * HOUR }),
        fc.integer({ min: -10 * 60_000, max: 10 * 60_000 }),
        fc.constant(0),
      ),
      wait: fc.integer({ min: 0, max: 30_000 }),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
        const clock = installFakeDate()
        const p = provider()
        try {
          const answers = steps.map((s) => s.skew)
          const Base = scriptedPromiseBase(answers)
          const Signed = createAwsSigV4Connection({
            region: 'eu-west-1',
            credentials: p.get as never,
            baseConnection: Base as never,
          }) as unknown as new (opts: { url: URL }) => {
            request(params: object, options: object): Promise<unknown>
          }
          const connection = new Signed({ url: new URL('http://localhost:9200') })
          const started = Date.now()
          for (const { wait } of steps) {
            clock.tick(wait)
            await connection.request({ method: 'GET', path: '/dates/_search' }, {})
          }
          const elapsed = Date.now() - started
          expect(p.calls).to.be.at.most(1 + Math.floor(elapsed / REFETCH_PAUSE_MS))
        } finally {
          clock.uninstall()
        }
      }),
      { seed: fuzzSeed(), numRuns: 200 },
    )
  })
})

/**
 * A base connection of the promise lineage (8.x/9.x) whose server clock is off by the next of
 * `skews` (the last repeats) at each answer, retries included.
 */
function scriptedPromiseBase(skews: number[]) {
  let n = 0
  return class ScriptedBase {
    url: URL
    headers = {}
    constructor(opts: { url: URL }) {
      this.url = opts.url
    }
    request(params: { headers: Record<string, string> }): Promise<unknown> {
      const serverNow = Date.now() + skews[Math.min(n++, skews.length - 1)]
      const { status, body } = verdict(amzDateTime(params.headers['x-amz-date']), serverNow)
      return Promise.resolve({
        statusCode: status,
        headers: { 'content-type': 'application/json', date: new Date(serverNow).toUTCString() },
        body,
      })
    }
  }
}
