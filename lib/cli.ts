#!/usr/bin/env node
// The package's `bin`: `elasticsearch-aws-sigv4 emulate [options]` runs the local
// SigV4-verifying emulator of the `./testing` entry. The emulator is loaded only when asked for,
// so the CLI itself needs nothing beyond Node.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

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

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version?: string
  }
  return pkg.version ?? 'unknown'
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
    // Loaded only when asked for, so `--help` and `--version` need nothing else.
    const { runEmulatorCli } = await import('./testing/cli.js')
    await runEmulatorCli(rest)
    return 0
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
