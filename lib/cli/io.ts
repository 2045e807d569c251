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
    stdout: (data) => writeOpen(process.stdout, data),
    stderr: (text) => writeOpen(process.stderr, text),
    stdin: process.stdin,
    stdoutIsTTY: process.stdout.isTTY === true,
    env: process.env,
  }
}

/** Writes unless the reader has gone (`| head` closed the pipe): then there is no one to tell. */
function writeOpen(stream: NodeJS.WriteStream, data: string | Uint8Array): void {
  if (!stream.destroyed) stream.write(data)
}

/**
 * A pipe the reader closed early (`… | head`) ends the output quietly: the write fails with
 * EPIPE, which would otherwise be an uncaught error and a stack trace. The command still runs
 * to its end and exits with its own status.
 */
export function quietWhenPipeCloses(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
      stream.destroy()
      return
    }
    throw err
  })
}
