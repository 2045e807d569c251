import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import * as es813 from 'es813'
import { createAwsSigV4Connection } from '../../lib'
import type { AwsSigV4ConnectionOptions } from '../../lib'
import type { Emulator, Verdict } from '../../lib/testing'
import { extraClientLines } from '../support/client-variants'

/** Credentials with the characters that break naive encoders: `/`, `+`, `=`. */
export const CREDS = {
  accessKeyId: 'AKIDRELIABILITY',
  secretAccessKey: 'rel/iab+ility=secret/KEY+0123456789abcdef',
  sessionToken: 'FwoGZXIvYXdzRELIABILITY//session+token/=',
}
export const REGION = 'eu-west-1'

export type SignedOptions = Omit<AwsSigV4ConnectionOptions, 'baseConnection'>

/**
 * The client/connection pairs the package supports. `timeoutsRetried`: the client's transport
 * retries a request that timed out (8.13's transport 8.4 does; later ones only with
 * `retryOnTimeout`, which the client does not pass on).
 */
export const BASES = {
  'undici-9': { Client: es9.Client, base: es9.UndiciConnection, timeoutsRetried: false },
  'http-9': { Client: es9.Client, base: es9.HttpConnection, timeoutsRetried: false },
  'undici-8': { Client: es8.Client, base: es8.UndiciConnection, timeoutsRetried: false },
  'http-8': { Client: es8.Client, base: es8.HttpConnection, timeoutsRetried: false },
  'undici-8.13': { Client: es813.Client, base: es813.UndiciConnection, timeoutsRetried: true },
  'http-8.13': { Client: es813.Client, base: es813.HttpConnection, timeoutsRetried: true },
} as const
export type BaseName = keyof typeof BASES

/** Every pair, for checks that run on all: 9.x/8.x, plus 8.13 when TEST_EXTRA_CLIENTS names it. */
export const TESTED_BASES: readonly BaseName[] = [
  'undici-9',
  'http-9',
  'undici-8',
  'http-8',
  ...(extraClientLines().includes('8.13') ? (['undici-8.13', 'http-8.13'] as const) : []),
]

/** A 9.x-typed client (8.x shares every API used here) signing with CREDS for REGION. */
export function signedClient(
  node: string,
  base: BaseName = 'undici-9',
  options: SignedOptions = {},
  clientOptions: Record<string, unknown> = {},
): es9.Client {
  const { Client, base: baseConnection } = BASES[base]
  const Connection = createAwsSigV4Connection({
    region: REGION,
    credentials: CREDS,
    ...options,
    baseConnection: baseConnection as typeof es9.UndiciConnection,
  })
  return new Client({
    node,
    Connection: Connection as never,
    ...clientOptions,
  }) as unknown as es9.Client
}

/** The verdicts from `from` on that failed the signature check, for an assertion message. */
export function failedVerdicts(emu: Emulator, from = 0): Verdict[] {
  return emu.verdicts.slice(from).filter((v) => !v.ok)
}

export function describeVerdicts(verdicts: readonly Verdict[]): string {
  return JSON.stringify(
    verdicts.map(({ method, path, query, status, reason, message, canonicalRequest }) => ({
      method,
      path,
      query,
      status,
      reason,
      message: message?.slice(0, 300),
      canonicalRequest,
    })),
    null,
    2,
  )
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Status of a client error, or undefined for errors that carry no HTTP response. */
export function statusOf(err: unknown): number | undefined {
  return (err as { meta?: { statusCode?: number } } | undefined)?.meta?.statusCode ?? undefined
}

/**
 * nock (loaded by other test files) intercepts every Node http request once imported, and
 * fails on some legal raw paths. These tests talk to a real local server: switch it off.
 */
export function withoutNock(): void {
  let wasActive = false
  before(async () => {
    const nock = (await import('nock')).default
    wasActive = nock.isActive()
    if (wasActive) nock.restore()
  })
  after(async () => {
    const nock = (await import('nock')).default
    if (wasActive && !nock.isActive()) nock.activate()
  })
}
