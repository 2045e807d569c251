/**
 * Checking option values: one way to describe a bad value, the checks several options share,
 * and the option tables (option → {validate, default}) that createAwsSigV4Connection and
 * CredentialCache resolve their options with.
 */
import { AwsSigV4ConfigurationError } from '../errors'
import { MAX_TIMER_MS } from './timeouts'

/**
 * A bad value as an error shows it: strings quoted, numbers with their value, anything else by
 * type. Never for values that may be secrets (see {@link typeName}).
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'an empty string' : JSON.stringify(value)
  if (value === null) return 'null'
  if (typeof value === 'number') return `a value of type number (${value})`
  if (Array.isArray(value)) return 'a value of type object (an array)'
  return `a value of type ${typeof value}`
}

/** The type of a value that may be a secret (a credential field): never the value itself. */
export function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

/** Throws the error for a bad option value: "`option` must be `expected`, got …". */
export function refuse(option: string, expected: string, value: unknown): never {
  throw new AwsSigV4ConfigurationError(
    option,
    `${option} must be ${expected}, got ${describeValue(value)}.`,
  )
}

export function checkBoolean(value: unknown, option: string): boolean {
  return typeof value === 'boolean' ? value : refuse(option, 'true or false', value)
}

/** The string, trimmed. */
export function checkNonEmptyString(value: unknown, option: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  return refuse(option, 'a non-empty string', value)
}

/** A duration: a finite number of milliseconds, 0 or more. */
export function checkMilliseconds(value: unknown, option: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value
  return refuse(option, 'a number of milliseconds, 0 or more', value)
}

/**
 * A timeout: a duration, more than 0 (a timeout of 0 would fail every call) and no longer than a
 * timer can wait (above it Node fires at once, so the timeout would silently be none).
 */
export function checkTimeoutMs(value: unknown, option: string): number {
  const ms = checkMilliseconds(value, option)
  if (ms === 0) {
    return refuse(option, 'more than 0 milliseconds (a provider call cannot finish in 0 ms)', ms)
  }
  if (ms > MAX_TIMER_MS) {
    return refuse(
      option,
      `at most ${MAX_TIMER_MS} milliseconds (about 24.8 days, a timer's limit)`,
      ms,
    )
  }
  return ms
}

/**
 * An option's value: the object's own property, never one inherited. Options are plain objects,
 * and a property of `Object.prototype` (polluted elsewhere in the process) is no option the
 * caller gave.
 */
export function ownOption(options: object, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(options, name)
    ? (options as Record<string, unknown>)[name]
    : undefined
}

/** Marks an option whose default depends on the node (its endpoint and its service's row). */
export const PER_NODE: unique symbol = Symbol('per node')

/** How one option is checked, and what it is when not given. */
export interface OptionSpec<T> {
  /** The value to use; throws AwsSigV4ConfigurationError naming `option` for a bad one. */
  validate(value: unknown, option: string): T
  /**
   * The value when the option is not given; {@link PER_NODE} when it is decided per node;
   * `undefined` when leaving it out selects a behaviour (the default credential chain, …).
   */
  default: T | typeof PER_NODE | undefined
}

/** A table of every option of `O`: adding an option to `O` without a row does not compile. */
export type OptionTable<O> = { [K in keyof O]-?: OptionSpec<NonNullable<O[K]>> }

/** The options a table resolves to: given or defaulted; optional where the default is not a value. */
export type ResolvedOptions<Table> = {
  [K in keyof Table]: Table[K] extends { validate(value: unknown, option: string): infer T }
    ? Table[K] extends { default: T }
      ? T
      : T | undefined
    : never
}

/**
 * Every option of the table, in table order: validated when given (`undefined` counts as not
 * given), else its default (`undefined` for a per-node one). Names outside the table are left
 * to the caller, which knows how to name them.
 */
export function resolveOptionTable<Table extends Record<string, OptionSpec<unknown>>>(
  table: Table,
  input: object,
): ResolvedOptions<Table> {
  const resolved: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(table)) {
    const value = ownOption(input, name)
    if (value !== undefined) resolved[name] = spec.validate(value, name)
    else resolved[name] = spec.default === PER_NODE ? undefined : spec.default
  }
  return resolved as ResolvedOptions<Table>
}
