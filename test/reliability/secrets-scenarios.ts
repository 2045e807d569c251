/**
 * Everything a user of the client can see, on the success path and every failure path, handed
 * to `collect` as text; and every signature the connections sent, so the caller can check that
 * neither the secret key, the session token nor a signature appears in what was collected.
 * Shared by secrets.test.ts (in process) and secrets-child.ts (DEBUG=elasticsearch).
 */
import { inspect } from 'node:util'
import { Readable } from 'node:stream'
import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import { createAwsSigV4Connection } from '../../lib'
import type { CredentialsOption } from '../../lib'
import { startEmulator } from '../../lib/testing'
import { CREDS, REGION } from './support'

/** Credential failures are retried like connection errors: without the backoff here. */
const NO_BACKOFF = { retryBackoff: () => 0 } as { headers?: Record<string, string> }

export type Collect = (label: string, text: string) => void

const DIAGNOSTIC_EVENTS = [
  'request',
  'response',
  'serialization',
  'deserialization',
  'sniff',
  'resurrect',
] as const

/** JSON of anything, circular references and BigInts included. */
export function safeJson(value: unknown): string {
  const seen = new WeakSet<object>()
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString()
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]'
        seen.add(v)
      }
      return v
    })
  } catch (err) {
    return `[unserialisable: ${(err as Error).message}]`
  }
}

/** Every way a user might print a value. */
export function views(value: unknown): string[] {
  const out = [
    inspect(value, { depth: null }),
    inspect(value, { depth: 8, showHidden: true, getters: true }),
    safeJson(value),
    String(value),
  ]
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? '')
    const cause = (value as { cause?: unknown }).cause
    if (cause !== undefined) out.push(...views(cause))
  }
  return out
}

type Base = typeof es9.UndiciConnection

/** A base connection that records the signature of every request it is handed. */
function recording(Base: Base, log: SignatureLog): Base {
  class Recording extends (Base as unknown as new (o: never) => {
    request(p: unknown, o: unknown): Promise<unknown>
  }) {
    override request(params: unknown, options: unknown): Promise<unknown> {
      log.handed((params as { headers?: Record<string, unknown> }).headers?.authorization)
      return super.request(params, options)
    }
  }
  return Recording as unknown as Base
}

const VARIANTS = [
  { name: '9.x Undici', Client: es9.Client, base: es9.UndiciConnection },
  { name: '9.x Http', Client: es9.Client, base: es9.HttpConnection },
  { name: '8.x Undici', Client: es8.Client, base: es8.UndiciConnection },
] as const

/**
 * Runs a call that must fail, collecting every view of the error and its meta, and telling
 * `reach` the label of the failure path. The error is returned for further views.
 */
export function failureCollector(
  collect: Collect,
  reach: (label: string) => void,
): (label: string, call: () => PromiseLike<unknown>) => Promise<unknown> {
  return async (label, call) => {
    let err: unknown
    try {
      await call()
    } catch (e) {
      err = e
    }
    if (err === undefined) throw new Error(`${label}: expected an error`)
    reach(label)
    for (const v of views(err)) collect(`${label} error`, v)
    const meta = (err as { meta?: unknown }).meta
    if (meta !== undefined) for (const v of views(meta)) collect(`${label} error meta`, v)
    return err
  }
}

/**
 * The signatures of a run: every distinct one (what must never show), and how many signed
 * requests were handed to a base connection (identical requests in one second share one
 * signature, so only this count is independent of the machine's speed).
 */
export class SignatureLog {
  readonly distinct = new Set<string>()
  sent = 0

  /** The `authorization` header of a request handed to the base connection. */
  handed(authorization: unknown): void {
    const signature = signatureIn(authorization)
    if (signature === undefined) return
    this.distinct.add(signature)
    this.sent++
  }

  /** The `authorization` header of a request as it reached the emulator. */
  arrived(authorization: unknown): void {
    const signature = signatureIn(authorization)
    if (signature !== undefined) this.distinct.add(signature)
  }
}

function signatureIn(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined
  return /Signature=([0-9a-f]{64})/.exec(authorization)?.[1]
}

export interface ScenarioResult {
  /** Every distinct signature sent or received: two identical requests in one second share one. */
  signatures: Set<string>
  /** How many signed requests were handed to the base connection. */
  sent: number
  /** Which failure paths were reached, by name (each must have been). */
  reached: Set<string>
}

