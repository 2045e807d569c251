#!/usr/bin/env node
// The package's `bin`: `elasticsearch-aws-sigv4 emulate [options]` runs the local
// SigV4-verifying emulator of the `./testing` entry. The emulator is loaded only when asked for,
// so the CLI itself needs nothing beyond Node.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** What the CLI needs from `./testing/cli` (loaded at run time). */
interface EmulatorCliModule {
  runEmulatorCli(argv: string[]): unknown
}

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}

const HELP = `Usage: elasticsearch-aws-sigv4 <command> [options]

Commands:
  emulate [options]   Start a local Elasticsearch-like endpoint that verifies AWS SigV4
                      signatures (run \`elasticsearch-aws-sigv4 emulate --help\` for its options)

Options:
  -h, --help          Show this help
  -v, --version       Show the package version
`

// A variable, not a literal, so TypeScript does not resolve it at compile time (the emulator is
// built separately) and Node resolves it relative to this file at run time.
const EMULATOR_CLI = './testing/cli.js'

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version?: string
  }
  return pkg.version ?? 'unknown'
}

async function loadEmulatorCli(): Promise<EmulatorCliModule | undefined> {
  let mod: Partial<EmulatorCliModule> & { default?: Partial<EmulatorCliModule> }
  try {
    mod = (await import(EMULATOR_CLI)) as typeof mod
  } catch (err) {
    // Only the emulator's own absence means "not in this build"; a missing module further
    // down is a real error.
    const { code, message } = err as { code?: unknown; message?: unknown }
    const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
    if (notFound && String(message).includes(join('testing', 'cli.js'))) return undefined
    throw err
  }
  const run = mod.runEmulatorCli ?? mod.default?.runEmulatorCli
  return typeof run === 'function' ? { runEmulatorCli: run } : undefined
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    ;(command === undefined ? io.stderr : io.stdout)(HELP)
    return command === undefined ? 2 : 0
  }
  if (command === '-v' || command === '--version') {
    io.stdout(`${version()}\n`)
    return 0
  }
  if (command === 'emulate') {
    const cli = await loadEmulatorCli()
    if (cli === undefined) {
      io.stderr('elasticsearch-aws-sigv4: the emulator is not included in this build\n')
      return 1
    }
    const result = await cli.runEmulatorCli(rest)
    return typeof result === 'number' ? result : 0
  }
  io.stderr(`elasticsearch-aws-sigv4: unknown command '${command}'\n\n${HELP}`)
  return 2
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(
        `elasticsearch-aws-sigv4: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      )
      process.exitCode = 1
    },
  )
}
