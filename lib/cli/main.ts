#!/usr/bin/env node
// The package's `bin`: `elasticsearch-aws-sigv4 <command>`. Each command lives in lib/cli/ and
// is loaded only when asked for, so `--help` and `--version` need nothing beyond Node.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BIN, EXIT_OK, EXIT_USAGE } from './constants'
import { errorExitCode, errorLine, warningLine } from './failure'
import type { CliIo } from './io'
import { processIo, quietWhenPipeCloses } from './io'

export type { CliIo }

const HELP = `Usage: ${BIN} <command> [options]

Commands:
  request URL [options]   Send one request signed with AWS SigV4, curl-style
  diagnose URL            Check endpoint, credentials and clock, send a signed harmless
                          request, and say what a refusal (403) means and what to do
  emulate [options]       Start a local Elasticsearch-like endpoint that verifies AWS SigV4
                          signatures
  proxy --endpoint URL    Listen on loopback and forward every request to the endpoint,
                          signed, for tools that cannot sign (Dashboards, elasticdump, curl)

Run \`${BIN} <command> --help\` for a command's options.

Options:
  -h, --help              Show this help
  -v, --version           Show the package version
`

type Command = (argv: readonly string[], io: CliIo) => Promise<number>

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  request: async () => (await import('./request.js')).runRequest,
  diagnose: async () => (await import('./diagnose.js')).runDiagnose,
  emulate: async () => (await import('./emulate.js')).runEmulate,
  proxy: async () => (await import('./proxy/command.js')).runProxy,
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version?: string
  }
  return pkg.version ?? 'unknown'
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code. Every
 * error becomes one line on stderr naming the fix; never a stack trace.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    ;(command === undefined ? io.stderr : io.stdout)(HELP)
    return command === undefined ? EXIT_USAGE : EXIT_OK
  }
  if (command === '-v' || command === '--version') {
    io.stdout(`${version()}\n`)
    return EXIT_OK
  }
  const load = Object.prototype.hasOwnProperty.call(COMMANDS, command)
    ? COMMANDS[command]
    : undefined
  if (load === undefined) {
    io.stderr(`${BIN}: unknown command '${command}': run \`${BIN} --help\` for the commands\n`)
    return EXIT_USAGE
  }
  try {
    return await (
      await load()
    )(rest, io)
  } catch (err) {
    io.stderr(`${errorLine(err)}\n`)
    return errorExitCode(err)
  }
}

if (require.main === module) {
  quietWhenPipeCloses(process.stdout)
  quietWhenPipeCloses(process.stderr)
  // Node prints a process warning over several lines; the bin's output keeps to one per note.
  process.removeAllListeners('warning')
  process.on('warning', (warning) => process.stderr.write(`${warningLine(warning)}\n`))
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(`${errorLine(err)}\n`)
      process.exitCode = errorExitCode(err)
    },
  )
}
