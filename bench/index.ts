/**
 * `npm run bench`: one run of every section against a fast local server on loopback, contenders
 * alternated round by round, medians and ratios printed as tables and written to
 * bench/results/latest.json, PASS/MISS per target.
 *
 *   BENCH_QUICK=1   a short smoke run (fewer documents, rounds and processes)
 *   BENCH_ONLY=...  comma-separated sections: signing,memory,import,small,bulk,proxy
 *   BENCH_STRICT=1  also exit non-zero when a target is missed
 *
 * Exits non-zero when any contender or section fails (an error, or a bulk that did not index
 * every document).
 */
import { execFileSync, fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runBulk } from './bulk'
import type { BulkResult } from './bulk'
import { runColdStart, runImportCost, runMemory } from './children'
import type { ColdStartResult, ImportResult, MemoryResult } from './children'
import * as C from './contenders'
import { buildDist } from './dist'
import { loadAverage } from './cpu'
import { runSigning } from './signing'
import type { SigningResult } from './signing'
import { runSmall } from './small'
import { proxyTables, proxyTargets, runProxyBench } from './proxy'
import type { ProxyBenchResult } from './proxy'
import { installLegacy } from './legacy'
import type { SmallResult } from './small'
import { fmt, fmtInt, log, median, msSince, ratio, table } from './util'

const ROOT = path.resolve(__dirname, '..')
const QUICK = process.env.BENCH_QUICK === '1'
const STRICT = process.env.BENCH_STRICT === '1'
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim())
const run = (section: string): boolean => ONLY === undefined || ONLY.includes(section)

const CONFIG = {
  quick: QUICK,
  bulk: {
    docs: QUICK ? 10_000 : 100_000,
    rounds: QUICK ? 2 : 5,
    warmupDocs: QUICK ? 2_000 : 10_000,
  },
  small: {
    rounds: QUICK ? 2 : 5,
    sequential: QUICK ? 300 : 1_500,
    concurrent: QUICK ? 1_000 : 6_000,
    concurrency: 64,
    warmup: QUICK ? 100 : 500,
  },
  signing: { rounds: QUICK ? 3 : 7, batchMs: QUICK ? 30 : 100 },
  memory: { runs: QUICK ? 1 : 3 },
  import: { runs: QUICK ? 5 : 21 },
  coldStart: { runs: QUICK ? 3 : 9 },
  proxy: {
    small: {
      rounds: QUICK ? 2 : 5,
      sequential: QUICK ? 300 : 1_500,
      concurrent: QUICK ? 1_000 : 6_000,
      concurrency: 64,
      warmup: QUICK ? 100 : 500,
    },
    bulk: {
      docs: QUICK ? 10_000 : 50_000,
      rounds: QUICK ? 2 : 5,
      warmupDocs: QUICK ? 2_000 : 5_000,
    },
    rss: { concurrent: 16, bytes: 10 * 1024 * 1024, waves: QUICK ? 1 : 3, smallBudget: '40mb' },
  },
}

const BULK_CONTENDERS = [
  C.ES_UNDICI,
  C.ES_UNDICI_SIGNED,
  C.ES_UNDICI_FLOOR,
  C.ES_HTTP,
  C.ES_HTTP_SIGNED,
  C.ES_GZIP,
  C.ES_GZIP_SIGNED,
  C.OPENSEARCH,
  C.OPENSEARCH_SIGNED,
  C.OPENSEARCH_OURS,
  C.ES7_SIGNED,
  C.ES7_LEGACY,
]
const SMALL_CONTENDERS = [
  C.ES_UNDICI,
  C.ES_UNDICI_SIGNED,
  C.ES_UNDICI_FLOOR,
  C.ES_HTTP,
  C.ES_HTTP_SIGNED,
  C.OPENSEARCH,
  C.OPENSEARCH_SIGNED,
  C.OPENSEARCH_OURS,
  C.ES7_SIGNED,
  C.ES7_LEGACY,
]

interface Target {
  name: string
  value: string
  goal: string
  pass: boolean
  /** The CPU figures beside the value (steadier than wall clock on a shared machine). */
  cpu: string
}

interface Results {
  meta: Record<string, unknown>
  signing?: SigningResult[]
  memory?: MemoryResult[]
  import?: ImportResult
  coldStart?: ColdStartResult
  small?: SmallResult[]
  bulk?: BulkResult[]
  proxy?: ProxyBenchResult
  targets: Target[]
  errors: { section: string; message: string }[]
}

