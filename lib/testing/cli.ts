/**
 * `elasticsearch-aws-sigv4 emulate [--port 9200] [--region eu-west-1] [--service es] ...`:
 * starts the emulator from the command line. The key id defaults to AWS_ACCESS_KEY_ID; the
 * secret key and session token come from the environment only, and are never printed.
 */
import { AwsSigV4ConfigurationError } from '../errors'
import { SERVICE_ROWS } from '../aws/services'
import { startEmulator, type Emulator, type EmulatorMode, type Verdict } from './emulator'
import { ENGINES, type Engine } from './store/engines'

export interface EmulatorCliIo {
  env?: NodeJS.ProcessEnv
  /** Where the startup line goes; default stdout. */
  write?: (line: string) => void
}

/** 'opensearch', 'opensearch-compat', … or 'elasticsearch8': the engines, as help and errors name them. */
function engineList(): string {
  return quotedList(ENGINES)
}

/** The signing names whose rules the emulator knows: the rows of the services table. */
const SERVICES = SERVICE_ROWS.map((row) => row.signingName)

function quotedList(items: readonly string[]): string {
  const quoted = items.map((item) => `'${item}'`)
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}

/** The engines each mode plays: Amazon runs no Elasticsearch 8, Elastic no OpenSearch. */
const MODE_ENGINES: Readonly<Record<EmulatorMode, readonly Engine[]>> = {
  amazon: ['opensearch', 'opensearch-compat', 'elasticsearch7'],
  elastic: ['elasticsearch8'],
}

/** The flags, with what help shows for each. The keys come from the environment only. */
const FLAGS = {
  port: ['N', 'port to listen on (default 0: any free port)'],
  host: ['ADDRESS', 'address to listen on (default 127.0.0.1)'],
  region: ['R', 'region requests must be signed for (default AWS_REGION, else us-east-1)'],
  service: [
    'S',
    `signing name: es (default), aoss (Serverless rules), ${SERVICES.slice(2).join(', ')}`,
  ],
  mode: ['M', "'amazon' (default: Amazon-managed engine) or 'elastic' (Elasticsearch)"],
  engine: ['E', `what GET / answers: ${engineList()}`],
  upstream: ['URL', 'forward verified requests to this cluster instead of the in-memory store'],
  'access-key-id': ['ID', 'the key id to accept (default AWS_ACCESS_KEY_ID)'],
  'clock-skew-ms': ['MS', "run the emulator's clock this far ahead (+) or behind (-)"],
  'expected-host': ['HOST', 'the Host the signature must cover (default: the Host that arrived)'],
} as const
type Flag = keyof typeof FLAGS

/** The switches, which take no value. */
const SWITCHES = {
  log: 'print one line per request: its status and verdict',
  'compress-responses': 'gzip every answer to a request that accepts gzip (refusals too)',
} as const
type Switch = keyof typeof SWITCHES

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
  ...Object.entries(SWITCHES).map(([name, text]) => `  --${name.padEnd(20)}${text}`),
  `  --${'help'.padEnd(20)}Show this help`,
  '',
  'The key it accepts is AWS_ACCESS_KEY_ID (or --access-key-id) with AWS_SECRET_ACCESS_KEY and',
  'AWS_SESSION_TOKEN, read from the environment only: a flag would show the secret in `ps`.',
  'With AWS_PROFILE set, it is the key of that profile, as the AWS SDK resolves it.',
  '',
].join('\n')

const HELP_HINT = 'run `elasticsearch-aws-sigv4 emulate --help` for the options'

interface ParsedFlags {
  values: Partial<Record<Flag, string>>
  switches: Partial<Record<Switch, true>>
}

