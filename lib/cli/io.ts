/** What a command reads and writes: the process's streams and environment, injectable. */

export interface CliIo {
  /** The command's output: a response body, the checklist, help. */
  stdout: (data: string | Uint8Array) => void
  /** Notes, `-v`, and the one line of an error. */
  stderr: (text: string) => void
  /** The body of `-d @-`. */
  stdin: NodeJS.ReadableStream
  /** Pretty-print JSON bodies (stdout is a terminal). */
  stdoutIsTTY: boolean
  env: Readonly<Record<string, string | undefined>>
  /** Ends a command that runs until stopped (`proxy`); default: SIGINT or SIGTERM. */
  stop?: AbortSignal
}

export function processIo(): CliIo {
  return {
    stdout: (data) => process.stdout.write(data),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    stdoutIsTTY: process.stdout.isTTY === true,
    env: process.env,
  }
}
