/**
 * One contender in a process of its own, driven by the parent over IPC (see isolated.ts): its
 * client is created once, then it runs the warm-ups and rounds it is told to, one at a time,
 * and answers each with its measurements. In one process shared by every contender, the JIT's
 * code for the transport and undici is shared too, and each contender's per-request CPU was
 * measured 7-19 µs higher than alone (issue 14's research); a process each keeps them apart.
 *
 *   node --import tsx --expose-gc bench/contender-process.ts <contender id> <node URL>
 */
import type { BenchClient, Doc } from './contenders'
import { contenderById } from './contenders'
import { generateDocs } from './docs'
import type { Command } from './isolated'
import { bulkRound, indexAll } from './bulk'
import { smallRound, smallWarmup } from './small'

const [id, node] = process.argv.slice(2)
const contender = contenderById(id)
const client: BenchClient = contender.create(node)
let docs: Doc[] = []

async function handle(command: Command): Promise<unknown> {
  switch (command.type) {
    case 'small-warmup':
      return smallWarmup(client, command.options)
    case 'small-round':
      return smallRound(client, command.options)
    case 'bulk-warmup':
      docs = generateDocs(command.docs)
      return indexAll(contender, client, docs.slice(0, command.warmupDocs))
    case 'bulk-round':
      return bulkRound(contender, client, docs)
    case 'close':
      await client.close()
      return undefined
  }
}

process.on('message', (command: Command) => {
  handle(command).then(
    (value) => process.send!({ ok: true, value }),
    (err: unknown) =>
      process.send!({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  )
})
process.on('disconnect', () => process.exit(0))
process.send!({ ok: true, value: 'ready' })
