/**
 * The client side of the load test, in its own process so its heap is measured alone (and with
 * `--expose-gc`): `node --expose-gc --import tsx load-child.ts <emulator url> <requests> <concurrency>`.
 * Prints one JSON line: counts, durations and heap figures.
 */
import { signedClient } from './support'

const [url, totalArg, concurrencyArg, warmupArg] = process.argv.slice(2)
const TOTAL = Number(totalArg)
const CONCURRENCY = Number(concurrencyArg)
const WARMUP = Number(warmupArg)
const IDS = ['a b', 'ü/ß', '日本', "!*'()", 'x+y=z', '%41', 'plain']

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    gc!()
  }
  return process.memoryUsage().heapUsed
}

async function main(): Promise<void> {
  const client = signedClient(url, 'undici-9', {}, { maxRetries: 0, requestTimeout: 30_000 })
  const statuses = new Map<string, number>()
  let failures = 0
  const firstErrors: string[] = []

  const one = async (i: number): Promise<void> => {
    const id = `${IDS[i % IDS.length]}-${i % 200}`
    try {
      switch (i % 4) {
        case 0:
          await client.info()
          break
        case 1:
          await client.index({ index: 'load', id, document: { i, text: `döc ${i} ${id}` } })
          break
        case 2:
          await client.get({ index: 'load', id }, { ignore: [404] })
          break
        default:
          await client.cluster.health({ level: 'cluster', timeout: `${i % 30}s` })
      }
      statuses.set('ok', (statuses.get('ok') ?? 0) + 1)
    } catch (err) {
      failures += 1
      const status = String(
        (err as { meta?: { statusCode?: number } }).meta?.statusCode ?? (err as Error).name,
      )
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      if (firstErrors.length < 5)
        firstErrors.push(`${(err as Error).name}: ${(err as Error).message}`.slice(0, 300))
    }
  }

  const run = async (count: number, offset: number): Promise<number> => {
    let next = 0
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          const i = next++
          await one(offset + i)
        }
      }),
    )
    return performance.now() - t0
  }

  await run(WARMUP, 0)
  const heapAfterWarmup = await settledHeap()
  const half = Math.floor(TOTAL / 2)
  const firstHalfMs = await run(half, WARMUP)
  const heapAtHalf = await settledHeap()
  const secondHalfMs = await run(TOTAL - half, WARMUP + half)
  const heapAfter = await settledHeap()
  await client.close()
  console.log(
    JSON.stringify({
      sent: WARMUP + TOTAL,
      failures,
      statuses: Object.fromEntries(statuses),
      firstErrors,
      durationMs: Math.round(firstHalfMs + secondHalfMs),
      heapAfterWarmup,
      heapAtHalf,
      heapAfter,
      rss: process.memoryUsage().rss,
    }),
  )
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
