import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import { createAwsSigV4Connection } from '../../lib'
import type { AwsSigV4ConnectionOptions } from '../../lib'
import type { Emulator, Verdict } from '../../lib/testing'

/** Credentials with the characters that break naive encoders: `/`, `+`, `=`. */
export const CREDS = {
  accessKeyId: 'AKIDRELIABILITY',
  secretAccessKey: 'rel/iab+ility=secret/KEY+0123456789abcdef',
  sessionToken: 'FwoGZXIvYXdzRELIABILITY//session+token/=',
}
export const REGION = 'eu-west-1'

export type SignedOptions = Omit<AwsSigV4ConnectionOptions, 'baseConnection'>

/** The client/connection pairs the package supports. */
export const BASES = {
  'undici-9': { Client: es9.Client, base: es9.UndiciConnection },
  'http-9': { Client: es9.Client, base: es9.HttpConnection },
  'undici-8': { Client: es8.Client, base: es8.UndiciConnection },
  'http-8': { Client: es8.Client, base: es8.HttpConnection },
} as const
export type BaseName = keyof typeof BASES

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
