/** An error as the command line reports it: one line, and the exit code it means. */
import { AwsCredentialsError, AwsSigV4ConfigurationError, AwsSigV4RequestError } from '../errors'
import { BIN, EXIT_FAILED, EXIT_USAGE } from './constants'

/** Usage and configuration mistakes (flags, region, credentials, a body that cannot be signed). */
export function errorExitCode(err: unknown): number {
  return err instanceof AwsSigV4ConfigurationError ||
    err instanceof AwsCredentialsError ||
    err instanceof AwsSigV4RequestError
    ? EXIT_USAGE
    : EXIT_FAILED
}

/** `elasticsearch-aws-sigv4: <message>`, on one line, never a stack trace. */
export function errorLine(err: unknown): string {
  const known = err instanceof AwsSigV4ConfigurationError || err instanceof AwsCredentialsError
  const message = err instanceof Error ? err.message : String(err)
  const text = message.replace(/\s*\n\s*/g, ' ').trim()
  if (known || err instanceof AwsSigV4RequestError) {
    return text.startsWith(`${BIN} `) ? text : `${BIN}: ${text}`
  }
  // Not one of ours: say what it is, without the stack.
  const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : ''
  return `${BIN}: ${name}${text}`
}

/**
 * A process warning as one line, as the warning of whoever emitted it: never the bin's own
 * (`elasticsearch-aws-sigv4: note:`), since it emits none. The AWS SDK's (its Node-version
 * warning, which it emits as a plain `Warning` whose text starts with its own name) reads
 * `(AWS SDK) NodeVersionSupportWarning: …`; any other `(node) Name: …`, as Node prints them.
 */
export function warningLine(warning: Error): string {
  let text = warning.message.replace(/\s*\n\s*/g, ' ').trim()
  let name = warning.name
  const named = /^([A-Z][A-Za-z]*Warning): (.*)$/s.exec(text)
  if (name === 'Warning' && named !== null) [, name, text] = named
  const from = /\bAWS SDK\b/.test(text) ? 'AWS SDK' : 'node'
  return `(${from}) ${name}: ${text}`
}
