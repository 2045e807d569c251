// Mocha's spec reporter plus one plain closing line, `N passed, N failed[, N skipped]`,
// which CI reads as the run's summary; above it, the notes the tests left (run-notes.ts: real
// engines' versions, suites skipped for want of a tool).
'use strict'
const Mocha = require('mocha')
const { Spec } = Mocha.reporters
const { EVENT_RUN_END } = Mocha.Runner.constants
const NOTES = Symbol.for('elasticsearch-aws-sigv4.test.run-notes')

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options)
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats
      const skipped = pending > 0 ? `, ${pending} skipped` : ''
      const notes = (globalThis[NOTES] ?? []).flatMap((source) => source())
      if (notes.length > 0) process.stdout.write(`\n${notes.join('\n')}\n`)
      process.stdout.write(`\n${passes} passed, ${failures} failed${skipped}\n`)
    })
  }
}

module.exports = SpecWithSummary
