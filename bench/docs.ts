import type { Doc } from './contenders'
import { seededRandom } from './util'

const WORDS = (
  'the quick brown fox jumps over lazy dog lorem ipsum dolor sit amet consectetur adipiscing ' +
  'elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam ' +
  'quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure'
).split(' ')

/**
 * `count` log-like documents of about `size` bytes of JSON each (default 1 KB), the same on every
 * run: a timestamp, a few keyword and numeric fields, and a message of pseudo-random words.
 */
export function generateDocs(count: number, size = 1024): Doc[] {
  const random = seededRandom(42)
  const pick = (): string => WORDS[Math.floor(random() * WORDS.length)]
  const docs: Doc[] = new Array(count)
  const start = Date.UTC(2025, 0, 1)
  for (let i = 0; i < count; i++) {
    const doc: Doc = {
      '@timestamp': new Date(start + i * 1000).toISOString(),
      id: i,
      host: `host-${i % 64}`,
      service: ['api', 'web', 'worker', 'db'][i % 4],
      level: ['info', 'warn', 'error', 'debug'][Math.floor(random() * 4)],
      latency_ms: Math.round(random() * 10_000) / 10,
      bytes: Math.floor(random() * 1e6),
      tags: [pick(), pick(), pick()],
      message: '',
    }
    const fixed = JSON.stringify(doc).length
    const words: string[] = []
    let length = 0
    while (fixed + length < size) {
      const word = pick()
      words.push(word)
      length += word.length + 1
    }
    doc.message = words.join(' ')
    docs[i] = doc
  }
  return docs
}
