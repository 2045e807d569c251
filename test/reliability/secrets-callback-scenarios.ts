/**
 * The secrets scenarios for the callback lineage (7.17, 7.13.0, OpenSearch client 3.x/2.x):
 * everything a user of those clients can see, on the success path and every failure path,
 * handed to `collect` as text, and every signature the connections sent. Their transports redact
 * nothing and put the live connection in `meta.connection`, so besides every printed view, the
 * events' results are walked property by property (own enumerable ones, as a logger or a
 * serialiser would), while other requests are in flight on the same connection.
 * Shared by secrets-callback.test.ts (in process) and secrets-child.ts (its `callback` set,
 * with DEBUG=elasticsearch,opensearch).
 */
import { Readable } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import { createAwsSigV4Connection } from '../../lib'
import type { CredentialsOption } from '../../lib'
import { startEmulator } from '../../lib/testing'
import type { Engine } from '../../lib/testing'
import { CALLBACK_VARIANTS } from '../support/client-variants'
import type { CallbackClient, CallbackModule } from '../support/client-variants'
import { SignatureLog, failureCollector, safeJson, views } from './secrets-scenarios'
import type { Collect, ScenarioResult } from './secrets-scenarios'
import { CREDS, REGION } from './support'

/** Credential failures are retried like connection errors: without the backoff here. */
const FAST = { maxRetries: 1 }

type Callback = (err: Error | null, res: IncomingMessage | null) => void
type Base = CallbackModule['Connection']

/** A base connection that records the signature of every request it is handed. */
function recording(Base: Base, log: SignatureLog): Base {
  class Recording extends (Base as unknown as new (o: never) => {
    request(p: unknown, cb: Callback): unknown
  }) {
    override request(params: unknown, callback: Callback): unknown {
      log.handed((params as { headers?: Record<string, unknown> }).headers?.authorization)
      return super.request(params, callback)
    }
  }
  return Recording as unknown as Base
}

/**
 * Every string reachable through own enumerable properties (and array items), as one text:
 * what a deep logger, a serialiser or `Object.entries` recursion sees.
 */
export function deepWalk(value: unknown): string {
  const seen = new WeakSet<object>()
  const out: string[] = []
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === 'string') out.push(v)
    if (typeof v !== 'object' || v === null || depth > 40 || seen.has(v)) return
    seen.add(v)
    if (Buffer.isBuffer(v)) {
      out.push(v.toString('latin1'))
      return
    }
    for (const key of Object.keys(v)) {
      let child: unknown
      try {
        child = (v as Record<string, unknown>)[key]
      } catch {
        continue
      }
      visit(child, depth + 1)
    }
  }
  visit(value, 0)
  return out.join('\n')
}

const EVENTS = ['request', 'response', 'sniff', 'resurrect'] as const

/** The failure paths each callback client must have reached. */
export const CALLBACK_FAILURE_PATHS = [
  'signature mismatch 403 with sigv4_debug',
  'expired token 403 after one re-signed retry',
  'credentials provider error',
  'provider returns garbage holding the secrets',
  'aborted before send',
  'aborted in flight',
  'stream body over the cap',
  'timeout',
  'connection dropped',
]

