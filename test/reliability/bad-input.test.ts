import { expect } from 'chai'
import { Readable } from 'node:stream'
import { Client } from '@elastic/elasticsearch'
import { createAwsSigV4Connection } from '../../lib'
import { AwsSigV4ConfigurationError, AwsSigV4RequestError } from '../../lib/errors'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { BASES, CREDS, REGION, signedClient, withoutNock } from './support'
import type { BaseName } from './support'

/**
 * Every configuration mistake fails at construction (createAwsSigV4Connection or new Client)
 * with an AwsSigV4ConfigurationError whose `option` names the field; every bad request input
 * fails with a clear error before anything is sent.
 */

const CONFIG_MISTAKES: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ['service with capitals', { service: 'ES' }, 'service', /did you mean 'es'/],
  ['service with a space', { service: 'open search' }, 'service', /signing service name/],
  ['service of the wrong type', { service: 42 }, 'service', /type number/],
  ['region without its number', { region: 'us-east' }, 'region', /not an AWS region name/],
  ['region in capitals', { region: 'US-EAST-1' }, 'region', /did you mean 'us-east-1'/],
  ['availability zone as region', { region: 'us-east-1a' }, 'region', /availability zone/],
  ['empty region', { region: '' }, 'region', /an empty string/],
  ['region of the wrong type', { region: NaN }, 'region', /type number/],
  [
    'credentials without a secret',
    { credentials: { accessKeyId: 'A' } },
    'credentials',
    /`secretAccessKey`/,
  ],
  [
    'credentials without a key id',
    { credentials: { secretAccessKey: 'S' } },
    'credentials',
    /`accessKeyId`/,
  ],
  [
    'credentials with an empty secret',
    { credentials: { accessKeyId: 'A', secretAccessKey: '' } },
    'credentials',
    /`secretAccessKey` must be a non-empty string/,
  ],
  [
    'credentials with a numeric token',
    { credentials: { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 1 } },
    'credentials',
    /`sessionToken`/,
  ],
  [
    'credentials with a string expiration',
    { credentials: { accessKeyId: 'A', secretAccessKey: 'S', expiration: '2030-01-01' } },
    'credentials',
    /`expiration` must be a Date/,
  ],
  ['credentials as a string', { credentials: 'AKID:secret' }, 'credentials', /got string/],
  ['credentials as a number', { credentials: 42 }, 'credentials', /got number/],
  ['credentials as null', { credentials: null }, 'credentials', /got null/],
  ['credentials as an array', { credentials: [] }, 'credentials', /`accessKeyId`/],
  ['negative stream cap', { maxBodyBytes: -1 }, 'maxBodyBytes', /0 or more/],
  ['fractional stream cap', { maxBodyBytes: 1.5 }, 'maxBodyBytes', /whole number/],
  ['NaN stream cap', { maxBodyBytes: NaN }, 'maxBodyBytes', /whole number/],
  ['stream cap as a string', { maxBodyBytes: '10mb' }, 'maxBodyBytes', /whole number/],
  [
    'NaN credentials timeout',
    { credentialsTimeoutMs: NaN },
    'credentialsTimeoutMs',
    /milliseconds/,
  ],
  [
    'negative credentials timeout',
    { credentialsTimeoutMs: -1 },
    'credentialsTimeoutMs',
    /milliseconds/,
  ],
  [
    'infinite credentials timeout',
    { credentialsTimeoutMs: Infinity },
    'credentialsTimeoutMs',
    /milliseconds/,
  ],
  [
    'credentials timeout beyond what a timer can wait',
    { credentialsTimeoutMs: 3e9 },
    'credentialsTimeoutMs',
    /at most 2147483647 milliseconds/,
  ],
  [
    'zero credentials timeout',
    { credentialsTimeoutMs: 0 },
    'credentialsTimeoutMs',
    /credentialsTimeoutMs/,
  ],
  [
    'NaN refresh margin',
    { credentialsRefreshMarginMs: NaN },
    'credentialsRefreshMarginMs',
    /milliseconds/,
  ],
  ['NaN max age', { credentialsMaxAgeMs: NaN }, 'credentialsMaxAgeMs', /milliseconds/],
  ['unsignedPayload as a string', { unsignedPayload: 'yes' }, 'unsignedPayload', /'streams'/],
  ['empty signingHost', { signingHost: ' ' }, 'signingHost', /non-empty string/],
  [
    'baseConnection that is not a class',
    { baseConnection: {} },
    'baseConnection',
    /connection class/,
  ],
  [
    'retryOnAwsRejection as a string',
    { retryOnAwsRejection: 'true' },
    'retryOnAwsRejection',
    /true or false/,
  ],
  ['misspelt option', { regoin: 'eu-west-1' }, 'regoin', /Unknown option "regoin"/],
]

