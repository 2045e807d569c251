/**
 * The Python SigV4 peers (test/peers/peers.py): a throwaway venv with the pinned requirements
 * (.tmp/peers-venv, made once per requirements file; CI makes it in .ci/run), and one Python
 * process per test file speaking JSON lines over stdin/stdout.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

const ROOT = resolve(__dirname, '../..')
const PEERS_DIR = join(ROOT, 'test/peers')
const REQUIREMENTS = join(PEERS_DIR, 'requirements.txt')
export const PEERS_VENV = process.env.PEERS_VENV ?? join(ROOT, '.tmp/peers-venv')
const ANSWER_TIMEOUT_MS = 60_000

let missingMemo: string | undefined | null = null

/** What to install for the peer suites, or undefined: Python 3 with venv and pip. */
export function pythonPeersMissing(): string | undefined {
  if (missingMemo !== null) return missingMemo
  const run = spawnSync(
    'python3',
    ['-c', 'import venv, ensurepip, sys; print(sys.version_info[:2] >= (3, 9))'],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  )
  missingMemo =
    run.error || run.status !== 0 || run.stdout.trim() !== 'True'
      ? 'Python 3.9+ with venv and pip as `python3` (apt-get install python3 python3-venv python3-pip)'
      : undefined
  return missingMemo
}

/** The venv's python, made (or remade when the requirements changed) with pip from PyPI. */
export function peersPython(): string {
  const python = join(PEERS_VENV, 'bin/python')
  const stamp = join(PEERS_VENV, '.requirements-sha256')
  const wanted = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex')
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted)
    return python
  rmSync(PEERS_VENV, { recursive: true, force: true })
  const steps: Array<[string, string[]]> = [
    ['python3', ['-m', 'venv', PEERS_VENV]],
    [
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS],
    ],
  ]
  for (const [command, args] of steps) {
    const run = spawnSync(command, args, { encoding: 'utf8', timeout: 600_000 })
    if (run.error || run.status !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} failed: ${run.error?.message ?? run.stderr.slice(-4000)}`,
      )
    }
  }
  writeFileSync(stamp, wanted)
  return python
}

/** One peers.py process: `ask` sends a message and resolves with its answer line. */
export interface PeerProcess {
  ask<T>(message: object): Promise<T>
  /** Many messages at once, answers in order (the process answers one line per line). */
  askAll<T>(messages: readonly object[]): Promise<T[]>
  close(): Promise<void>
}

export function startPeers(): PeerProcess {
  const child: ChildProcessWithoutNullStreams = spawn(
    peersPython(),
    [join(PEERS_DIR, 'peers.py')],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-16_384)
  })
  const waiting: Array<{
    resolve(line: string): void
    reject(err: Error): void
    timer: NodeJS.Timeout
  }> = []
  const lines = createInterface({ input: child.stdout })
  lines.on('line', (line) => {
    const next = waiting.shift()
    if (next === undefined) return
    clearTimeout(next.timer)
    next.resolve(line)
  })
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) {
      clearTimeout(w.timer)
      w.reject(new Error(`peers.py exited (${code}): ${stderr}`))
    }
  })
  const ask = <T>(message: object): Promise<T> =>
    new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`peers.py gave no answer in ${ANSWER_TIMEOUT_MS} ms: ${stderr}`)),
        ANSWER_TIMEOUT_MS,
      )
      waiting.push({ resolve: resolveLine, reject, timer })
      child.stdin.write(JSON.stringify(message) + '\n')
    }).then((line) => JSON.parse(line) as T)
  return {
    ask,
    askAll: <T>(messages: readonly object[]) => Promise.all(messages.map((m) => ask<T>(m))),
    close: () =>
      new Promise<void>((resolveClose) => {
        if (child.exitCode !== null) return resolveClose()
        child.once('exit', () => resolveClose())
        child.stdin.end()
      }),
  }
}