export async function runCallbackScenarios(collect: Collect): Promise<ScenarioResult> {
  const log = new SignatureLog()
  const reached = new Set<string>()
  const servers = new Map<Engine, Awaited<ReturnType<typeof startEmulator>>>()
  const emulator = async (engine: Engine) => {
    let emu = servers.get(engine)
    if (emu === undefined) {
      emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es', engine })
      emu.onRequest((ctx) => {
        log.arrived(ctx.headers.authorization)
        if (ctx.headers['x-fault'] === 'slow') return { delayMs: 1100 }
        if (ctx.headers['x-fault'] === 'drop') return { destroy: true }
        return undefined
      })
      servers.set(engine, emu)
    }
    return emu
  }
  const wrong = await startEmulator({
    credentials: { ...CREDS, secretAccessKey: 'some-other-secret' },
    region: REGION,
    service: 'es',
    engine: 'elasticsearch7',
  })

  const clients: CallbackClient[] = []
  const make = (
    label: string,
    module: CallbackModule,
    node: string,
    options: { credentials?: CredentialsOption; maxBodyBytes?: number } = {},
    clientOptions: Record<string, unknown> = {},
  ): CallbackClient => {
    const Connection = createAwsSigV4Connection({
      region: REGION,
      credentials: CREDS,
      ...options,
      baseConnection: recording(module.Connection, log),
    })
    const client = new module.Client({ node, Connection, ...FAST, ...clientOptions })
    for (const event of EVENTS) {
      client.on(event as 'request', (err: unknown, result: unknown) => {
        for (const v of views(err)) collect(`${label} event ${event} error`, v)
        for (const v of views(result)) collect(`${label} event ${event} result`, v)
        collect(`${label} event ${event} result, walked`, deepWalk(result))
        collect(`${label} event ${event} error, walked`, deepWalk(err))
      })
    }
    clients.push(client)
    return client
  }

  const collectFailure = failureCollector(collect, (label) => reached.add(label))
  const failing = async (label: string, call: () => PromiseLike<unknown>): Promise<void> => {
    collect(`${label} error, walked`, deepWalk(await collectFailure(label, call)))
  }

  try {
    for (const variant of CALLBACK_VARIANTS) {
      const label = variant.name
      const emu = await emulator(variant.engine)
      const client = make(label, variant.module, emu.url)

      // Success paths, with requests in flight while the events walk the connection.
      collect(`${label} info`, safeJson((await client.info()).body))
      await client.index({ index: 'sec', id: 'a/b c', body: { t: 'é' }, refresh: true })
      await Promise.all(Array.from({ length: 10 }, () => client.search({ index: 'sec', q: 't:é' })))
      collect(
        `${label} helpers.bulk`,
        safeJson(
          await client.helpers.bulk({
            datasource: [{ n: 1 }, { n: 2 }],
            onDocument: () => ({ index: { _index: 'sec' } }),
          }),
        ),
      )
      const connection = client.connectionPool.connections[0]
      for (const v of [...views(client), ...views(connection), ...views(client.connectionPool)]) {
        collect(`${label} client/connection`, v)
      }
      collect(`${label} connection, walked`, deepWalk(connection))

      // Failure paths.
      const mismatch = make(label, variant.module, wrong.url)
      await failing(`${label}: signature mismatch 403 with sigv4_debug`, () => mismatch.info())

      emu.revoke(CREDS.accessKeyId)
      await failing(`${label}: expired token 403 after one re-signed retry`, () => client.info())
      emu.restore(CREDS.accessKeyId)

      const throwing = make(label, variant.module, emu.url, {
        credentials: async () => {
          throw new Error('provider exploded')
        },
      })
      await failing(`${label}: credentials provider error`, () => throwing.info())

      const garbage = make(label, variant.module, emu.url, {
        credentials: async () =>
          ({
            accessKeyId: CREDS.accessKeyId,
            secretAccessKey: CREDS.secretAccessKey,
            sessionToken: { value: CREDS.sessionToken },
          }) as never,
      })
      await failing(`${label}: provider returns garbage holding the secrets`, () => garbage.info())

      const slowCredentials = make(label, variant.module, emu.url, {
        credentials: () => new Promise((resolve) => setTimeout(() => resolve(CREDS), 300)),
      })
      await failing(`${label}: aborted before send`, () => {
        const request = slowCredentials.info()
        setTimeout(() => request.abort(), 50)
        return request
      })

      await failing(`${label}: aborted in flight`, () => {
        const request = client.info({}, { headers: { 'x-fault': 'slow' } })
        setTimeout(() => request.abort(), 100)
        return request
      })

      const capped = make(label, variant.module, emu.url, { maxBodyBytes: 16 })
      await failing(`${label}: stream body over the cap`, () =>
        capped.transport.request({
          method: 'POST',
          path: '/_bulk',
          bulkBody: Readable.from(['{"index":{"_index":"sec"}}\n', '{"n":1}\n']),
        }),
      )

      const timing = make(
        label,
        variant.module,
        emu.url,
        {},
        { requestTimeout: 150, maxRetries: 0 },
      )
      await failing(`${label}: timeout`, () => timing.info({}, { headers: { 'x-fault': 'slow' } }))

      await failing(`${label}: connection dropped`, () =>
        client.info({}, { headers: { 'x-fault': 'drop' }, maxRetries: 0 }),
      )
    }

    // 7.17 against OpenSearch 2.x: the unsupported-engine error and its meta.
    const os = await emulator('opensearch')
    const es717 = CALLBACK_VARIANTS[0]
    const refused = make(`${es717.name} vs OpenSearch 2.x`, es717.module, os.url)
    await failing(`${es717.name} vs OpenSearch 2.x: unsupported engine`, () =>
      refused.indices.create({ index: 'x' }),
    )
  } finally {
    for (const client of clients) await client.close()
    for (const emu of servers.values()) await emu.close()
    await wrong.close()
  }
  return { signatures: log.distinct, sent: log.sent, reached }
}
