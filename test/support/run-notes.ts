/**
 * Lines the reporter (reporter.cjs) prints above the closing `N passed, N failed` line: which
 * suites were skipped for want of a tool, which real engines ran. Kept on `globalThis` because
 * the reporter is loaded by mocha, not imported by the tests.
 */
const KEY = Symbol.for('elasticsearch-aws-sigv4.test.run-notes')

type NoteSource = () => string[]

function sources(): NoteSource[] {
  const holder = globalThis as unknown as Record<symbol, NoteSource[] | undefined>
  holder[KEY] ??= []
  return holder[KEY]
}

/** Adds lines computed when the run ends. */
export function addRunNotes(source: NoteSource): void {
  sources().push(source)
}
