import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
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

export { statusOf } from '../support/rotating-provider'

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

/** Where each secret found in `texts` appears: `label: …preceding text[SECRET]…`. */
export function findLeaks(texts: Array<[string, string]>, secrets: string[]): string[] {
  const leaks: string[] = []
  for (const [label, text] of texts) {
    for (const secret of secrets) {
      const at = text.indexOf(secret)
      if (at >= 0) {
        leaks.push(`${label}: …${text.slice(Math.max(0, at - 80), at)}[SECRET]…`)
      }
    }
  }
  return leaks
}

/**
 * Each text must occur among what was searched: the proof that the searched texts are the real
 * thing (AWS's refusal with sigv4_debug, a provider's own error, …), not empty views.
 */
export function expectSearched(texts: Array<[string, string]>, expected: string[]): void {
  for (const text of expected) {
    expect(
      texts.some(([, t]) => t.includes(text)),
      text,
    ).to.equal(true)
  }
}

/**
 * Runs a set of secrets scenarios (secrets-child.ts) in a child process with `DEBUG` set, so the
 * `debug` module's output lands on its stderr; the signatures it sent are written to `out`.
 * The promise is handled, so a failure is reported by the test that awaits it.
 */
export function runScenariosInChild(
  set: 'promise' | 'callback',
  debug: string,
  out: string,
): Promise<{ stdout: string; stderr: string }> {
  const child = new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'secrets-child.ts'), out, set],
      {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, DEBUG: debug, DEBUG_DEPTH: '10' },
        maxBuffer: 256 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`${err.message}\n${stderr.slice(-2000)}`))
          : resolve({ stdout, stderr }),
    )
  })
  child.catch(() => {})
  return child
}
