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

/** A process warning (the AWS SDK emits some) as one note line, not Node's several. */
export function warningLine(warning: Error): string {
  const text = warning.message.replace(/\s*\n\s*/g, ' ').trim()
  // A plain `Warning` says nothing more than "note".
  return `${BIN}: note: ${warning.name === 'Warning' ? '' : `${warning.name}: `}${text}`
}
