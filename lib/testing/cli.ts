/**
 * `elasticsearch-aws-sigv4 emulate [--port 9200] [--region eu-west-1] [--service es] ...`:
 * starts the emulator from the command line. The key id defaults to AWS_ACCESS_KEY_ID; the
 * secret key and session token come from the environment only, and are never printed.
 */
import { AwsSigV4ConfigurationError } from '../errors'
import { startEmulator, type Emulator, type EmulatorMode } from './emulator'
import { ENGINES, type Engine } from './store/engines'

export interface EmulatorCliIo {
  env?: NodeJS.ProcessEnv
  /** Where the startup line goes; default stdout. */
  write?: (line: string) => void
}

/** 'opensearch', 'opensearch-compat', … or 'elasticsearch8': the engines, as help and errors name them. */
function engineList(): string {
  const quoted = ENGINES.map((engine) => `'${engine}'`)
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}

/** The flags, with what help shows for each. The keys come from the environment only. */
const FLAGS = {
  port: ['N', 'port to listen on (default 0: any free port)'],
  host: ['ADDRESS', 'address to listen on (default 127.0.0.1)'],
  region: ['R', 'region requests must be signed for (default AWS_REGION, else us-east-1)'],
  service: ['S', 'signing name: es (default), aoss (Serverless rules) or any other'],
  mode: ['M', "'amazon' (default: Amazon-managed engine) or 'elastic' (Elasticsearch)"],
  engine: ['E', `what GET / answers: ${engineList()}`],
  upstream: ['URL', 'forward verified requests to this cluster instead of the in-memory store'],
  'access-key-id': ['ID', 'the key id to accept (default AWS_ACCESS_KEY_ID)'],
  'clock-skew-ms': ['MS', "run the emulator's clock this far ahead (+) or behind (-)"],
  'expected-host': ['HOST', 'the Host the signature must cover (default: the Host that arrived)'],
} as const
type Flag = keyof typeof FLAGS

/** Secrets are read from the environment only: a flag's value shows in `ps` and shell history. */
const SECRET_FLAGS: Readonly<Record<string, string>> = {
  'secret-access-key': 'AWS_SECRET_ACCESS_KEY',
  'session-token': 'AWS_SESSION_TOKEN',
}

/** `elasticsearch-aws-sigv4 emulate --help`. */
export const EMULATOR_HELP = [
  'Usage: elasticsearch-aws-sigv4 emulate [options]',
  '',
  'Starts a local Elasticsearch-like endpoint that verifies AWS SigV4 signatures the way AWS',
  'does, and answers from an in-memory store (or forwards to --upstream).',
  '',
  'Options:',
  ...Object.entries(FLAGS).map(
    ([name, [value, text]]) => `  --${`${name} ${value}`.padEnd(20)}${text}`,
  ),
  `  --${'help'.padEnd(20)}Show this help`,
  '',
  'The key it accepts is AWS_ACCESS_KEY_ID (or --access-key-id) with AWS_SECRET_ACCESS_KEY and',
  'AWS_SESSION_TOKEN, read from the environment only: a flag would show the secret in `ps`.',
  '',
].join('\n')

const HELP_HINT = 'run `elasticsearch-aws-sigv4 emulate --help` for the options'

function parseFlags(argv: readonly string[]): Partial<Record<Flag, string>> {
  const out: Partial<Record<Flag, string>> = {}
  const args = argv[0] === 'emulate' ? argv.slice(1) : argv
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (!arg.startsWith('--')) {
      throw new AwsSigV4ConfigurationError('argv', `Unexpected argument '${arg}': ${HELP_HINT}`)
    }
    const eq = arg.indexOf('=')
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2)
    const variable = SECRET_FLAGS[name]
    if (variable !== undefined) {
      throw new AwsSigV4ConfigurationError(
        name,
        `--${name} would show the secret in \`ps\` and the shell history: set ${variable} in the environment instead`,
      )
    }
    if (!Object.prototype.hasOwnProperty.call(FLAGS, name)) {
      throw new AwsSigV4ConfigurationError('argv', `Unknown option '--${name}': ${HELP_HINT}`)
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i]
    if (value === undefined) {
      throw new AwsSigV4ConfigurationError(name, `Option '--${name}' needs a value: ${HELP_HINT}`)
    }
    out[name as Flag] = value
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
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey) {
    throw new AwsSigV4ConfigurationError(
      'credentials',
      'The emulator needs a key: set AWS_ACCESS_KEY_ID (or pass --access-key-id) and AWS_SECRET_ACCESS_KEY',
    )
  }
  const mode = flags.mode
  if (mode !== undefined && mode !== 'amazon' && mode !== 'elastic') {
    throw new AwsSigV4ConfigurationError('mode', "Option '--mode' must be 'amazon' or 'elastic'")
  }
  const engine = flags.engine
  if (engine !== undefined && !(ENGINES as readonly string[]).includes(engine)) {
    throw new AwsSigV4ConfigurationError('engine', `Option '--engine' must be ${engineList()}`)
  }
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'
  const service = flags.service ?? 'es'
  const emulator = await startEmulator({
    credentials: {
      accessKeyId,
      secretAccessKey,
      sessionToken: env.AWS_SESSION_TOKEN,
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
