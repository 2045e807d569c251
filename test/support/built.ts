// The package as users run it: dist/, built by `npm run build`. CI builds before `npm test`;
// locally, tests that run the built files rebuild dist/ when it is missing or older than its
// sources, so they never test stale code.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const REPO = join(__dirname, '..', '..')

/** The `bin` as built. */
export const BUILT_CLI = join(REPO, 'dist', 'cli.js')

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a command; resolves with its exit code and output (a failing command is not an error). */
export function run(
  cmd: string,
  args: string[],
  opts: {
    cwd: string
    env?: NodeJS.ProcessEnv
    timeout?: number
    input?: string | Buffer
    /** In a session of its own: no controlling terminal (no /dev/tty). */
    detached?: boolean
  },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: opts.detached ?? false,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 60_000)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      })
    })
    child.stdin.end(opts.input)
  })
}

export function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
  )
}

function newestMtime(paths: string[]): number {
  return Math.max(
    ...paths
      .filter((p) => existsSync(p))
      .flatMap((p) => (statSync(p).isDirectory() ? walk(p) : [p]))
      .map((f) => statSync(f).mtimeMs),
  )
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** Runs `npm run build` unless dist/ is newer than lib/, scripts/ and the build config. */
export async function ensureBuilt(): Promise<void> {
  const distIndex = join(REPO, 'dist', 'index.js')
  const sources = [join(REPO, 'lib'), join(REPO, 'scripts'), join(REPO, 'tsconfig.build.json')]
  if (existsSync(distIndex) && statSync(distIndex).mtimeMs >= newestMtime(sources)) return
  const b = await run(npm, ['run', 'build'], { cwd: REPO, timeout: 120_000 })
  if (b.code !== 0) throw new Error(`npm run build failed:\n${b.stdout}\n${b.stderr}`)
}