export async function runScenarios(collect: Collect): Promise<ScenarioResult> {
  const log = new SignatureLog()
  const reached = new Set<string>()
  const emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
  // Same key id and token, another secret: every signature is refused as a mismatch.
  const wrong = await startEmulator({
    credentials: { ...CREDS, secretAccessKey: 'some-other-secret' },
    region: REGION,
    service: 'es',
  })
  emu.onRequest((ctx) => {
    log.arrived(ctx.headers.authorization)
    if (ctx.headers['x-fault'] === 'slow') return { delayMs: 1100 }
    if (ctx.headers['x-fault'] === 'drop') return { destroy: true }
    return undefined
  })

  const clients: Array<{ close(): Promise<void> }> = []
  const make = (
    variant: (typeof VARIANTS)[number],
    redaction: 'default' | 'off',
    node: string,
    options: { credentials?: CredentialsOption; maxBodyBytes?: number } = {},
    clientOptions: Record<string, unknown> = {},
  ): es9.Client => {
    const Connection = createAwsSigV4Connection({
      region: REGION,
      credentials: CREDS,
      ...options,
      baseConnection: recording(variant.base as Base, log),
    })
    const client = new variant.Client({
      node,
      Connection: Connection as never,
      maxRetries: 1,
      ...(redaction === 'off' ? { redaction: { type: 'off' } } : {}),
      ...clientOptions,
    }) as unknown as es9.Client
    const on = client.diagnostic.on.bind(client.diagnostic) as (
      event: string,
      listener: (err: unknown, meta: unknown) => void,
    ) => void
    for (const event of DIAGNOSTIC_EVENTS) {
      on(event, (err, meta) => {
        for (const v of views(err))
          collect(`${variant.name} ${redaction} diagnostic ${event} error`, v)
        for (const v of views(meta))
          collect(`${variant.name} ${redaction} diagnostic ${event} meta`, v)
      })
    }
    clients.push(client)
    return client
  }

  const failing = failureCollector(collect, (label) => reached.add(label.replace(/^.*?: /, '')))

  try {
    for (const variant of VARIANTS) {
      for (const redaction of ['default', 'off'] as const) {
        const label = `${variant.name} redaction ${redaction}`
        const client = make(variant, redaction, emu.url)

        // Success paths.
        collect(`${label} info`, safeJson(await client.info()))
        await client.index({ index: 'sec', id: 'a/b c', document: { t: 'é' }, refresh: true })
        collect(`${label} search`, safeJson(await client.search({ index: 'sec', q: 't:é' })))
        collect(
          `${label} bulk`,
          safeJson(await client.bulk({ operations: [{ index: { _index: 'sec' } }, { n: 1 }] })),
        )
        collect(
          `${label} helpers.bulk`,
          safeJson(
            await client.helpers.bulk({
              datasource: [{ n: 1 }, { n: 2 }],
              onDocument: () => ({ index: { _index: 'sec' } }),
            }),
          ),
        )
        const conn = client.connectionPool.connections[0]
        for (const v of [...views(client), ...views(conn), ...views(client.connectionPool)]) {
          collect(`${label} client/connection`, v)
        }

        // Failure paths.
        const mismatch = make(variant, redaction, wrong.url)
        await failing(`${label}: signature mismatch 403 with sigv4_debug`, () => mismatch.info())

        emu.revoke(CREDS.accessKeyId)
        await failing(`${label}: expired token 403 (static credentials: one attempt)`, () =>
          client.info(),
        )
        emu.restore(CREDS.accessKeyId)

        const throwing = make(variant, redaction, emu.url, {
          credentials: async () => {
            throw new Error('provider exploded')
          },
        })
        await failing(`${label}: credentials provider error`, () => throwing.info({}, NO_BACKOFF))

        const garbage = make(variant, redaction, emu.url, {
          credentials: async () =>
            ({
              accessKeyId: CREDS.accessKeyId,
              secretAccessKey: CREDS.secretAccessKey,
              sessionToken: { value: CREDS.sessionToken },
            }) as never,
        })
        await failing(`${label}: provider returns garbage holding the secrets`, () =>
          garbage.info({}, NO_BACKOFF),
        )

        const controller = new AbortController()
        setTimeout(() => controller.abort(), 100)
        await failing(`${label}: aborted in flight`, () =>
          client.info({}, { signal: controller.signal, headers: { 'x-fault': 'slow' } }),
        )

        const capped = make(variant, redaction, emu.url, { maxBodyBytes: 16 })
        await failing(`${label}: stream body over the cap`, () =>
          capped.transport.request({
            method: 'POST',
            path: '/_bulk',
            bulkBody: Readable.from(['{"index":{"_index":"sec"}}\n', '{"n":1}\n']),
          }),
        )

        const timing = make(variant, redaction, emu.url, {}, { requestTimeout: 150, maxRetries: 0 })
        await failing(`${label}: timeout`, () =>
          timing.info({}, { headers: { 'x-fault': 'slow' } }),
        )

        await failing(`${label}: connection dropped`, () =>
          client.info({}, { ...NO_BACKOFF, headers: { 'x-fault': 'drop' } }),
        )
      }
    }

    // A configuration error for credentials that hold the secrets in the wrong shape.
    for (const credentials of [
      { accessKeyId: CREDS.accessKeyId, secretAccessKey: CREDS.secretAccessKey, sessionToken: 5 },
      { accessKeyId: CREDS.secretAccessKey, secretAccessKey: '', sessionToken: CREDS.sessionToken },
    ]) {
      await failing('configuration: credentials of the wrong shape', async () =>
        createAwsSigV4Connection({ region: REGION, credentials: credentials as never }),
      )
    }
    // The emulators' logs: every verdict, the refused ones with their canonical requests.
    for (const [name, server] of [
      ['emulator', emu],
      ['mismatch emulator', wrong],
    ] as const) {
      for (const v of views(server.verdicts)) collect(`${name} verdicts`, v)
    }
  } finally {
    for (const client of clients) await client.close()
    await emu.close()
    await wrong.close()
  }
  return { signatures: log.distinct, sent: log.sent, reached }
}

/** What must never show: the secret key, the session token, and every signature sent. */
export function needles(signatures: Iterable<string>): string[] {
  return [CREDS.secretAccessKey, CREDS.sessionToken, ...signatures]
}
