/**
 * `elasticsearch-aws-sigv4 emulate`: the local SigV4-verifying emulator of the `./testing` entry,
 * loaded only when asked for. It runs until the process is stopped.
 */
import { AwsSigV4ConfigurationError } from '../errors'
import { BIN, EXIT_OK } from './constants'
import { loadCredentials } from './credentials'
import type { CliIo } from './io'

export async function runEmulate(argv: readonly string[], io: CliIo): Promise<number> {
  const { EMULATOR_HELP, runEmulatorCli } = await import('../testing/cli.js')
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(EMULATOR_HELP)
    return EXIT_OK
  }
  const env = await withProfileKey(io)
  try {
    await runEmulatorCli(argv, { env, write: (line) => io.stdout(`${line}\n`) })
  } catch (err) {
    throw listenProblem(err) ?? err
  }
  return EXIT_OK
}

/**
 * The environment the emulator reads its key from. With AWS_PROFILE set, the AWS SDK's chain
 * signs with that profile's key and ignores AWS_ACCESS_KEY_ID, so the emulator accepts the
 * profile's key too (as the chain resolves it: static keys, SSO, an assumed role).
 */
async function withProfileKey(io: CliIo): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...io.env }
  if (!env.AWS_PROFILE) return env
  const { credentials } = await loadCredentials({
    env: io.env,
    note: (line) => io.stderr(`${BIN}: ${line}\n`),
  })
  env.AWS_ACCESS_KEY_ID = credentials.accessKeyId
  env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey
  if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken
  else delete env.AWS_SESSION_TOKEN
  return env
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