function parseFlags(argv: readonly string[]): ParsedFlags {
  const out: Partial<Record<Flag, string>> = {}
  const switches: Partial<Record<Switch, true>> = {}
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
    if (Object.prototype.hasOwnProperty.call(SWITCHES, name)) {
      if (eq >= 0) {
        throw new AwsSigV4ConfigurationError(
          name,
          `Option '--${name}' takes no value: ${HELP_HINT}`,
        )
      }
      switches[name as Switch] = true
      continue
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
  return { values: out, switches }
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
  const { values: flags, switches } = parseFlags(argv)
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
  if (
    mode !== undefined &&
    engine !== undefined &&
    !MODE_ENGINES[mode].includes(engine as Engine)
  ) {
    throw new AwsSigV4ConfigurationError(
      'engine',
      `Options '--mode ${mode}' and '--engine ${engine}' contradict each other: ${mode} mode ` +
        `plays ${quotedList(MODE_ENGINES[mode])}`,
    )
  }
  const upstream = flags.upstream === undefined ? undefined : upstreamUrl(flags.upstream)
  if (upstream !== undefined && engine !== undefined) {
    throw new AwsSigV4ConfigurationError(
      'engine',
      "Options '--upstream' and '--engine' contradict each other: with --upstream, the upstream cluster answers",
    )
  }
  const service = flags.service ?? 'es'
  if (!SERVICES.includes(service)) {
    throw new AwsSigV4ConfigurationError(
      'service',
      `Option '--service' must be ${quotedList(SERVICES)}: the services whose rules the emulator knows`,
    )
  }
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'
  const clockSkewMs = toNumber('clock-skew-ms', flags['clock-skew-ms'])
  const log = switches.log ? (verdict: Verdict) => write(verdictLine(verdict)) : undefined
  const emulator = await startEmulator({
    credentials: {
      accessKeyId,
      secretAccessKey,
      sessionToken: env.AWS_SESSION_TOKEN,
    },
    region,
    service,
    mode,
    engine: engine as Engine | undefined,
    upstream: upstream?.href,
    clockSkewMs,
    expectedHost: flags['expected-host'],
    port: toNumber('port', flags.port),
    host: flags.host,
    compressResponses: switches['compress-responses'] === true,
    ...(log && { onVerdict: log }),
  })
  const playing = mode ?? 'amazon'
  const answers = upstream
    ? `forwarding to ${withoutUserinfo(upstream)}`
    : `engine ${engine ?? (playing === 'elastic' ? 'elasticsearch8' : 'opensearch')}, in-memory store`
  const skew = `clock skew ${clockSkewMs ? `${clockSkewMs > 0 ? '+' : ''}${clockSkewMs}` : '0'} ms`
  write(
    `SigV4 emulator listening on ${emulator.url} (region ${region}, service ${service}, key ${accessKeyId}, mode ${playing}, ${skew}, ${answers})`,
  )
  return emulator
}

/** `--upstream` as a URL: http or https only; never echoed, since it may carry a password. */
function upstreamUrl(value: string): URL {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new AwsSigV4ConfigurationError(
      'upstream',
      "Option '--upstream' must be an http:// or https:// URL",
    )
  }
  return url
}

/** The URL as printed: a `user:password@` in it shows as `user:***@`. */
export function withoutUserinfo(url: URL): string {
  if (url.username === '' && url.password === '') return url.href
  const shown = new URL(url.href)
  shown.password = url.password === '' ? '' : '***'
  return shown.href
}

/** One `--log` line: when, what, and the verdict (never a secret: verdicts hold none). */
export function verdictLine(v: Verdict): string {
  const target = v.query === '' ? v.path : `${v.path}?${v.query}`
  const why =
    v.reason === 'ok' ? 'ok' : `${v.reason}${v.message ? `: ${v.message.split('\n')[0]}` : ''}`
  const key = v.accessKeyId ? ` (key ${v.accessKeyId})` : ''
  const fault = v.fault ? ` [fault: ${v.fault}]` : ''
  return `${v.time} ${v.method} ${target} → ${v.status} ${why}${key}${fault}`
}
