/**
 * Section 3b (`BENCH_ONLY=hash`, or `npx tsx --expose-gc bench/hash-paths.ts` alone): where a
 * payload's SHA-256 should run, by body size. The same bytes are hashed four ways, and each is
 * charged the main thread's CPU (schedstat) and the wall time per hash:
 *
 *   sync      `crypto.hash` on the main thread (the path small bodies keep)
 *   subtle    WebCrypto `crypto.subtle.digest`: libuv's pool hashes, after the main thread has
 *             copied the bytes (Node copies the input of every asynchronous crypto job)
 *   transfer  a worker thread, the bytes' ArrayBuffer transferred there and back, no copy
 *             (possible for bytes the signer made itself, a string body encoded once)
 *   copy      a worker thread, the bytes copied by `postMessage` (a Buffer body the caller
 *             owns, which must stay as it is)
 *
 * and the package's own hasher (lib/sigv4/sha256-worker.ts, compiled) the two ways it is used:
 *
 *   pkg bytes  `hashBytes`: someone else's bytes, copied over a chunk at a time through one
 *              buffer passed back and forth
 *   pkg text   `hashText` of the same text minus `Buffer.from` of it: what it adds to the
 *              encoding the base connection would do anyway
 *
 * Offloading pays where its main-thread CPU is well under the synchronous hash's: that size is
 * the threshold the package uses (lib's OFFLOAD_MIN_BYTES), chosen from this table.
 */
import { hash } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { mainThreadCpuMs, loadAverage } from './cpu'
import { buildDist, sha256WorkerModule } from './dist'
import { quantile } from './rounds'
import { fmt, log, table } from './util'

export const HASH_SIZES = [
  4 << 10,
  16 << 10,
  32 << 10,
  64 << 10,
  128 << 10,
  256 << 10,
  1 << 20,
  5 << 20,
  10 << 20,
]
export const HASH_PATHS = [
  'sync',
  'subtle',
  'transfer',
  'copy',
  'pkg bytes',
  'pkg text',
  'encode',
] as const
type PathName = (typeof HASH_PATHS)[number]

export interface HashPathRow {
  bytes: number
  /** Median main-thread CPU µs per hash, and median wall µs per hash, per path. */
  mainUs: Record<PathName, number>
  wallUs: Record<PathName, number>
}