async function startServer(): Promise<{ child: ChildProcess; node: string }> {
  const child = fork(path.join(__dirname, 'server.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port))
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
    child.once('error', reject)
  })
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      log(`bench server exited unexpectedly (${code ?? signal})`)
  })
  return { child, node: `http://127.0.0.1:${port}` }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim()
  } catch {
    return 'unknown'
  }
}

async function main(): Promise<number> {
  const started = process.hrtime.bigint()
  const results: Results = {
    meta: {
      date: new Date().toISOString(),
      commit: gitCommit(),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadAverageAtStart: loadAverage(),
      gcExposed: typeof global.gc === 'function',
      config: CONFIG,
    },
    targets: [],
    errors: [],
  }
  const section = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (!run(name)) return undefined
    const start = process.hrtime.bigint()
    log(`section ${name}…`)
    try {
      return await fn()
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
      log(`section ${name} FAILED: ${message}`)
      results.errors.push({ section: name, message })
      return undefined
    } finally {
      log(`section ${name} took ${(msSince(start) / 1000).toFixed(1)} s`)
    }
  }

  const server = await startServer()
  try {
    // Everything below measures the compiled package; without it there is nothing to measure.
    log('building lib/ into bench/results/dist…')
    buildDist()
    if (run('small') || run('bulk')) installLegacy()
    results.signing = await section('signing', () => runSigning(CONFIG.signing))
    results.memory = await section('memory', () => runMemory(CONFIG.memory.runs))
    results.import = await section('import', () => runImportCost(CONFIG.import.runs))
    results.coldStart = await section('import', () =>
      runColdStart(server.node, CONFIG.coldStart.runs),
    )
    results.small = await section('small', () =>
      runSmall(SMALL_CONTENDERS, { node: server.node, ...CONFIG.small }),
    )
    for (const r of results.small ?? []) {
      if (r.error) results.errors.push({ section: `small ${r.id}`, message: r.error })
    }
    results.bulk = await section('bulk', () =>
      runBulk(BULK_CONTENDERS, {
        node: server.node,
        serverPid: server.child.pid,
        docs: CONFIG.bulk.docs,
        rounds: CONFIG.bulk.rounds,
        warmupDocs: CONFIG.bulk.warmupDocs,
      }),
    )
    for (const r of results.bulk ?? []) {
      if (r.error) results.errors.push({ section: `bulk ${r.id}`, message: r.error })
    }
    results.proxy = await section('proxy', () =>
      runProxyBench({ server: server.node, ...CONFIG.proxy }),
    )
  } finally {
    server.child.kill('SIGTERM')
  }

  results.meta.loadAverageAtEnd = loadAverage()
  results.meta.durationSec = msSince(started) / 1000
  results.targets = evaluateTargets(results)
  printReport(results)
  const dir = path.join(__dirname, 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n')
  log(`wrote ${path.relative(ROOT, path.join(dir, 'latest.json'))}`)

  if (results.errors.length > 0) {
    log(
      `${results.errors.length} section(s) failed: ${results.errors.map((e) => e.section).join(', ')}`,
    )
    return 1
  }
  if (STRICT && results.targets.some((t) => !t.pass)) return 2
  return 0
}

/**
 * Signed vs unsigned from the same rounds, where they ran back to back: the median of the
 * per-round docs/s ratios (wall), and of the per-round client-CPU ratios (unsigned CPU per
 * document over signed; below 1 means signing costs CPU).
 */
function paired(signed: BulkResult, unsigned: BulkResult): { wall: number; cpu: number } {
  const n = Math.min(signed.rounds.length, unsigned.rounds.length)
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < n; i++) {
    wall.push(unsigned.rounds[i].ms / signed.rounds[i].ms)
    cpu.push(unsigned.rounds[i].clientCpuMs / signed.rounds[i].clientCpuMs)
  }
  return { wall: median(wall), cpu: median(cpu) }
}

/**
 * A search contender against its baseline from the same rounds (back to back, each in its own
 * process): medians of the per-round x64 req/s ratios and of the per-round differences of p50
 * and of CPU per request in each phase.
 */
function pairedSmall(
  s: SmallResult,
  u: SmallResult,
): { rps: number; p50Us: number; sequentialCpuUs: number; concurrentCpuUs: number } {
  const n = Math.min(s.rounds.length, u.rounds.length)
  const rounds = Array.from({ length: n }, (_, i) => [s.rounds[i], u.rounds[i]] as const)
  return {
    rps: median(rounds.map(([a, b]) => a.rps / b.rps)),
    p50Us: median(rounds.map(([a, b]) => a.p50Us - b.p50Us)),
    sequentialCpuUs: median(rounds.map(([a, b]) => a.sequentialCpuUs - b.sequentialCpuUs)),
    concurrentCpuUs: median(rounds.map(([a, b]) => a.concurrentCpuUs - b.concurrentCpuUs)),
  }
}

