/**
 * What the proxy reports: one entry per request (method, path with `X-Amz-*` query values
 * redacted, status, bytes, milliseconds, and what a refusal means), and its notes and warnings;
 * as a line of text or of JSON. No entry ever holds a header, a key or a token.
 */

/** One request, as answered. */
export interface RequestLogEntry {
  type: 'request'
  /** When the answer was done, ISO 8601. */
  time: string
  method: string
  /** Path and query as the client sent them, `X-Amz-*` values replaced. */
  path: string
  status: number
  /** Body bytes sent to the client (as they went, compressed or not). */
  bytes: number
  /** From the request's arrival to the answer's end. */
  ms: number
  /** The exchange signed and sent it a second time after a refusal (and this is that answer). */
  retried?: boolean
  /** What an AWS refusal (401, 403) means and what to do, as `diagnose` says it. */
  aws?: string
  /** Why the proxy answered itself (413, 503, a read-only refusal, 502, 504, …). */
  proxy?: string
  /** The client went away before the answer was done. */
  aborted?: boolean
}

/** A note (`info`) or a warning of the proxy's own. */
export interface NoteLogEntry {
  type: 'note' | 'warning'
  time: string
  message: string
}

export type ProxyLogEntry = RequestLogEntry | NoteLogEntry

export type LogFormat = 'text' | 'json'

/** The entry as one line (no newline at the end). */
export function formatLogEntry(entry: ProxyLogEntry, format: LogFormat): string {
  if (format === 'json') return JSON.stringify(entry)
  if (entry.type !== 'request') {
    return `${entry.time} ${entry.type === 'warning' ? 'WARNING ' : ''}${oneLine(entry.message)}`
  }
  const parts = [
    entry.time,
    entry.method,
    entry.path,
    String(entry.status),
    `${entry.bytes} B`,
    `${entry.ms} ms`,
  ]
  let line = parts.join(' ')
  if (entry.retried) line += ' · retried once, re-signed'
  if (entry.aborted) line += ' · the client went away'
  if (entry.proxy !== undefined) line += ` · proxy: ${oneLine(entry.proxy)}`
  if (entry.aws !== undefined) line += ` · AWS: ${oneLine(entry.aws)}`
  return line
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/**
 * Lines written together, once per turn of the event loop: at 64 requests in flight, one write
 * for many log lines instead of one each. `flush()` writes what is pending at once.
 */
export function batchedLines(write: (text: string) => void): {
  line(text: string): void
  flush(): void
} {
  let pending = ''
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (pending === '') return
    const text = pending
    pending = ''
    write(text)
  }
  return {
    line(text) {
      pending += `${text}\n`
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush,
  }
}
