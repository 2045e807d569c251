/**
 * Runs the callback-lineage secrets scenarios in a process of their own, so that what the
 * `debug` module prints (DEBUG=elasticsearch,opensearch, set by the parent) lands on this
 * process's stderr for the parent to search. The signatures sent go to the file named by the
 * first argument, never to stdout.
 */
import { writeFileSync } from 'node:fs'
import { runCallbackScenarios } from './secrets-callback-scenarios'

runCallbackScenarios(() => {})
  .then(({ signatures, reached }) => {
    writeFileSync(
      process.argv[2],
      JSON.stringify({ signatures: [...signatures], reached: [...reached] }),
    )
  })
  .catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