export interface HashPathsResult {
  rounds: number
  rows: HashPathRow[]
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { hash } = require('node:crypto')
parentPort.on('message', ({ id, bytes, back }) => {
  const hex = hash('sha256', bytes, 'hex')
  if (back) parentPort.postMessage({ id, hex, bytes }, [bytes.buffer])
  else parentPort.postMessage({ id, hex })
})`

/** A minimal worker hasher for the comparison (the package's own is measured in `signing`). */
class ExperimentWorker {
  readonly #worker = new Worker(WORKER_SOURCE, { eval: true })
  readonly #pending = new Map<number, (reply: Reply) => void>()
  #next = 0

  constructor() {
    this.#worker.on('message', (reply: Reply & { id: number }) => {
      this.#pending.get(reply.id)?.(reply)
      this.#pending.delete(reply.id)
    })
  }

  /** Transferred bytes come back with the answer, ready to send. */
  hash(bytes: Uint8Array, transfer: boolean): Promise<Reply> {
    return new Promise((resolve) => {
      const id = this.#next++
      this.#pending.set(id, resolve)
      if (transfer)
        this.#worker.postMessage({ id, bytes, back: true }, [bytes.buffer as ArrayBuffer])
      else this.#worker.postMessage({ id, bytes, back: false })
    })
  }

  close(): Promise<number> {
    return this.#worker.terminate()
  }
}

interface Reply {
  hex: string
  bytes?: Uint8Array
}

function bodyBytes(size: number): Buffer {
  const unit = '{"index":{"_index":"bench"}}\n{"message":"the quick brown fox jumps over"}\n'
  return Buffer.from(unit.repeat(Math.ceil(size / unit.length)).slice(0, size))
}

export async function runHashPaths(options: { rounds: number }): Promise<HashPathsResult> {
  const worker = new ExperimentWorker()
  const { sha256Worker } = sha256WorkerModule()
  if (!(await sha256Worker.ready())) throw new Error("the package's hasher did not start")
  const rows: HashPathRow[] = []
  try {
    for (const size of HASH_SIZES) {
      const source = bodyBytes(size)
      const text = source.toString('latin1')
      const want = hash('sha256', source, 'hex')
      // A transferred buffer is detached here and comes back with the answer, as a signer's
      // own encoding of a string body would, to be sent.
      let own: Uint8Array = Uint8Array.from(source)
      const paths: Record<PathName, () => Promise<string>> = {
        sync: async () => hash('sha256', source, 'hex'),
        subtle: async () =>
          Buffer.from(
            await crypto.subtle.digest('SHA-256', source as Uint8Array as BufferSource),
          ).toString('hex'),
        transfer: async () => {
          const reply = await worker.hash(own, true)
          own = reply.bytes!
          return reply.hex
        },
        copy: async () => (await worker.hash(source, false)).hex,
        'pkg bytes': () => sha256Worker.hashBytes(source),
        'pkg text': async () => (await sha256Worker.hashText(text)).hex,
        encode: async () => (Buffer.from(text).length > 0 ? want : ''),
      }
      for (const name of HASH_PATHS) {
        if ((await paths[name]()) !== want) throw new Error(`hash path ${name} is wrong`)
      }
      const counts = { ...sha256Worker.counts }
      const n = Math.max(4, Math.min(400, Math.round((32 << 20) / size)))
      const main = Object.fromEntries(HASH_PATHS.map((p) => [p, [] as number[]])) as Record<
        PathName,
        number[]
      >
      const wall = Object.fromEntries(HASH_PATHS.map((p) => [p, [] as number[]])) as Record<
        PathName,
        number[]
      >
      for (let round = 0; round < options.rounds; round++) {
        for (const name of round % 2 === 0 ? HASH_PATHS : [...HASH_PATHS].reverse()) {
          const op = paths[name]
          for (let i = 0; i < 3; i++) await op()
          global.gc?.()
          const m0 = mainThreadCpuMs()
          const t0 = process.hrtime.bigint()
          for (let i = 0; i < n; i++) await op()
          wall[name].push(Number(process.hrtime.bigint() - t0) / 1000 / n)
          main[name].push(((mainThreadCpuMs() - m0) * 1000) / n)
        }
      }
      if (sha256Worker.counts.synchronous !== counts.synchronous) {
        throw new Error("the package's hasher fell back to the main thread")
      }
      const med = (xs: number[]): number => quantile(Float64Array.from(xs).sort(), 0.5)
      const row: HashPathRow = {
        bytes: size,
        mainUs: Object.fromEntries(
          HASH_PATHS.map((p) => [p, med(main[p])]),
        ) as HashPathRow['mainUs'],
        wallUs: Object.fromEntries(
          HASH_PATHS.map((p) => [p, med(wall[p])]),
        ) as HashPathRow['wallUs'],
      }
      log(
        `hash ${sizeLabel(size)}: main-thread µs ${HASH_PATHS.map((p) => `${p} ${fmt(row.mainUs[p])}`).join(', ')}`,
      )
      rows.push(row)
    }
  } finally {
    await worker.close()
  }
  return { rounds: options.rounds, rows }
}

export function sizeLabel(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MB` : `${bytes / 1024} KB`
}

/** The paths shown: `pkg text` net of the encoding, which the base connection does unsigned. */
const SHOWN = ['sync', 'subtle', 'transfer', 'copy', 'pkg bytes', 'pkg text'] as const

export function hashPathsTable(r: HashPathsResult): string {
  const net = (row: HashPathRow, p: (typeof SHOWN)[number]): number =>
    p === 'pkg text' ? row.mainUs[p] - row.mainUs.encode : row.mainUs[p]
  return table(
    `3b. one payload hash by path: main-thread CPU µs (wall µs), median of ${r.rounds} rounds; pkg text net of Buffer.from (the base's own encoding)`,
    ['body', ...SHOWN, 'transfer / sync'],
    r.rows.map((row) => [
      sizeLabel(row.bytes),
      ...SHOWN.map((p) => `${fmt(net(row, p))} (${fmt(row.wallUs[p])})`),
      fmt(row.mainUs.transfer / row.mainUs.sync, 2),
    ]),
  )
}

if (require.main === module) {
  if (process.env.BENCH_BUILD === '1') buildDist()
  const load = loadAverage()
  runHashPaths({ rounds: Number(process.env.ROUNDS ?? 7) }).then(
    (r) => {
      console.log(hashPathsTable(r))
      console.log(`load ${load.join(' ')} → ${loadAverage().join(' ')}, Node ${process.version}`)
    },
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}