/** A difference with its sign: `+12`, `-3`. */
function plusMinus(value: number): string {
  return `${value >= 0 ? '+' : ''}${fmtInt(value)}`
}

function evaluateTargets(r: Results): Target[] {
  const targets: Target[] = []
  const add = (
    name: string,
    value: number,
    goal: string,
    pass: boolean,
    cpu = '',
    show = ratio,
  ): void => {
    if (Number.isFinite(value)) targets.push({ name, value: show(value), goal, pass, cpu })
  }
  const bulk = (id: string): BulkResult | undefined => r.bulk?.find((b) => b.id === id)
  const small = (id: string): SmallResult | undefined => r.small?.find((s) => s.id === id)
  const sign = (id: string): SigningResult | undefined => r.signing?.find((s) => s.id === id)

  for (const [signed, unsigned, base] of [
    ['es-undici-sigv4', 'es-undici', 'UndiciConnection'],
    ['es-http-sigv4', 'es-http', 'HttpConnection'],
  ]) {
    const s = bulk(signed)
    const u = bulk(unsigned)
    if (s && u) {
      const p = paired(s, u)
      const cpu = `CPU ${ratio(p.cpu)} (${fmt(s.clientCpuUsPerDoc, 2)} vs ${fmt(u.clientCpuUsPerDoc, 2)} µs/doc)`
      add(
        `bulk docs/s signed/unsigned, ${base} (paired rounds)`,
        p.wall,
        '>= 0.97',
        p.wall >= 0.97,
        cpu,
      )
    }
  }
  for (const [id, limit] of [
    ['10mb', 1.1],
    ['10mb-buffer', 1.1],
    ['1mb', 1.3],
    ['1mb-buffer', 1.3],
  ] as const) {
    const s = sign(id)
    if (s) {
      const v = s.oursUs / s.nativeSha256Us
      const cpu = `${fmt(s.oursUs)} vs ${fmt(s.nativeSha256Us)} µs CPU`
      add(`sign ${s.label} / native SHA-256`, v, `<= ${limit}`, v <= limit, cpu)
    }
  }
  const small1k = sign('1kb')
  if (small1k) {
    const v = small1k.oursUs / small1k.aws4Us
    const cpu = `${fmt(small1k.oursUs)} vs ${fmt(small1k.aws4Us)} µs CPU`
    add('sign small request (1 KB): ours / aws4.sign', v, '<= 1.00', v <= 1, cpu)
  }
  const oursSearch = small('es-undici-sigv4')
  const unsignedSearch = small('es-undici')
  if (oursSearch && unsignedSearch) {
    const p = pairedSmall(oursSearch, unsignedSearch)
    add(
      'search x64 req/s: ours (Undici) / unsigned (paired rounds)',
      p.rps,
      '>= 0.90',
      p.rps >= 0.9,
      `CPU/req x64: ${fmtInt(oursSearch.concurrentCpuUs)} vs ${fmtInt(unsignedSearch.concurrentCpuUs)} µs (${plusMinus(p.concurrentCpuUs)})`,
    )
    add(
      'sequential search p50: ours (Undici) minus unsigned, µs (paired rounds)',
      p.p50Us,
      '<= +40',
      p.p50Us <= 40,
      `CPU/req sequential: ${fmtInt(oursSearch.sequentialCpuUs)} vs ${fmtInt(unsignedSearch.sequentialCpuUs)} µs (${plusMinus(p.sequentialCpuUs)})`,
      plusMinus,
    )
  }
  const ours = bulk('es-undici-sigv4')
  const os = bulk('opensearch-sigv4')
  if (ours && os) {
    const v = ours.docsPerSec / os.docsPerSec
    add('bulk docs/s: ours (Undici) / OpenSearch+AwsSigv4Signer', v, '> 1.00', v > 1)
  }
  const oursSmall = small('es-undici-sigv4')
  const osSmall = small('opensearch-sigv4')
  if (oursSmall && osSmall) {
    const p50 = oursSmall.p50Us / osSmall.p50Us
    add('search p50 latency: ours / OpenSearch+AwsSigv4Signer', p50, '< 1.00', p50 < 1)
    const p99 = oursSmall.p99Us / osSmall.p99Us
    add('search p99 latency: ours / OpenSearch+AwsSigv4Signer', p99, '< 1.00', p99 < 1)
    const rps = oursSmall.concurrentRps / osSmall.concurrentRps
    add('search x64 req/s: ours / OpenSearch+AwsSigv4Signer', rps, '> 1.00', rps > 1)
  }
  // The callback lineage: what its users run today against ours, on the same client API.
  for (const [ours, theirs, name] of [
    ['es717-sigv4', 'es7130-aws-connector', 'ours on 7.17 / aws-elasticsearch-connector on 7.13'],
    ['opensearch-ours', 'opensearch-sigv4', 'OpenSearch client: ours / AwsSigv4Signer'],
  ]) {
    const b = [bulk(ours), bulk(theirs)]
    if (b[0] && b[1]) {
      const v = b[0].docsPerSec / b[1].docsPerSec
      add(`bulk docs/s: ${name}`, v, '> 1.00', v > 1)
    }
    const s = [small(ours), small(theirs)]
    if (s[0] && s[1]) {
      const p50 = s[0].p50Us / s[1].p50Us
      add(`search p50 latency: ${name}`, p50, '< 1.00', p50 < 1)
      const rps = s[0].concurrentRps / s[1].concurrentRps
      add(`search x64 req/s: ${name}`, rps, '> 1.00', rps > 1)
    }
  }
  if (r.proxy) targets.push(...proxyTargets(r.proxy))
  if (r.import) {
    const v = r.import.addedFraction
    add(
      'import: added to loading @elastic/elasticsearch',
      v,
      '<= +10%',
      v <= 0.1,
      `${fmt(r.import.packageCpuMs - r.import.clientCpuMs)} ms CPU added`,
      (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`,
    )
  }
  return targets
}

function printReport(r: Results): void {
  const out: string[] = []
  const m = r.meta
  out.push(
    `elasticsearch-aws-sigv4 bench — ${m.date} — commit ${m.commit} — Node ${m.node} — ` +
      `${m.cpus} × ${m.cpuModel} — load avg ${(m.loadAverageAtStart as number[]).join(' ')} → ` +
      `${(m.loadAverageAtEnd as number[]).join(' ')} — ${QUICK ? 'QUICK' : 'full'} run, ` +
      `${(m.durationSec as number).toFixed(0)} s`,
  )
  if (r.bulk) {
    const base = (b: BulkResult): BulkResult | undefined => {
      const id = b.id.replace(/-(sigv4|floor)$/, '')
      return id === b.id ? undefined : r.bulk!.find((x) => x.id === id)
    }
    out.push(
      table(
        `1/4. helpers.bulk of ${fmtInt(CONFIG.bulk.docs)} ~1 KB documents (median of ${CONFIG.bulk.rounds} rounds; ratios: median of per-round signed/unsigned pairs)`,
        [
          'contender',
          'docs/s',
          'vs unsigned',
          'client CPU µs/doc',
          'CPU vs unsigned',
          'server CPU µs/doc',
        ],
        r.bulk.map((b) => {
          const u = base(b)
          const p = u ? paired(b, u) : undefined
          return [
            b.label,
            b.error ? 'FAILED' : fmtInt(b.docsPerSec),
            p ? ratio(p.wall) : '',
            fmt(b.clientCpuUsPerDoc, 2),
            p ? ratio(p.cpu) : '',
            fmt(b.serverCpuUsPerDoc, 2),
          ]
        }),
      ),
    )
  }
  if (r.small) {
    out.push(
      table(
        `2/4. search, sequential (${fmtInt(CONFIG.small.sequential)}/round) and ${CONFIG.small.concurrency} concurrent (${fmtInt(CONFIG.small.concurrent)}/round), median of ${CONFIG.small.rounds} rounds`,
        [
          'contender',
          'p50 µs',
          'p99 µs',
          `x${CONFIG.small.concurrency} req/s`,
          'client CPU µs/req',
          'sequential',
          `x${CONFIG.small.concurrency}`,
        ],
        r.small.map((s) => [
          s.label,
          s.error ? 'FAILED' : fmtInt(s.p50Us),
          fmtInt(s.p99Us),
          fmtInt(s.concurrentRps),
          fmtInt(s.cpuUsPerRequest),
          fmtInt(s.sequentialCpuUs),
          fmtInt(s.concurrentCpuUs),
        ]),
      ),
    )
  }
  if (r.small) {
    const find = (id: string): SmallResult | undefined => r.small!.find((s) => s.id === id)
    const rows: string[][] = []
    for (const [label, signed, unsigned] of [
      ['floor: SigV4-sized headers, no crypto', 'es-undici-floor', 'es-undici'],
      ['ours on UndiciConnection', 'es-undici-sigv4', 'es-undici'],
      ['ours on HttpConnection', 'es-http-sigv4', 'es-http'],
      ['OpenSearch client + AwsSigv4Signer', 'opensearch-sigv4', 'opensearch'],
    ]) {
      const s = find(signed)
      const u = find(unsigned)
      if (!s || !u) continue
      const p = pairedSmall(s, u)
      rows.push([
        label,
        plusMinus(p.p50Us),
        plusMinus(p.sequentialCpuUs),
        plusMinus(p.concurrentCpuUs),
        ratio(p.rps),
      ])
    }
    out.push(
      table(
        '2/4. what signing adds to a search, same client unsigned as the baseline (medians of paired rounds)',
        [
          'signer',
          'p50 µs',
          'CPU µs/req sequential',
          `CPU µs/req x${CONFIG.small.concurrency}`,
          `x${CONFIG.small.concurrency} req/s ratio`,
        ],
        rows,
      ),
    )
  }
  if (r.signing) {
    out.push(
      table(
        `3. signing one POST /_bulk in-process (CPU µs/op, median of ${CONFIG.signing.rounds} rounds; wall-clock ours in the last column)`,
        ['body', 'ours', 'native SHA-256', 'ours/native', 'aws4.sign', 'ours/aws4', 'ours wall'],
        r.signing.map((s) => [
          s.label,
          fmt(s.oursUs),
          fmt(s.nativeSha256Us),
          ratio(s.oursUs / s.nativeSha256Us),
          fmt(s.aws4Us),
          ratio(s.oursUs / s.aws4Us),
          fmt(s.wallUs.ours),
        ]),
      ),
    )
  }
  if (r.memory) {
    out.push(
      table(
        '3. memory for one 10 MB body, fresh process each (peak RSS growth / arrayBuffers delta, MB)',
        ['body', 'native SHA-256', 'ours', 'aws4.sign'],
        r.memory.map((x) => [
          x.label,
          `${fmt(x.peakRssGrowthMb.native)} / ${fmt(x.arrayBuffersDeltaMb.native)}`,
          `${fmt(x.peakRssGrowthMb.ours)} / ${fmt(x.arrayBuffersDeltaMb.ours)}`,
          `${fmt(x.peakRssGrowthMb.aws4)} / ${fmt(x.arrayBuffersDeltaMb.aws4)}`,
        ]),
      ),
    )
  }
  if (r.import) {
    const rows = [
      ['require @elastic/elasticsearch', fmt(r.import.clientMs), ''],
      [
        'require elasticsearch-aws-sigv4 (loads the client too)',
        fmt(r.import.packageMs),
        `+${fmt(r.import.packageMs - r.import.clientMs)} ms`,
      ],
      ['  same two, CPU ms: @elastic/elasticsearch', fmt(r.import.clientCpuMs), ''],
      [
        '  same two, CPU ms: elasticsearch-aws-sigv4',
        fmt(r.import.packageCpuMs),
        `+${fmt(r.import.packageCpuMs - r.import.clientCpuMs)} ms`,
      ],
    ]
    if (r.coldStart) {
      for (const kind of ['unsigned', 'signed'] as const) {
        const c = r.coldStart[kind]
        rows.push([`cold start ${kind}: load + new Client`, fmt(c.loadMs), ''])
        rows.push([`cold start ${kind}: first search`, fmt(c.firstRequestMs), ''])
        rows.push([`cold start ${kind}: process start → first response`, fmt(c.totalMs), ''])
      }
    }
    out.push(
      table(
        `5. import and cold start, fresh node processes (median ms of ${r.import.runs} / ${r.coldStart?.runs ?? 0})`,
        ['measure', 'ms', 'added'],
        rows,
      ),
    )
  }
  if (r.proxy) out.push(...proxyTables(r.proxy, table, { server: '', ...CONFIG.proxy }))
  out.push(
    table(
      'Targets',
      ['target', 'value', 'goal', 'result', 'CPU'],
      r.targets.map((t) => [t.name, t.value, t.goal, t.pass ? 'PASS' : 'MISS', t.cpu]),
    ),
  )
  if (r.errors.length > 0) {
    out.push(`\nERRORS:\n${r.errors.map((e) => `  [${e.section}] ${e.message}`).join('\n')}`)
  }
  process.stdout.write(out.join('\n') + '\n')
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
