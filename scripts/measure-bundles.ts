/**
 * The Lambda figures of docs/lambda.md (size, import cost, cold start), side by side in one run:
 *
 * - sizes: examples/lambda-ingest bundled (esbuild, minified, --platform=node) signed and with
 *   signing taken out; our share is the difference, for CommonJS and ESM, everything bundled and
 *   with @aws-sdk/* external, under esbuild's default main fields and with module-first ones;
 * - import cost: a fresh `node` loading @elastic/elasticsearch alone, then it and this package,
 *   by `import` (ESM build) and by `require` (CommonJS build);
 * - cold start: a fresh `node` loading the bundled handler and running its first invocation (one
 *   `_bulk`), signed against the emulator, unsigned against a plain stub (the emulator refuses
 *   unsigned requests), as time since process start.
 *
 * Processes of both sides alternate and rotate, so drift and background load hit both alike;
 * medians are reported. Written to bench/results/bundles.json.
 *
 *   npm run bench:bundles            (MEASURE_RUNS=21 by default; MEASURE_NODE=<node binary>)
 */
import { fork, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator } from '../lib/testing'
import { median, rotate } from '../bench/util'
import {
  REPO,
  bundle,
  runBundle,
  sqsEvent,
  taskDir,
  type Bundle,
  type BundleKind,
} from '../test/support/lambda-bundle'

const RUNS = Number(process.env.MEASURE_RUNS ?? 21)
const NODE = process.env.MEASURE_NODE ?? process.execPath
const KIB = 1024
const KINDS: BundleKind[] = ['cjs', 'cjs-sdk-external', 'esm', 'esm-sdk-external']
const CREDS = { accessKeyId: 'AKIDMEASURE', secretAccessKey: 'measure/secret', sessionToken: 't' }
const REGION = 'us-east-1'

interface ShareRow {
  kind: BundleKind
  mainFields: string
  signedKiB: number
  unsignedKiB: number
  shareKiB: number
  /** The share by package (bytes in the output, signed minus unsigned), largest first. */
  parts: Array<[string, number]>
}

/** The package an input path belongs to (`node_modules/<pkg>/…`), or `our dist` / `handler`. */
function owner(input: string): string {
  const at = input.lastIndexOf('node_modules/')
  if (at < 0) return input.startsWith('dist/') ? 'elasticsearch-aws-sigv4 dist' : input
  const [scope, name] = input.slice(at + 'node_modules/'.length).split('/')
  return scope.startsWith('@') ? `${scope}/${name}` : scope
}

function bytesByOwner(b: Bundle): Map<string, number> {
  const out = Object.values(b.metafile.outputs)[0]
  const byOwner = new Map<string, number>()
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    byOwner.set(owner(input), (byOwner.get(owner(input)) ?? 0) + bytesInOutput)
  }
  return byOwner
}

async function sizes(scratch: string): Promise<ShareRow[]> {
  const rows: ShareRow[] = []
  for (const mainFields of [undefined, ['module', 'main']]) {
    for (const kind of KINDS) {
      const dir = join(scratch, 'sizes', `${kind}-${mainFields ? 'module' : 'default'}`)
      const [signed, unsigned] = await Promise.all([
        bundle({ kind, outdir: join(dir, 'signed'), mainFields }),
        bundle({ kind, outdir: join(dir, 'unsigned'), mainFields, signed: false }),
      ])
      const before = bytesByOwner(unsigned)
      const parts = [...bytesByOwner(signed)]
        .map(([name, bytes]): [string, number] => [name, (bytes - (before.get(name) ?? 0)) / KIB])
        .filter(([, kib]) => Math.abs(kib) >= 1)
        .sort((a, b) => b[1] - a[1])
      rows.push({
        kind,
        mainFields: mainFields ? mainFields.join(',') : 'default (main,module)',
        signedKiB: signed.bytes / KIB,
        unsignedKiB: unsigned.bytes / KIB,
        shareKiB: (signed.bytes - unsigned.bytes) / KIB,
        parts,
      })
    }
  }
  return rows
}

