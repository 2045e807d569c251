/**
 * `npx tsx --expose-gc bench/hmac-ab.ts`: the one-shot HMAC (lib/sigv4/hmac.ts) against
 * `crypto.createHmac`, for SigV4's per-request HMAC of a string to sign with a kept key.
 * Interleaved rounds (the order alternates), CPU time per call, medians over rounds. Two
 * settings: hot (HMAC after HMAC) and cold (a response-sized JSON parse and an allocation
 * between calls, as in a client, where the code and OpenSSL's state are no longer in cache).
 */
import { createHmac } from 'node:crypto'
import { HmacSha256Key } from '../lib/sigv4/hmac'
import { loadAverage, ownCpuMs } from './cpu'
import { fmt, median, ratio, table } from './util'

const ROUNDS = 31
const CALLS = 20_000

const key = createHmac('sha256', 'AWS4secret').update('20260101').digest()
const prepared = new HmacSha256Key(key)
const stringToSign =
  'AWS4-HMAC-SHA256\n20260101T120000Z\n20260101/us-east-1/es/aws4_request\n' +
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const response = JSON.stringify({
  took: 1,
  hits: { hits: Array.from({ length: 10 }, (_, i) => ({ _id: `${i}`, _source: { n: i } })) },
})

type Variant = [name: string, hmac: (message: string) => string]
const VARIANTS: Variant[] = [
  ['createHmac', (m) => createHmac('sha256', key).update(m).digest('hex')],
  ['one-shot (lib/sigv4/hmac.ts)', (m) => prepared.hex(m)],
]

if (VARIANTS[0][1](stringToSign) !== VARIANTS[1][1](stringToSign)) {
  throw new Error('the two HMACs differ')
}

let sink = 0
function round(hmac: Variant[1], cold: boolean): number {
  const start = ownCpuMs()
  for (let i = 0; i < CALLS; i++) {
    if (cold) sink += (JSON.parse(response) as { took: number }).took + new Array(64).length
    sink += hmac(stringToSign).length
  }
  return ((ownCpuMs() - start) * 1000) / CALLS
}

const loadStart = loadAverage()
const rows: string[][] = []
for (const cold of [false, true]) {
  const times = VARIANTS.map(() => [] as number[])
  for (let r = 0; r < 3; r++) VARIANTS.forEach(([, f]) => round(f, cold)) // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0]
    for (const i of order) times[i].push(round(VARIANTS[i][1], cold))
    global.gc?.()
  }
  const [a, b] = times.map(median)
  const diffs = times[0].map((t, i) => t - times[1][i])
  VARIANTS.forEach(([name], i) =>
    rows.push([cold ? 'cold' : 'hot', name, fmt(median(times[i]), 3), i === 0 ? '' : ratio(b / a)]),
  )
  rows.push([cold ? 'cold' : 'hot', 'saved per call (median of pairs)', fmt(median(diffs), 3), ''])
}
console.log(
  table(
    `HMAC-SHA256 of a string to sign, ${ROUNDS} interleaved rounds × ${CALLS} calls, CPU µs/call ` +
      `(Node ${process.version}, load ${loadStart.join(' ')} → ${loadAverage().join(' ')}, ${new Date().toISOString()})`,
    ['setting', 'variant', 'µs/call', 'vs createHmac'],
    rows,
  ),
)
if (sink === 0) console.log('')
