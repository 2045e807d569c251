/**
 * The real engines (test/engines/): OpenSearch 2.19 (also in compatibility mode), OpenSearch 3.x
 * and Elasticsearch 7.10.2, each a single-node JVM on loopback, started at most once per test
 * run and shared by every file that asks for it. The first request starts all of them, two at
 * a time (2-core machines), so later files find theirs running; the mocha fixture in
 * engines-fixture.ts stops them at the end and prints their versions.
 *
 * Needs `java` 17+ and `mvn` on PATH, and a Java 21+ for OpenSearch 3.x (OPENSEARCH3_JAVA_HOME,
 * else the Temurin JDK where the project's machines have it). Without them, `realEnginesMissing`
 * says what to install and the suites skip (fail under CI=true: see tool-requirements.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { addRunNotes } from './run-notes'

export type RealEngineId =
  'opensearch-2' | 'opensearch-2-compat' | 'opensearch-3' | 'elasticsearch-7'

export interface RealEngineSpec {
  id: RealEngineId
  /** The Maven profile in test/engines/pom.xml. */
  profile: 'opensearch-2' | 'opensearch-3' | 'elasticsearch-7'
  title: string
  product: 'opensearch' | 'elasticsearch'
  /** `compatibility.override_main_response_version: true` (GET / reports 7.10.2). */
  compat: boolean
  /** The oldest Java the engine runs on. */
  minJava: number
}

export const REAL_ENGINES: readonly RealEngineSpec[] = [
  {
    id: 'opensearch-2',
    profile: 'opensearch-2',
    title: 'OpenSearch 2.19',
    product: 'opensearch',
    compat: false,
    minJava: 17,
  },
  {
    id: 'opensearch-2-compat',
    profile: 'opensearch-2',
    title: 'OpenSearch 2.19 in compatibility mode',
    product: 'opensearch',
    compat: true,
    minJava: 17,
  },
  {
    id: 'opensearch-3',
    profile: 'opensearch-3',
    title: 'OpenSearch 3.x',
    product: 'opensearch',
    compat: false,
    minJava: 21,
  },
  {
    id: 'elasticsearch-7',
    profile: 'elasticsearch-7',
    title: 'Elasticsearch 7.10.2',
    product: 'elasticsearch',
    compat: false,
    minJava: 17,
  },
]

export interface RealEngine {
  spec: RealEngineSpec
  /** `http://127.0.0.1:PORT`, the engine itself (put the verifying emulator in front of it). */
  url: string
  /** The version the engine's own code reports (`Version.CURRENT`). */
  version: string
  /** Milliseconds from spawning the JVM to its ready line. */
  startMs: number
}

const ROOT = resolve(__dirname, '../..')
const ENGINES_DIR = join(ROOT, 'test/engines')
const CACHE_DIR = join(ROOT, '.tmp/engines')
const READY = /^ENGINE-READY port=(\d+) version=(\S+) product=(\S+)$/m
/** A JVM that has not said it is ready by then never will (cold 2-core machine, 4 starting). */
const START_TIMEOUT_MS = 240_000
const STOP_TIMEOUT_MS = 20_000
const LOG_LIMIT = 64 * 1024
/** Engines starting at once: the machines have 2 cores. */
const STARTING_AT_ONCE = 2
const DEFAULT_JAVA21_HOME = '/usr/lib/jvm/temurin-25-jdk-amd64'

/** The feature version of a `java` binary (17, 21, 25), or undefined when it does not run. */
export function javaVersion(java: string): number | undefined {
  const run = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 })
  if (run.error || run.status !== 0) return undefined
  const match = /version "(\d+)(?:\.(\d+))?/.exec(run.stderr)
  if (!match) return undefined
  // Java 8 and older report "1.8.0_..."
  return match[1] === '1' ? Number(match[2]) : Number(match[1])
}

function commandRuns(command: string, args: string[]): boolean {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 })
  return !run.error && run.status === 0
}

/** The java binary each engine runs on. */
function javaFor(spec: RealEngineSpec): string {
  if (spec.minJava <= 17) return 'java'
  const home =
    process.env.OPENSEARCH3_JAVA_HOME ??
    (existsSync(DEFAULT_JAVA21_HOME) ? DEFAULT_JAVA21_HOME : undefined)
  return home === undefined ? 'java' : join(home, 'bin/java')
}

let missingMemo: string | undefined | null = null

