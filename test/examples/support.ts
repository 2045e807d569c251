import type { Emulator } from '../../lib/testing'

/** Sets environment variables (undefined deletes); returns a function that puts them back. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = new Map<string, string | undefined>()
  for (const [name, value] of Object.entries(vars)) {
    saved.set(name, process.env[name])
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

/** Env vars that could point the default credential chain away from the test's keys. */
export const AWS_ENV_NAMES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'ES_NODE',
  'ES_INDEX',
]

export interface ItemFault {
  status: number
  type: string
  reason: string
}

/**
 * Makes the emulator fail chosen bulk items the way a cluster does: `decide(id, attempt, source)`
 * names a per-item error for a document (attempt counts from 1 per id), or undefined to let the
 * store index it. Index and create actions only. The other items of the request are indexed; the response mixes both, in order.
 */
export function failBulkItems(
  emu: Emulator,
  decide: (id: string, attempt: number, source: Record<string, unknown>) => ItemFault | undefined,
): () => void {
  const attempts = new Map<string, number>()
  return emu.onRequest(({ method, path, query, body }) => {
    if (method !== 'POST' || !/(^|\/)_bulk$/.test(path)) return undefined
    const lines = body
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
    const items: unknown[] = []
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]) as Record<string, { _index: string; _id?: string }>
      const [op] = Object.keys(action)
      const { _index, _id = '' } = action[op]
      const attempt = (attempts.get(_id) ?? 0) + 1
      attempts.set(_id, attempt)
      const fault = decide(_id, attempt, JSON.parse(lines[i + 1]) as Record<string, unknown>)
      if (fault) {
        items.push({
          [op]: {
            _index,
            _id,
            status: fault.status,
            error: { type: fault.type, reason: fault.reason },
          },
        })
        continue
      }
      const stored = emu.store.handle({
        method: 'POST',
        segments: ['_bulk'],
        query: new Map(new URLSearchParams(query)),
        body: Buffer.from(`${lines[i]}\n${lines[i + 1]}\n`),
      }).body as { items: unknown[] }
      items.push(stored.items[0])
    }
    const errors = items.some(
      (item) => Object.values(item as Record<string, { status: number }>)[0].status >= 300,
    )
    return { status: 200, body: { took: 1, errors, items } }
  })
}