/** Runs `code` in a fresh `node` in the repository (so the package resolves by its name). */
function child(code: string, esm: boolean): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const args = esm ? ['--input-type=module', '-e', code] : ['-e', code]
    const p = spawn(NODE, args, { cwd: REPO, env: { PATH: process.env.PATH ?? '' } })
    let out = ''
    let err = ''
    p.stdout.on('data', (d: Buffer) => (out += d))
    p.stderr.on('data', (d: Buffer) => (err += d))
    p.on('close', (status) =>
      status === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${status}: ${err}`)),
    )
  })
}

interface ImportRow {
  format: 'esm' | 'cjs'
  clientMs: number
  withPackageMs: number
  added: number
  /** The fastest of the runs, each side: the load with the least interference. */
  clientMinMs: number
  withPackageMinMs: number
  addedMin: number
  clientCpuMs: number
  withPackageCpuMs: number
  addedCpu: number
}

/**
 * Each side is one module that imports what it measures, as a user's entry does: `import` (or
 * `require`) of the client alone, or of the client and this package. One load each, so the
 * ESM loader's turn between two separate `import()` calls is not counted against either.
 */
async function importCost(dir: string): Promise<ImportRow[]> {
  const entries = {
    esm: { client: 'client.mjs', package: 'package.mjs' },
    cjs: { client: 'client.cjs', package: 'package.cjs' },
  }
  writeFileSync(join(dir, 'client.mjs'), "import '@elastic/elasticsearch'\n")
  writeFileSync(
    join(dir, 'package.mjs'),
    "import '@elastic/elasticsearch'\nimport 'elasticsearch-aws-sigv4'\n",
  )
  writeFileSync(join(dir, 'client.cjs'), "require('@elastic/elasticsearch')\n")
  writeFileSync(
    join(dir, 'package.cjs'),
    "require('@elastic/elasticsearch')\nrequire('elasticsearch-aws-sigv4')\n",
  )
  const script = (format: 'esm' | 'cjs', file: string): string => {
    const path = JSON.stringify(join(dir, file))
    return (
      `const c = process.cpuUsage(); const t = process.hrtime.bigint();` +
      (format === 'esm' ? `await import(${path});` : `require(${path});`) +
      `const u = process.cpuUsage(c);` +
      `console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t) / 1e6, cpuMs: (u.user + u.system) / 1000 }))`
    )
  }
  const cases = (['esm', 'cjs'] as const).flatMap((format) =>
    (['client', 'package'] as const).map((side) => ({
      format,
      side,
      code: script(format, entries[format][side]),
    })),
  )
  const samples = new Map<string, Array<{ ms: number; cpuMs: number }>>()
  for (let i = 0; i < RUNS; i++) {
    for (const c of rotate(cases, i)) {
      const key = `${c.format}-${c.side}`
      samples.set(key, [...(samples.get(key) ?? []), await child(c.code, c.format === 'esm')])
    }
  }
  return (['esm', 'cjs'] as const).map((format) => {
    const values = (side: string, f: 'ms' | 'cpuMs'): number[] =>
      (samples.get(`${format}-${side}`) ?? []).map((s) => s[f])
    const pick = (side: string, f: 'ms' | 'cpuMs'): number => median(values(side, f))
    const row = {
      format,
      clientMs: pick('client', 'ms'),
      withPackageMs: pick('package', 'ms'),
      clientMinMs: Math.min(...values('client', 'ms')),
      withPackageMinMs: Math.min(...values('package', 'ms')),
      clientCpuMs: pick('client', 'cpuMs'),
      withPackageCpuMs: pick('package', 'cpuMs'),
    }
    return {
      ...row,
      added: row.withPackageMs / row.clientMs - 1,
      addedMin: row.withPackageMinMs / row.clientMinMs - 1,
      addedCpu: row.withPackageCpuMs / row.clientCpuMs - 1,
    }
  })
}

interface ColdRow {
  /** The bundle's shape: its kind, and `module-first` for `--main-fields=module,main`. */
  shape: string
  unsignedMs: number
  /** Signed, against the emulator (every signature verified): the issue's measure. */
  signedMs: number
  ratio: number
  /** Signed, against the stub the unsigned side uses: signing's own cost, the server alike. */
  signedToStubMs: number
  ratioToStub: number
  /** The fastest run of each side, against the emulator: the start with the least interference. */
  unsignedMinMs: number
  signedMinMs: number
  minRatio: number
  /** The process's CPU time by the end of the first invocation, and its ratio (less disturbed by other work). */
  unsignedCpuMs: number
  signedCpuMs: number
  cpuRatio: number
  unsignedLoadMs: number
  signedLoadMs: number
  refused: number
}

/** bench/server.ts in its own process: answers `_bulk` at once, checks nothing. */
function startStub(): Promise<{ url: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const server = fork(join(REPO, 'bench', 'server.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    })
    server.once('message', (m: { port: number }) =>
      resolve({ url: `http://127.0.0.1:${m.port}`, stop: () => server.kill() }),
    )
    server.once('error', reject)
  })
}