describe('reliability: bad input', function () {
  this.timeout(30_000)
  withoutNock()

  describe('configuration mistakes fail at construction, naming the option', () => {
    for (const [what, options, option, message] of CONFIG_MISTAKES) {
      it(what, () => {
        let err: unknown
        try {
          const Connection = createAwsSigV4Connection({
            region: REGION,
            credentials: CREDS,
            ...options,
          } as never)
          new Client({ node: 'http://127.0.0.1:9200', Connection })
        } catch (e) {
          err = e
        }
        expect(err).to.be.instanceOf(AwsSigV4ConfigurationError)
        const e = err as AwsSigV4ConfigurationError
        expect(e.option).to.equal(option)
        expect(e.message).to.match(message)
        expect(e.message).to.include(option)
      })
    }

    it('an invalid AWS_REGION fails at new Client, naming the variable', () => {
      const saved = process.env.AWS_REGION
      process.env.AWS_REGION = 'moon-base-1x'
      try {
        const Connection = createAwsSigV4Connection({ credentials: CREDS })
        expect(() => new Client({ node: 'http://127.0.0.1:9200', Connection }))
          .to.throw(AwsSigV4ConfigurationError)
          .with.property('option', 'AWS_REGION')
      } finally {
        if (saved === undefined) delete process.env.AWS_REGION
        else process.env.AWS_REGION = saved
      }
    })
  })

  describe('bad request input fails clearly and sends nothing', () => {
    let emu: Emulator
    before(async () => {
      emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
    })
    after(() => emu.close())

    // A wrong shape is the provider's bug, not retried (its error is not named ConnectionError,
    // which the 8.x/9.x transports retry); credentials already expired are retried.
    const SHAPE = 'AwsCredentialsError'
    const GARBAGE: Array<[string, unknown, RegExp, string]> = [
      ['null', null, /expected an object with accessKeyId and secretAccessKey, got null/, SHAPE],
      ['a string', 'AKID:secret', /got string/, SHAPE],
      ['an empty object', {}, /`accessKeyId` must be a non-empty string, got undefined/, SHAPE],
      [
        'a numeric secret',
        { accessKeyId: 'A', secretAccessKey: 7 },
        /`secretAccessKey` must be a non-empty string, got number/,
        SHAPE,
      ],
      [
        'an invalid expiration',
        { ...CREDS, expiration: new Date('nope') },
        /`expiration` is an invalid Date/,
        SHAPE,
      ],
      [
        'already expired credentials',
        { ...CREDS, expiration: new Date(1000) },
        /already expired at 1970/,
        'ConnectionError',
      ],
    ]
    for (const [what, value, message, name] of GARBAGE) {
      it(`a credentials provider that returns ${what}: the first request fails naming the field`, async () => {
        let calls = 0
        const client = signedClient(
          emu.url,
          'undici-9',
          {
            credentials: async () => {
              calls += 1
              return value as never
            },
          },
          { maxRetries: 0 },
        )
        const before = emu.verdicts.length
        const err = (await client.info().catch((e: unknown) => e)) as Error
        await client.close()
        expect(err.name).to.equal(name)
        expect(err.message).to.match(
          /Could not get AWS credentials from the credentials provider function: returned/,
        )
        expect(err.message).to.match(message)
        expect(calls).to.equal(1)
        expect(emu.verdicts.length).to.equal(before)
      })
    }

    for (const base of Object.keys(BASES) as BaseName[]) {
      it(`${base}: a query parameter SigV4 reserves (X-Amz-Signature, …) fails naming it; nothing sent`, async () => {
        const client = signedClient(emu.url, base, {}, { maxRetries: 3 })
        const before = emu.verdicts.length
        for (const name of ['X-Amz-Signature', 'x-amz-credential', 'X-AMZ-SECURITY-TOKEN']) {
          const err = await client
            .search({ index: 'i', q: 'a' }, { querystring: { [name]: 'VALUEXYZ' } })
            .catch((e: unknown) => e)
          expect(err, name).to.be.instanceOf(AwsSigV4RequestError)
          expect((err as Error).message).to.include(`"${name}"`)
          expect((err as Error).message).not.to.include('VALUEXYZ')
        }
        expect(emu.verdicts.length).to.equal(before)
        await client.close()
      })
    }

    const bases: BaseName[] = ['undici-9', 'http-8']
    for (const base of bases) {
      describe(base, () => {
        const cases: Array<[string, (c: Client) => Promise<unknown>, RegExp]> = [
          [
            'a stream body over the cap',
            (c) =>
              c.transport.request({
                method: 'POST',
                path: '/_bulk',
                bulkBody: Readable.from(['{"index":{}}\n', '{"a":1}\n', '{"index":{}}\n']),
              }),
            /larger than maxBodyBytes \(32 bytes\).*Nothing was sent/,
          ],
          [
            'a stream that fails midway',
            (c) =>
              c.transport.request({
                method: 'POST',
                path: '/_bulk',
                bulkBody: Readable.from(
                  (async function* () {
                    yield '{"index":{}}\n'
                    throw new Error('disk read failed')
                  })(),
                ),
              }),
            /stream failed while it was read for signing: disk read failed\. Nothing was sent/,
          ],
          [
            'an object as a header value',
            (c) => c.info({}, { headers: { 'x-a': {} as never } }),
            /Header "x-a" has a value of type object.*Nothing was sent/,
          ],
          [
            'an array of numbers as a header value',
            (c) => c.info({}, { headers: { 'x-b': [1, 2] as never } }),
            /Header "x-b" has a value of type array of non-strings/,
          ],
          [
            'a boolean as a header value',
            (c) => c.info({}, { headers: { 'x-c': true as never } }),
            /Header "x-c" has a value of type boolean/,
          ],
        ]
        for (const [what, call, message] of cases) {
          it(`${what}: AwsSigV4RequestError, not retried, nothing sent, connection still usable`, async () => {
            const client = signedClient(emu.url, base, { maxBodyBytes: 32 }, { maxRetries: 3 })
            const before = emu.verdicts.length
            const err = await call(client).catch((e: unknown) => e)
            expect(err).to.be.instanceOf(AwsSigV4RequestError)
            expect((err as Error).message).to.match(message)
            expect(emu.verdicts.length).to.equal(before)
            // Not the node's fault: it stays alive and the next request goes through.
            await client.info()
            expect(emu.verdicts.length).to.equal(before + 1)
            expect(emu.verdicts.at(-1)?.ok).to.equal(true)
            await client.close()
          })
        }
      })
    }
  })
})
