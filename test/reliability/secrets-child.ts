/**
 * Runs a set of secrets scenarios in a process of its own, so that what the `debug` module
 * prints (DEBUG=elasticsearch or DEBUG=elasticsearch,opensearch, set by the parent) lands on
 * this process's stderr for the parent to search. The signatures sent go to the file named by
 * the first argument, never to stdout; the second names the set: `promise` (8.x/9.x, default)
 * or `callback` (7.x, OpenSearch client).
 */
import { writeFileSync } from 'node:fs'
import { runScenarios } from './secrets-scenarios'
import { runCallbackScenarios } from './secrets-callback-scenarios'

const run = process.argv[3] === 'callback' ? runCallbackScenarios : runScenarios

run(() => {})
  .then(({ signatures, sent, reached }) => {
    writeFileSync(
      process.argv[2],
      JSON.stringify({ signatures: [...signatures], sent, reached: [...reached] }),
    )
  })
  .catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
