/**
 * Command-line arguments: one table of flags per command gives both the parser's options
 * (node's `util.parseArgs`) and the command's `--help`, so the two cannot drift apart.
 */
import { parseArgs } from 'node:util'
import { AwsSigV4ConfigurationError } from '../errors'
import { BIN, DEFAULT_MAX_TIME_S } from './constants'

/** One flag of a command. */
export interface Flag {
  /** Long name, without `--`. */
  name: string
  short?: string
  /** What the value is, as help shows it (`METHOD`); none for a switch. */
  value?: string
  /** The flag may be given several times (`-H`). */
  multiple?: boolean
  description: string
}

/** Flags that mean the same in every command that takes them, written once. */
export const REGION_FLAG: Flag = {
  name: 'region',
  value: 'R',
  description: 'sign for region R (default: from the host, else AWS_REGION)',
}
export const SERVICE_FLAG: Flag = {
  name: 'service',
  value: 'S',
  description: 'sign for service S: es, aoss, … (default: from the host, else es)',
}

/** A command's usage line(s) and flags. */
export interface CommandSpec {
  name: string
  usage: string
  summary: string
  flags: readonly Flag[]
  /** Lines after the flags: defaults, exit codes, notes. */
  notes?: readonly string[]
}

export interface ParsedArgs {
  /** By long name: a string, a list of strings (multiple), or `true` for a switch. */
  values: Record<string, string | string[] | boolean | undefined>
  positionals: string[]
}

/** The help flag every command takes. */
const HELP_FLAG: Flag = { name: 'help', short: 'h', description: 'Show this help' }

/**
 * Parses `argv` against the command's flags. A mistake is an AwsSigV4ConfigurationError whose
 * message is one line naming the fix.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
  > = {}
  for (const flag of [...spec.flags, HELP_FLAG]) {
    options[flag.name] = {
      type: flag.value === undefined ? 'boolean' : 'string',
      ...(flag.short === undefined ? {} : { short: flag.short }),
      ...(flag.multiple ? { multiple: true } : {}),
    }
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    })
    return { values: values as ParsedArgs['values'], positionals }
  } catch (err) {
    throw usageError(spec, parseProblem(err))
  }
}

/** What `util.parseArgs` objected to, in our words. */
function parseProblem(err: unknown): string {
  const code = (err as { code?: unknown }).code
  const message = err instanceof Error ? err.message : String(err)
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1] ?? message
    return `unknown option ${option}`
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "Option '-X, --request <value>' argument missing"; ambiguity messages say to use `=`.
    const option = /'([^']+?)(?: <value>)?'/.exec(message)?.[1] ?? message
    return message.includes('missing')
      ? `${option} needs a value`
      : `the value of ${option} starts with '-': write it as --name=value`
  }
  return message.split('\n')[0]
}

/** "elasticsearch-aws-sigv4 request: <problem>; run … --help for the flags". */
export function usageError(spec: CommandSpec, problem: string, option = 'argv'): Error {
  return new AwsSigV4ConfigurationError(
    option,
    `${BIN} ${spec.name}: ${problem} (run \`${BIN} ${spec.name} --help\` for its flags)`,
  )
}

/** A string flag's value, or undefined; the last one wins when given twice. */
export function stringValue(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name]
  if (Array.isArray(value)) return value.at(-1)
  return typeof value === 'string' ? value : undefined
}

/** A multiple flag's values, in the order given. */
export function stringValues(args: ParsedArgs, name: string): string[] {
  const value = args.values[name]
  if (Array.isArray(value)) return value
  return typeof value === 'string' ? [value] : []
}

export function booleanValue(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true
}

/**
 * `-m`/`--max-time` in milliseconds, DEFAULT_MAX_TIME_S when not given; a usage error when it
 * is not a positive number of seconds.
 */
export function maxTimeMs(spec: CommandSpec, args: ParsedArgs): number {
  const maxTime = stringValue(args, 'max-time')
  const seconds = maxTime === undefined ? DEFAULT_MAX_TIME_S : Number(maxTime)
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw usageError(spec, `-m ${maxTime} is not a number of seconds`)
  }
  return seconds * 1000
}

/** The command's `--help`: usage, summary, one line per flag, then its notes. */
export function formatHelp(spec: CommandSpec): string {
  const rows = [...spec.flags, HELP_FLAG].map((flag) => {
    const names = [flag.short ? `-${flag.short}` : '', `--${flag.name}`].filter(Boolean).join(', ')
    const left = flag.value === undefined ? names : `${names} ${flag.value}`
    return { left: flag.short ? left : `    ${left}`, description: flag.description }
  })
  const width = Math.max(...rows.map((r) => r.left.length)) + 2
  const lines = [
    `Usage: ${spec.usage}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...rows.map((r) => `  ${r.left.padEnd(width)}${r.description}`),
  ]
  if (spec.notes?.length) lines.push('', ...spec.notes)
  return lines.join('\n') + '\n'
}
