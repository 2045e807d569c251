/**
 * examples/lambda-ingest bundled the way CDK's NodejsFunction and SAM do it (esbuild `--bundle
 * --platform=node`), and run the way Lambda runs it: the bundle alone in a task directory, loaded
 * by a runner file in a fresh process whose environment holds only what Lambda sets. Used by
 * test/examples/lambda-bundles.test.ts and scripts/measure-bundles.ts.
 *
 * The example imports `../../lib`; the bundles import the package instead, resolved through its
 * own package.json `exports` (the built dist/, as installed), from this repository's
 * node_modules, where CI's matrix rows install their client.
 */
import { spawn } from 'node:child_process'
import { builtinModules } from 'node:module'
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { build, type Metafile, type Plugin } from 'esbuild'

export const REPO = join(__dirname, '..', '..')
export const HANDLER = join(REPO, 'examples', 'lambda-ingest', 'handler.ts')
const PACKAGE = 'elasticsearch-aws-sigv4'

/**
 * The banner an ESM bundle needs (docs/lambda.md): bundled CommonJS code calls
 * `require` for Node built-ins (the client's `debug` requires `tty`), which ESM scope lacks. The
 * alias matters: the client's ESM build imports `createRequire` itself, and esbuild hoists that
 * import to the bundle's top level, beside the banner's.
 */
export const ESM_BANNER =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; " +
  'const require = topLevelCreateRequire(import.meta.url);'

/**
 * `sdk-external`: `--external:@aws-sdk/*`, CDK's default for Node.js 18+ runtimes, which ship the
 * SDK. `sdk-smithy-external`: `@smithy/*` too, CDK's default under its feature flag
 * `@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages`.
 */
export type BundleKind =
  'cjs' | 'cjs-sdk-external' | 'cjs-sdk-smithy-external' | 'esm' | 'esm-sdk-external'

export interface BundleOptions {
  kind: BundleKind
  /** Output directory (the bundle is `index.js` or `index.mjs` in it). */
  outdir: string
  /** false: the same handler with signing taken out (the package replaced by a stand-in). */
  signed?: boolean
  /** esbuild's `mainFields`; default esbuild's own for `--platform=node` (main, module). */
  mainFields?: string[]
  /** Another entry than the handler (its source, resolved from the repository). */
  source?: string
  /** ESM only: `--splitting`, lazily imported modules in chunks of their own beside the entry. */
  splitting?: boolean
}

export interface Bundle {
  kind: BundleKind
  file: string
  bytes: number
  metafile: Metafile
}

export const isEsm = (kind: BundleKind): boolean => kind.startsWith('esm')
export function externals(kind: BundleKind): string[] {
  if (kind.endsWith('sdk-smithy-external')) return ['@aws-sdk/*', '@smithy/*']
  return kind.endsWith('sdk-external') ? ['@aws-sdk/*'] : []
}

/**
 * `../../lib` (the example's import) resolves as `elasticsearch-aws-sigv4` does in a user's
 * project; unsigned, as a module whose connection factory gives the client's own default
 * connection, so the rest of the bundle is the same.
 */
function asInstalledPackage(signed: boolean): Plugin {
  return {
    name: 'as-installed-package',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/\.\.\/lib$/ }, async (args) => {
        if (!signed) return { path: 'unsigned', namespace: 'unsigned' }
        const r = await b.resolve(PACKAGE, { kind: args.kind, resolveDir: REPO })
        return r.errors.length > 0 ? { errors: r.errors } : { path: r.path }
      })
      b.onLoad({ filter: /.*/, namespace: 'unsigned' }, () => ({
        contents:
          "import { UndiciConnection } from '@elastic/elasticsearch'\n" +
          'export const createAwsSigV4Connection = () => UndiciConnection\n',
        resolveDir: REPO,
        loader: 'js',
      }))
    },
  }
}

export async function bundle(options: BundleOptions): Promise<Bundle> {
  const { kind, outdir, signed = true } = options
  const file = join(outdir, isEsm(kind) ? 'index.mjs' : 'index.js')
  const entry = options.source
    ? { stdin: { contents: options.source, resolveDir: REPO, loader: 'ts' as const } }
    : { entryPoints: [HANDLER] }
  const output = options.splitting
    ? { outdir, splitting: true, entryNames: 'index', outExtension: { '.js': '.mjs' } }
    : { outfile: file }
  const result = await build({
    ...entry,
    ...output,
    bundle: true,
    platform: 'node',
    format: isEsm(kind) ? 'esm' : 'cjs',
    banner: isEsm(kind) ? { js: ESM_BANNER } : undefined,
    external: externals(kind),
    mainFields: options.mainFields,
    minify: true,
    metafile: true,
    plugins: [asInstalledPackage(signed)],
    logLevel: 'silent',
  })
  // esbuild names outputs relative to its working directory.
  const bytes = result.metafile.outputs[relative(process.cwd(), file)].bytes
  return { kind, file, bytes, metafile: result.metafile }
}

