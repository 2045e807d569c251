/**
 * What the commands print, as text: response heads, bodies, and the signed request (`-v`,
 * `--dry-run`) with the session token and signature replaced and the key id shortened. Pure.
 */
import { STATUS_CODES } from 'node:http'
import type { SigningTarget } from '../aws/endpoint'
import type { SignatureDescription } from '../sigv4/types'
import { REDACTED_SIGNATURE, REDACTED_TOKEN } from '../common/redaction-marks'
import { shortKeyId } from './credentials'

type Headers = Readonly<Record<string, string | string[] | number | undefined>>

/** `HTTP/1.1 404 Not Found` (the base connection does not report the reason phrase or version). */
export function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd()
}

/** `name: value` per header, a repeated header once per value. */
export function headerLines(headers: Headers): string[] {
  const lines: string[] = []
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item}`)
  }
  return lines
}

/** The Authorization header as shown: key id shortened, signature replaced. */
export function shownAuthorization(value: string): string {
  return value
    .replace(/Credential=([^/,\s]+)/, (_, id: string) => `Credential=${shortKeyId(id)}`)
    .replace(/Signature=[0-9a-fA-F]+/, `Signature=${REDACTED_SIGNATURE}`)
}

/** The signed headers as shown: nothing secret. */
export function shownHeaders(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const lower = name.toLowerCase()
    if (lower === 'x-amz-security-token') out[name] = REDACTED_TOKEN
    else if (lower === 'authorization') out[name] = shownAuthorization(String(value))
    else out[name] = typeof value === 'number' ? String(value) : value
  }
  return out
}

/** Where the region and service came from, for `-v` and `diagnose`. */
export function describeTarget(
  target: SigningTarget,
  env: Readonly<Record<string, string | undefined>>,
  regionFrom?: string,
): string {
  const region =
    regionFrom ??
    {
      option: 'from --region',
      endpoint: 'from the host',
      environment: env.AWS_REGION ? 'from AWS_REGION' : 'from AWS_DEFAULT_REGION',
    }[target.regionSource]
  const service = {
    option: 'from --service',
    endpoint: 'from the host',
    default: 'the default',
  }[target.serviceSource]
  return `region ${target.region} (${region}) · service ${target.service} (${service})`
}

export interface SignedView {
  method: string
  /** Path and query as sent. */
  target: string
  headers: Headers
  description: SignatureDescription
}

/**
 * The signed request as `-v` and `--dry-run` show it: the canonical request between markers (to
 * compare line by line with AWS's "Canonical String … should have been"), the string to sign, and
 * the request line and headers as sent. Secrets replaced.
 */
export function signedRequestBlock(view: SignedView, intro: readonly string[]): string {
  const lines = [
    ...intro.map((line) => `* ${line}`),
    '--- canonical request ---',
    view.description.canonicalRequest,
    '--- string to sign ---',
    view.description.stringToSign,
    '--- signed request ---',
    `> ${view.method} ${view.target} HTTP/1.1`,
    ...headerLines(shownHeaders(view.headers)).map((line) => `> ${line}`),
    '',
  ]
  return lines.join('\n')
}

/** `< HTTP/1.1 200 OK` and the response headers, for `-v`. */
export function responseHeadBlock(status: number, headers: Headers): string {
  return [`< ${statusLine(status)}`, ...headerLines(headers).map((line) => `< ${line}`), ''].join(
    '\n',
  )
}

/** `-i`: the status line and headers, then a blank line, as curl prints them. */
export function includedHead(status: number, headers: Headers): string {
  return [statusLine(status), ...headerLines(headers), '', ''].join('\n')
}

/**
 * The body for a terminal: JSON pretty-printed (two spaces) and ending in a newline; anything
 * else, or JSON that does not parse, as it is.
 */
export function prettyBody(body: Buffer, contentType: string | undefined): Buffer | string {
  if (!/json/i.test(contentType ?? '') || body.length === 0) return body
  try {
    return JSON.stringify(JSON.parse(body.toString('utf8')), null, 2) + '\n'
  } catch {
    return body
  }
}
