// Running the built bin as a user would: `node dist/cli/main.js …` in a child process, credentials
// only in its environment, a HOME of its own (no ~/.aws of the machine's), no instance metadata.
// Everything it prints is kept, and every signature the test process's servers received, for
// the scan that no secret was ever printed.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { IncomingMessage } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { REPO, buildIfStale, type RunResult } from '../package/support'

export type { RunResult }

/** The `bin` as built. */
export const BUILT_CLI = join(REPO, 'dist', 'cli', 'main.js')

/**
 * Runs a command with exactly `env` (not the parent's), `input` on its stdin, and optionally no
 * controlling terminal; resolves with its exit code and output (a failing command is not an error).
 */
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

/** Every stdout and stderr the bin wrote, labelled by its arguments. */
const printed: Array<[string, string]> = []
/** Every SigV4 signature an in-process server received. */
const signatures = new Set<string>()

function record({ request }: { request: IncomingMessage }): void {
  const match = /Signature=([0-9a-f]{64})/.exec(request.headers.authorization ?? '')
  if (match) signatures.add(match[1])
}

export interface CliHarness {
  /** A HOME with no AWS files in it. */
  home: string
  /** The child's environment: nothing of the parent's but PATH, plus `extra`. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv
  cli(
    args: string[],
    options?: { env?: NodeJS.ProcessEnv; input?: string | Buffer; detached?: boolean },
  ): Promise<RunResult>
}

/** Builds dist/ if needed, records signatures for the scan, gives a clean HOME. Call in `describe`. */
export function useBuiltCli(): CliHarness {
  const harness = { home: '' } as CliHarness
  before(async function () {
    this.timeout(180_000)
    await buildIfStale()
    harness.home = mkdtempSync(join(tmpdir(), 'esv4-cli-'))
    subscribe('http.server.request.start', record as (message: unknown) => void)
  })
  after(() => {
    unsubscribe('http.server.request.start', record as (message: unknown) => void)
    if (harness.home) rmSync(harness.home, { recursive: true, force: true })
  })
  harness.env = (extra = {}) => ({
    PATH: process.env.PATH ?? '',
    HOME: harness.home,
    AWS_CONFIG_FILE: join(harness.home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(harness.home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  })
  harness.cli = async (args, options = {}) => {
    const result = await run(process.execPath, [BUILT_CLI, ...args], {
      cwd: REPO,
      env: options.env ?? harness.env(),
      input: options.input ?? '',
      detached: options.detached,
    })
    printed.push([args.join(' '), result.stdout + result.stderr])
    return result
  }
  return harness
}

/** A key as the AWS_* environment variables the default chain reads. */
export function keyEnv(key: {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    ...(key.sessionToken ? { AWS_SESSION_TOKEN: key.sessionToken } : {}),
  }
}

/** Adds output of a run made otherwise (e.g. through `script`) to what the scan reads. */
export function keepPrinted(label: string, text: string): void {
  printed.push([label, text])
}

/** Where any of `secrets`, or any signature a server received, appears in what was printed. */
export function leaksIn(secrets: readonly string[]): string[] {
  const needles = [...secrets, ...signatures]
  const leaks: string[] = []
  for (const [label, text] of printed) {
    for (const needle of needles) {
      const at = text.indexOf(needle)
      if (at >= 0) leaks.push(`${label}: …${text.slice(Math.max(0, at - 60), at)}[SECRET]`)
    }
  }
  return leaks
}

/** How many runs and signatures the scan covered, so a scan of nothing cannot pass. */
export function scanned(): { runs: number; signatures: number } {
  return { runs: printed.length, signatures: signatures.size }
}

/** One line on stderr, and no stack frame. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.split('\n').filter((line) => line !== '')
  return (
    lines.length === 1 && !/^\s+at /m.test(stderr) && lines[0].startsWith('elasticsearch-aws-sigv4')
  )
}
