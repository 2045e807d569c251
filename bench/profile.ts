/**
 * `npx tsx --expose-gc bench/profile.ts <contender id>... [--docs N] [--rounds N] [--search N]
 * [--cpu-only]`: where a contender's client spends its main thread during `helpers.bulk` (or,
 * with `--search N`, N small searches 64 at a time), from a V8 CPU profile of the timed rounds
 * only (taken with `node:inspector`, so the warm-up and start-up are left out). Each contender
 * runs in this process one after another against the bench server (so run one contender per
 * invocation when comparing JIT-sensitive paths), and the report groups self time per unit by
 * package (this package's compiled lib/, the client, its transport, undici, Node's internals,
 * GC, native) and lists the heaviest functions. Profiles are written to
 * bench/results/profiles/ for a closer look (Chrome DevTools, speedscope). `--cpu-only` prints
 * the main thread's CPU per unit alone, one line, for scripts that alternate contenders.
 *
 * Uses the compiled package in bench/results/dist: run `npm run bench` once, or set
 * BENCH_BUILD=1 to build it here.
 */
import { fork } from 'node:child_process'
import { Session } from 'node:inspector'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { contenderById } from './contenders'
import { buildDist } from './dist'
import { generateDocs } from './docs'
import { indexAll } from './bulk'
import { installLegacy } from './legacy'
import { mainThreadCpuMs, loadAverage } from './cpu'
import { fmt, log, table } from './util'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const args = process.argv.slice(2)
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : Number(args[i + 1])
}
const ids = args.filter(
  (a, i) => !a.startsWith('--') && !['--docs', '--rounds', '--search'].includes(args[i - 1]),
)
const DOCS = option('--docs', 50_000)
const ROUNDS = option('--rounds', 3)
const SEARCHES = option('--search', 0)
/** Only the main thread's CPU per unit, no profile (the profiler's sampling costs some). */
const CPU_ONLY = args.includes('--cpu-only')

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))),
  )
}

/** The group a frame's self time is counted under. */
function bucketOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(program)' || functionName === '(idle)') return functionName
  if (url === '') return 'native / builtins'
  if (url.includes('/bench/results/dist/')) return 'elasticsearch-aws-sigv4 (lib/)'
  if (url.includes('/bench/legacy/')) return 'legacy client + connector'
  if (url.includes('node_modules/undici/')) return 'undici'
  if (url.includes('node_modules/@elastic/transport/')) return '@elastic/transport'
  if (url.includes('node_modules/aws4/')) return 'aws4'
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (m) return m[1]
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`
  return url.includes('/bench/') ? 'bench harness' : url
}

function summarize(profile: Profile, docs: number, label: string): string {
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + profile.timeDeltas[i]))
  const byBucket = new Map<string, number>()
  const byFunction = new Map<string, number>()
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0
    if (us === 0) continue
    const { url, functionName, lineNumber } = node.callFrame
    const bucket = bucketOf(url, functionName)
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + us)
    const name = `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''} [${bucket}]`
    byFunction.set(name, (byFunction.get(name) ?? 0) + us)
  }
  const total = [...byBucket].filter(([b]) => b !== '(idle)').reduce((s, [, us]) => s + us, 0)
  const rows = (m: Map<string, number>, n: number): string[][] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => [name, fmt(us / docs, 3), `${((us / total) * 100).toFixed(1)}%`])
  return [
    table(
      `${label}: self time per unit by package (µs; ${fmt(total / docs, 2)} µs sampled, idle left out)`,
      ['package', 'µs/unit', 'share'],
      rows(byBucket, 20),
    ),
    table(
      `${label}: heaviest functions (self)`,
      ['function', 'µs/unit', 'share'],
      rows(byFunction, 30),
    ),
  ].join('\n')
}

async function main(): Promise<void> {
  if (ids.length === 0) throw new Error('usage: bench/profile.ts <contender id>... [--docs N]')
  if (process.env.BENCH_BUILD === '1') buildDist()
  installLegacy()
  const server = fork(path.join(__dirname, 'server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const port = await new Promise<number>((resolve) =>
    server.once('message', (m: { port: number }) => resolve(m.port)),
  )
  const node = `http://127.0.0.1:${port}`
  const out = path.join(__dirname, 'results', 'profiles')
  mkdirSync(out, { recursive: true })
  const session = new Session()
  session.connect()
  try {
    const docs = SEARCHES > 0 ? [] : generateDocs(DOCS)
    for (const id of ids) {
      const contender = contenderById(id)
      const client = contender.create(node)
      const work = async (): Promise<void> => {
        if (SEARCHES === 0) return indexAll(contender, client, docs)
        let next = 0
        const worker = async (): Promise<void> => {
          while (next++ < SEARCHES) await client.search()
        }
        await Promise.all(Array.from({ length: 64 }, worker))
      }
      // Warm-up, untimed: the JIT, sockets and pools.
      for (let i = 0; i < 2; i++) {
        await (SEARCHES > 0 ? work() : indexAll(contender, client, docs.slice(0, 10_000)))
      }
      global.gc?.()
      const n = (SEARCHES || DOCS) * ROUNDS
      const unit = SEARCHES > 0 ? 'search' : 'doc'
      const load0 = loadAverage()
      if (CPU_ONLY) {
        const cpu0 = mainThreadCpuMs()
        for (let r = 0; r < ROUNDS; r++) await work()
        const cpuMs = mainThreadCpuMs() - cpu0
        await client.close()
        // One line per run, for scripts that alternate contenders over many runs.
        process.stdout.write(
          `${id} ${((cpuMs * 1000) / n).toFixed(3)} µs/${unit} load ${load0[0]}\n`,
        )
        continue
      }
      await post(session, 'Profiler.enable')
      await post(session, 'Profiler.setSamplingInterval', { interval: 100 })
      await post(session, 'Profiler.start')
      const cpu0 = mainThreadCpuMs()
      for (let r = 0; r < ROUNDS; r++) await work()
      // Before the profile is stopped: serialising it is the profiler's work, not the client's.
      const cpuMs = mainThreadCpuMs() - cpu0
      const { profile } = await post<{ profile: Profile }>(session, 'Profiler.stop')
      await post(session, 'Profiler.disable')
      await client.close()
      const file = path.join(out, `${id}.cpuprofile`)
      writeFileSync(file, JSON.stringify(profile))
      log(`${id}: main-thread CPU ${fmt((cpuMs * 1000) / n, 2)} µs/${unit}; profile ${file}`)
      process.stdout.write(
        summarize(
          profile,
          n,
          `${id} (${ROUNDS} × ${SEARCHES || DOCS} ${unit}s, load ${load0.join(' ')}, main thread ${fmt((cpuMs * 1000) / n, 2)} µs/${unit})`,
        ) + '\n',
      )
    }
  } finally {
    session.disconnect()
    server.kill('SIGTERM')
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
