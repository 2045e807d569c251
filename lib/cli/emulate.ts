/**
 * `elasticsearch-aws-sigv4 emulate`: the local SigV4-verifying emulator of the `./testing` entry,
 * loaded only when asked for. It runs until the process is stopped.
 */
import { AwsSigV4ConfigurationError } from '../errors'
import { EXIT_OK } from './constants'
import type { CliIo } from './io'

export async function runEmulate(argv: readonly string[], io: CliIo): Promise<number> {
  const { EMULATOR_HELP, runEmulatorCli } = await import('../testing/cli.js')
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(EMULATOR_HELP)
    return EXIT_OK
  }
  try {
    await runEmulatorCli(argv, { env: { ...io.env }, write: (line) => io.stdout(`${line}\n`) })
  } catch (err) {
    throw listenProblem(err) ?? err
  }
  return EXIT_OK
}

/** A port that cannot be listened on, as a configuration error naming the fix. */
function listenProblem(err: unknown): AwsSigV4ConfigurationError | undefined {
  const { code, port } = err as { code?: string; port?: number }
  if (code === 'EADDRINUSE') {
    return new AwsSigV4ConfigurationError(
      'port',
      `port ${port} is already in use: pass another --port, or --port 0 for any free one`,
    )
  }
  if (code === 'EACCES') {
    return new AwsSigV4ConfigurationError(
      'port',
      `port ${port} needs privileges to listen on: pass a --port above 1023, or --port 0`,
    )
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new AwsSigV4ConfigurationError(
      'host',
      'that --host is not an address of this machine: pass 127.0.0.1, 0.0.0.0 or one of its addresses',
    )
  }
  return undefined
}
