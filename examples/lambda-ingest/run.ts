/**
 * Runs the handler once, locally, against the emulator or a domain:
 *   ES_NODE=http://127.0.0.1:9200 AWS_REGION=us-east-1 npx tsx examples/lambda-ingest/run.ts [event.json]
 * (default event: sample-event.json beside this file). Kept apart from handler.ts, which is the
 * file that gets bundled: a `require.main === module` check there breaks its ESM bundle.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { closeSharedClient, handler, type SqsEvent } from './handler'

const file = process.argv[2] ?? join(__dirname, 'sample-event.json')
handler(JSON.parse(readFileSync(file, 'utf8')) as SqsEvent)
  .then((response) => console.log(JSON.stringify(response, null, 2)))
  .catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
  .finally(() => closeSharedClient())
