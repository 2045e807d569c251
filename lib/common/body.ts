/** Reading a response body that has been read into memory: as text, and as a JSON object. */

/** A response body as text (UTF-8), or undefined when it is neither a string nor a Buffer. */
export function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body
  return Buffer.isBuffer(body) ? body.toString('utf8') : undefined
}

/** `text` parsed as JSON when that gives an object (not an array), else undefined. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