/**
 * What to install for the real-engine suites, or undefined when everything is there: `java`
 * 17+, `mvn`, and a Java 21+ for OpenSearch 3.x (when the run includes it).
 */
export function realEnginesMissing(): string | undefined {
  if (missingMemo !== null) return missingMemo
  missingMemo = missingFor(selectedEngines())
  return missingMemo
}

/** What the given engines need that is not here, or undefined. */
export function missingFor(specs: readonly RealEngineSpec[]): string | undefined {
  const missing: string[] = []
  const java = javaVersion('java')
  if (java === undefined || java < 17)
    missing.push('a JDK 17+ as `java` (apt-get install openjdk-17-jdk-headless)')
  if (!commandRuns('mvn', ['-v'])) missing.push('Maven as `mvn` (apt-get install maven)')
  const newer = specs.find((s) => s.minJava > 17)
  if (newer !== undefined) {
    const v = javaVersion(javaFor(newer))
    if (v === undefined || v < newer.minJava) {
      missing.push(`a JDK ${newer.minJava}+ for ${newer.title}, named by OPENSEARCH3_JAVA_HOME`)
    }
  }
  return missing.length === 0 ? undefined : missing.join('; ')
}

/**
 * One resolution per profile and run: two engines of one profile (2.19 and its compatibility
 * mode) start together, and two Mavens writing one output file raced (one read it after the
 * other had removed it).
 */
const classPaths = new Map<RealEngineSpec['profile'], Promise<string>>()

function classPath(profile: RealEngineSpec['profile']): Promise<string> {
  let resolving = classPaths.get(profile)
  if (resolving === undefined) {
    resolving = resolveClassPath(profile)
    classPaths.set(profile, resolving)
    // A failure is not kept: the next engine of the profile tries again.
    resolving.catch(() => classPaths.delete(profile))
  }
  return resolving
}

/**
 * The class path of one profile, resolved by Maven into its local repository (~/.m2, reused
 * when warm) and kept in .tmp/engines until the pom changes or a jar goes missing.
 */
function resolveClassPath(profile: RealEngineSpec['profile']): Promise<string> {
  const pom = join(ENGINES_DIR, 'pom.xml')
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 16)
  const file = join(CACHE_DIR, `${profile}-${hash}.classpath`)
  if (existsSync(file)) {
    const cached = readFileSync(file, 'utf8').trim()
    if (cached !== '' && cached.split(':').every((jar) => existsSync(jar))) {
      return Promise.resolve(cached)
    }
  }
  mkdirSync(CACHE_DIR, { recursive: true })
  const out = `${file}.${process.pid}`
  return new Promise((resolvePath, reject) => {
    const mvn = spawn(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        pom,
        '-P',
        profile,
        'dependency:build-classpath',
        `-Dmdep.outputFile=${out}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const log = boundedLog()
    mvn.stdout.on('data', log.add)
    mvn.stderr.on('data', log.add)
    mvn.on('error', reject)
    mvn.on('close', (code) => {
      if (code !== 0 || !existsSync(out)) {
        reject(new Error(`mvn could not resolve profile ${profile} (exit ${code}):\n${log.text()}`))
        return
      }
      const resolved = readFileSync(out, 'utf8').trim()
      writeFileSync(file, resolved)
      rmSync(out, { force: true })
      resolvePath(resolved)
    })
  })
}

function boundedLog(): { add(chunk: Buffer): void; text(): string } {
  let text = ''
  return {
    add: (chunk) => {
      text = (text + chunk.toString('utf8')).slice(-LOG_LIMIT)
    },
    text: () => text,
  }
}

interface Running {
  engine: RealEngine
  child: ChildProcess
  home: string
}

const running = new Map<RealEngineId, Running>()
const starting = new Map<RealEngineId, Promise<RealEngine>>()

async function startOne(spec: RealEngineSpec): Promise<RealEngine> {
  const cp = await classPath(spec.profile)
  const home = mkdtempSync(join(tmpdir(), `sigv4-${spec.id}-`))
  const args = [
    '-Xms512m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    ...(spec.minJava >= 21 ? ['--enable-native-access=ALL-UNNAMED'] : []),
    '-cp',
    cp,
    join(ENGINES_DIR, 'Launcher.java'),
    home,
    ...(spec.compat ? ['--compat'] : []),
  ]
  const began = Date.now()
  const child = spawn(javaFor(spec), args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const log = boundedLog()
  child.stderr?.on('data', log.add)
  return new Promise<RealEngine>((resolveEngine, reject) => {
    let out = ''
    const fail = (why: string): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      rmSync(home, { recursive: true, force: true })
      reject(new Error(`${spec.title} did not start: ${why}\n${log.text()}`))
    }
    const timer = setTimeout(
      () => fail(`no ready line in ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    )
    child.on('error', (err) => fail(err.message))
    child.on('exit', (code, signal) => {
      if (!running.has(spec.id)) fail(`the JVM exited (${signal ?? code}) before it was ready`)
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      log.add(chunk)
      if (running.has(spec.id)) return
      out = (out + chunk.toString('utf8')).slice(-LOG_LIMIT)
      const ready = READY.exec(out)
      if (!ready) return
      clearTimeout(timer)
      const engine: RealEngine = {
        spec,
        url: `http://127.0.0.1:${ready[1]}`,
        version: ready[2],
        startMs: Date.now() - began,
      }
      running.set(spec.id, { engine, child, home })
      resolveEngine(engine)
    })
  })
}