async function coldStart(scratch: string): Promise<ColdRow[]> {
  const emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
  const stub = await startStub()
  const eventFile = join(scratch, 'event.json')
  writeFileSync(eventFile, sqsEvent(10))
  const env = (node: string): Record<string, string> => ({
    ES_NODE: node,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    AWS_SESSION_TOKEN: CREDS.sessionToken,
  })
  const shapes: Array<{ shape: string; kind: BundleKind; mainFields?: string[] }> = [
    { shape: 'cjs', kind: 'cjs' },
    { shape: 'cjs-sdk-external', kind: 'cjs-sdk-external' },
    { shape: 'esm', kind: 'esm' },
    { shape: 'cjs-sdk-ext module-first', kind: 'cjs-sdk-external', mainFields: ['module', 'main'] },
  ]
  type Side = 'unsigned' | 'signed' | 'signed-stub'
  const cases: Array<{ shape: string; side: Side; file: string }> = []
  for (const { shape, kind, mainFields } of shapes) {
    for (const signed of [true, false]) {
      const name = `${shape.replace(/\W+/g, '-')}-${signed ? 'signed' : 'unsigned'}`
      const b = await bundle({ kind, outdir: join(scratch, 'cold', name), signed, mainFields })
      const file = taskDir(join(scratch, 'cold-task', name), b, { runtime: true })
      const sides: Side[] = signed ? ['signed', 'signed-stub'] : ['unsigned']
      for (const side of sides) cases.push({ shape, side, file })
    }
  }
  const totals = new Map<string, number[]>()
  const loads = new Map<string, number[]>()
  const cpus = new Map<string, number[]>()
  const add = (map: Map<string, number[]>, key: string, value: number): void => {
    map.set(key, [...(map.get(key) ?? []), value])
  }
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const c of rotate(cases, i)) {
        const node = c.side === 'signed' ? emu.url : stub.url
        const run = await runBundle(c.file, eventFile, env(node), NODE)
        if (run.code !== 0 || !run.timings) throw new Error(`${c.shape}: ${run.stderr}`)
        add(totals, `${c.shape}-${c.side}`, run.timings.invoked)
        add(loads, `${c.shape}-${c.side}`, run.timings.loaded)
        add(cpus, `${c.shape}-${c.side}`, run.timings.cpu)
      }
    }
  } finally {
    stub.stop()
    await emu.close()
  }
  const refused = emu.verdicts.filter((v) => !v.ok).length
  return shapes.map(({ shape }) => {
    const pick = (map: Map<string, number[]>, side: Side): number =>
      median(map.get(`${shape}-${side}`) ?? [])
    const unsignedMs = pick(totals, 'unsigned')
    return {
      shape,
      unsignedMs,
      signedMs: pick(totals, 'signed'),
      ratio: pick(totals, 'signed') / unsignedMs,
      signedToStubMs: pick(totals, 'signed-stub'),
      ratioToStub: pick(totals, 'signed-stub') / unsignedMs,
      unsignedMinMs: Math.min(...(totals.get(`${shape}-unsigned`) ?? [])),
      signedMinMs: Math.min(...(totals.get(`${shape}-signed`) ?? [])),
      minRatio:
        Math.min(...(totals.get(`${shape}-signed`) ?? [])) /
        Math.min(...(totals.get(`${shape}-unsigned`) ?? [])),
      unsignedCpuMs: pick(cpus, 'unsigned'),
      signedCpuMs: pick(cpus, 'signed'),
      cpuRatio: pick(cpus, 'signed') / pick(cpus, 'unsigned'),
      unsignedLoadMs: pick(loads, 'unsigned'),
      signedLoadMs: pick(loads, 'signed'),
      refused,
    }
  })
}

