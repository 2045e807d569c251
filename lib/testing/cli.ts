/**
 * `elasticsearch-aws-sigv4 emulate [--port 9200] [--region eu-west-1] [--service es] ...`:
 * starts the emulator from the command line. Keys default to the AWS_* environment variables;
 * the secret is never printed.
 */
import { AwsSigV4ConfigurationError } from '../errors'
import { startEmulator, type Emulator, type EmulatorMode } from './emulator'
import type { Engine } from './store/engines'

export interface EmulatorCliIo {
  env?: NodeJS.ProcessEnv
  /** Where the startup line goes; default stdout. */
  write?: (line: string) => void
}

const FLAGS = [
  'port',
  'host',
  'region',
  'service',
  'mode',
  'engine',
  'upstream',
  'access-key-id',
  'secret-access-key',
  'session-token',
  'clock-skew-ms',
  'expected-host',
] as const
type Flag = (typeof FLAGS)[number]

function parseFlags(argv: readonly string[]): Partial<Record<Flag, string>> {
  const out: Partial<Record<Flag, string>> = {}
  const args = argv[0] === 'emulate' ? argv.slice(1) : argv
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (!arg.startsWith('--')) {
      throw new AwsSigV4ConfigurationError('argv', `Unexpected argument '${arg}'`)
    }
    const eq = arg.indexOf('=')
    const name = (eq >= 0 ? arg.slice(2, eq) : arg.slice(2)) as Flag
    if (!FLAGS.includes(name)) {
      throw new AwsSigV4ConfigurationError('argv', `Unknown option '--${name}'`)
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i]
    if (value === undefined) {
      throw new AwsSigV4ConfigurationError(name, `Option '--${name}' needs a value`)
    }
    out[name] = value
  }
  return out
}

function toNumber(flag: Flag, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n)) {
    throw new AwsSigV4ConfigurationError(flag, `Option '--${flag}' must be an integer`)
  }
  return n
}

/** Starts an emulator from command-line arguments; resolves once it listens. */
export async function runEmulatorCli(
  argv: readonly string[],
  io: EmulatorCliIo = {},
): Promise<Emulator> {
  const env = io.env ?? process.env
  const write = io.write ?? ((line: string) => process.stdout.write(line + '\n'))
  const flags = parseFlags(argv)
  const accessKeyId = flags['access-key-id'] ?? env.AWS_ACCESS_KEY_ID
  const secretAccessKey = flags['secret-access-key'] ?? env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey) {
    throw new AwsSigV4ConfigurationError(
      'credentials',
      'The emulator needs a key: pass --access-key-id and --secret-access-key, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    )
  }
  const mode = flags.mode
  if (mode !== undefined && mode !== 'amazon' && mode !== 'elastic') {
    throw new AwsSigV4ConfigurationError('mode', "Option '--mode' must be 'amazon' or 'elastic'")
  }
  const engine = flags.engine
  if (
    engine !== undefined &&
    !['opensearch', 'elasticsearch7', 'elasticsearch8'].includes(engine)
  ) {
    throw new AwsSigV4ConfigurationError(
      'engine',
      "Option '--engine' must be 'opensearch', 'elasticsearch7' or 'elasticsearch8'",
    )
  }
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'
  const service = flags.service ?? 'es'
  const emulator = await startEmulator({
    credentials: {
      accessKeyId,
      secretAccessKey,
      sessionToken: flags['session-token'] ?? env.AWS_SESSION_TOKEN,
    },
    region,
    service,
    mode: mode as EmulatorMode | undefined,
    engine: engine as Engine | undefined,
    upstream: flags.upstream,
    clockSkewMs: toNumber('clock-skew-ms', flags['clock-skew-ms']),
    expectedHost: flags['expected-host'],
    port: toNumber('port', flags.port),
    host: flags.host,
  })
  const target = flags.upstream ? `forwarding to ${flags.upstream}` : 'in-memory store'
  write(
    `SigV4 emulator listening on ${emulator.url} (region ${region}, service ${service}, key ${accessKeyId}, ${target})`,
  )
  return emulator
}