/**
 * Starts every engine of the run not yet started, `STARTING_AT_ONCE` at a time; each promise
 * settles alone (a failed start is reported to whoever asks for that engine).
 */
export function startAll(): void {
  const queue = selectedEngines().filter((spec) => !starting.has(spec.id))
  const gates: Array<Promise<unknown>> = []
  for (const spec of queue) {
    const turn =
      gates.length >= STARTING_AT_ONCE ? gates[gates.length - STARTING_AT_ONCE] : undefined
    const started = (turn ?? Promise.resolve()).catch(() => undefined).then(() => startOne(spec))
    started.catch(() => undefined) // a failed start is reported to whoever asks for that engine
    starting.set(spec.id, started)
    gates.push(started)
  }
}

/**
 * The engines this run tests: all, or those TEST_REAL_ENGINES names (comma-separated ids), to
 * iterate on one; an unknown id is an error, not a silent skip.
 */
export function selectedEngines(value = process.env.TEST_REAL_ENGINES): RealEngineSpec[] {
  if (value === undefined || value.trim() === '') return [...REAL_ENGINES]
  const ids = value.split(',').map((s) => s.trim())
  return ids.map((id) => {
    const spec = REAL_ENGINES.find((s) => s.id === id)
    if (spec === undefined) {
      throw new Error(
        `TEST_REAL_ENGINES: unknown engine "${id}"; known: ${REAL_ENGINES.map((s) => s.id).join(', ')}`,
      )
    }
    return spec
  })
}

/** One engine started alone (the others are not), for the `npm run start:opensearch` demo. */
export function startRealEngine(id: RealEngineId): Promise<RealEngine> {
  let started = starting.get(id)
  if (started === undefined) {
    started = startOne(REAL_ENGINES.find((s) => s.id === id) as RealEngineSpec)
    starting.set(id, started)
  }
  return started
}

/** The running engine (started with the others on first use). */
export function realEngine(id: RealEngineId): Promise<RealEngine> {
  if (!starting.has(id)) startAll()
  const started = starting.get(id)
  if (started === undefined) return Promise.reject(new Error(`${id} is not in TEST_REAL_ENGINES`))
  return started
}

/** The engines started in this run, for the summary. */
export function startedEngines(): RealEngine[] {
  return [...running.values()].map((r) => r.engine)
}

addRunNotes(() =>
  startedEngines().map(
    (e) =>
      `engine ${e.spec.id}: ${e.spec.product === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} ${e.version}` +
      `${e.spec.compat ? ' (compatibility mode: GET / reports 7.10.2)' : ''}, started in ${(e.startMs / 1000).toFixed(1)} s`,
  ),
)

/** Stops every engine this process started: closes its standard input, then kills it if needed. */
export async function stopRealEngines(): Promise<void> {
  const all = [...running.values()]
  running.clear()
  await Promise.all(
    all.map(
      ({ child, home }) =>
        new Promise<void>((resolveStop) => {
          const done = (): void => {
            clearTimeout(timer)
            rmSync(home, { recursive: true, force: true })
            resolveStop()
          }
          const timer = setTimeout(() => {
            child.kill('SIGKILL')
          }, STOP_TIMEOUT_MS)
          if (child.exitCode !== null || child.signalCode !== null) return done()
          child.once('exit', done)
          child.stdin?.end()
        }),
    ),
  )
}