const f1 = (n: number): string => n.toFixed(1)
const pct = (n: number): string => `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)} %`

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'esv4-measure-'))
  try {
    const nodeVersion = await new Promise<string>((resolve) => {
      const p = spawn(NODE, ['--version'])
      let out = ''
      p.stdout.on('data', (d: Buffer) => (out += d))
      p.on('close', () => resolve(out.trim()))
    })
    console.log(`node ${nodeVersion}, ${RUNS} runs per case, ${new Date().toISOString()}`)
    const share = await sizes(scratch)
    console.log('\nour share (minified KiB: signed - unsigned handler)')
    for (const r of share) {
      console.log(
        `  ${r.kind.padEnd(17)} ${r.mainFields.padEnd(22)} ${f1(r.shareKiB).padStart(7)}` +
          `  (signed ${f1(r.signedKiB)}, unsigned ${f1(r.unsignedKiB)})`,
      )
      console.log(`      ${r.parts.map(([n, k]) => `${n} ${f1(k)}`).join(', ')}`)
    }
    // In the repository, so that both packages resolve by name, as installed.
    mkdirSync(join(REPO, '.tmp'), { recursive: true })
    const entryDir = mkdtempSync(join(REPO, '.tmp', 'measure-'))
    const imports = await importCost(entryDir).finally(() =>
      rmSync(entryDir, { recursive: true, force: true }),
    )
    console.log('\nimport cost (median ms; CPU ms)')
    for (const r of imports) {
      console.log(
        `  ${r.format}: client ${f1(r.clientMs)} -> with package ${f1(r.withPackageMs)} (${pct(r.added)}); ` +
          `fastest ${f1(r.clientMinMs)} -> ${f1(r.withPackageMinMs)} (${pct(r.addedMin)}); ` +
          `CPU ${f1(r.clientCpuMs)} -> ${f1(r.withPackageCpuMs)} (${pct(r.addedCpu)})`,
      )
    }
    const cold = await coldStart(scratch)
    console.log('\ncold start (median ms since process start, to the first invocation answered)')
    for (const r of cold) {
      console.log(
        `  ${r.shape.padEnd(25)} unsigned ${f1(r.unsignedMs)}, signed ${f1(r.signedMs)}: ` +
          `${r.ratio.toFixed(2)}x; signed to the same stub ${f1(r.signedToStubMs)}: ` +
          `${r.ratioToStub.toFixed(2)}x; fastest ${f1(r.unsignedMinMs)} / ${f1(r.signedMinMs)}: ${r.minRatio.toFixed(2)}x; CPU ${f1(r.unsignedCpuMs)} / ${f1(r.signedCpuMs)}: ${r.cpuRatio.toFixed(2)}x` +
          `  (bundle loaded at ${f1(r.unsignedLoadMs)} / ${f1(r.signedLoadMs)} ms)`,
      )
    }
    console.log(`  requests the emulator refused: ${cold[0]?.refused ?? 0}`)
    const results = {
      date: new Date().toISOString(),
      node: nodeVersion,
      runs: RUNS,
      share,
      imports,
      cold,
    }
    mkdirSync(join(REPO, 'bench', 'results'), { recursive: true })
    writeFileSync(join(REPO, 'bench', 'results', 'bundles.json'), JSON.stringify(results, null, 2))
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