/**
 * Which builds of a dual package the bundle holds: `esm` for its files under `esm/` or `dist-es/`
 * (the client's and smithy's layouts), `cjs` for the others (`index.js`, `lib/`, `dist-cjs/`). A
 * CommonJS-only package (the 8.x client) has `cjs` alone.
 */
export function buildsOf(metafile: Metafile, pkg: string): string[] {
  const prefix = `node_modules/${pkg}/`
  const builds = new Set<string>()
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf(prefix)
    if (at < 0) continue
    builds.add(/^(esm|dist-es)\//.test(input.slice(at + prefix.length)) ? 'esm' : 'cjs')
  }
  return [...builds].sort()
}

/** The packages a bundle leaves to the runtime: its external imports that are not Node's. */
export function externalPackages(b: Bundle): string[] {
  const packages = new Set<string>()
  for (const output of Object.values(b.metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith('node:') || builtinModules.includes(path)) continue
      packages.add(
        path
          .split('/')
          .slice(0, path.startsWith('@') ? 2 : 1)
          .join('/'),
      )
    }
  }
  return [...packages].sort()
}

export interface TaskDirOptions {
  /** Provide the bundle's external packages from a node_modules above the task directory, as Lambda's runtime provides its SDK. */
  runtime?: boolean
}

/**
 * A Lambda-like file system: `<root>/var/task/` holding the bundle (its directory's files: the
 * entry, and the chunks of a split build) and the runner, and, with
 * `runtime`, `<root>/node_modules/` holding what the bundle left external (this repository's
 * packages, linked; Node resolves a link to its real path, and from there its dependencies).
 */
export function taskDir(root: string, b: Bundle, options: TaskDirOptions = {}): string {
  const task = join(root, 'var', 'task')
  mkdirSync(task, { recursive: true })
  for (const file of readdirSync(dirname(b.file))) {
    copyFileSync(join(dirname(b.file), file), join(task, file))
  }
  writeRunner(task)
  for (const name of options.runtime ? externalPackages(b) : []) {
    const link = join(root, 'node_modules', name)
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(join(REPO, 'node_modules', name), link, 'dir')
  }
  return join(task, basename(b.file))
}

/** Puts the runner ({@link runBundle} starts it) into `dir`, beside the handler file. */
export function writeRunner(dir: string): void {
  writeFileSync(join(dir, 'runner.mjs'), RUNNER)
}

/**
 * Loads the handler as Lambda's Node.js runtime does (`require` for .js, `import` for .mjs),
 * invokes it once with the event file, and prints timings since the process started and the
 * response as one JSON line. It exits when done: the client's keep-alive sockets would hold the
 * process, where Lambda freezes it.
 */
const RUNNER = `import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
const [bundle, eventFile] = process.argv.slice(2)
const boot = performance.now()
const mod = bundle.endsWith('.mjs')
  ? await import(pathToFileURL(bundle).href)
  : createRequire(import.meta.url)(bundle)
const loaded = performance.now()
const response = await mod.handler(JSON.parse(readFileSync(eventFile, 'utf8')))
const invoked = performance.now()
const { user, system } = process.cpuUsage()
const cpu = (user + system) / 1000
process.stdout.write(JSON.stringify({ boot, loaded, invoked, cpu, response }) + '\\n')
process.exit(0)
`

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  /**
   * ms since process start: at the runner's start, after loading the bundle, after the
   * invocation; and the process's CPU time by then.
   */
  timings?: { boot: number; loaded: number; invoked: number; cpu: number }
  response?: { batchItemFailures: Array<{ itemIdentifier: string }> }
}

/** Runs the bundle at `bundlePath` (from {@link taskDir}) in a fresh `node` with exactly `env`. */
export function runBundle(
  bundlePath: string,
  eventFile: string,
  env: Record<string, string>,
  node = process.execPath,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [join(dirname(bundlePath), 'runner.mjs'), bundlePath, eventFile], {
      cwd: dirname(bundlePath),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      // A minified bundle's error shows its whole source line: keep the message and the stack.
      stderr = stderr
        .split('\n')
        .filter((l) => l.length < 1000)
        .join('\n')
      const result: RunResult = { code, stdout, stderr }
      try {
        const { boot, loaded, invoked, cpu, response } = JSON.parse(
          stdout.trim().split('\n').pop() ?? '',
        ) as Required<RunResult>['timings'] & Pick<RunResult, 'response'>
        Object.assign(result, { timings: { boot, loaded, invoked, cpu }, response })
      } catch {
        // No result line: the caller reports code, stdout and stderr.
      }
      resolve(result)
    })
  })
}

/** An SQS event of `count` messages, each a document with its own id. */
export function sqsEvent(count: number, prefix = 'doc'): string {
  return JSON.stringify({
    Records: Array.from({ length: count }, (_, i) => ({
      messageId: `m-${i}`,
      body: JSON.stringify({ id: `${prefix}-${i}`, n: i }),
      eventSource: 'aws:sqs',
    })),
  })
}
