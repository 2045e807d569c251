/**
 * Suites that need tools from outside npm (a JDK and Maven for the real engines, Python for the
 * peers): where one is missing the suite is skipped with one line saying what to install, and
 * under CI=true a skipped suite is a failure instead.
 */
import { addRunNotes } from './run-notes'

/** What the summary prints: one line per suite skipped for want of a tool. */
const SKIPPED_SUITES: string[] = []
addRunNotes(() => SKIPPED_SUITES)

/**
 * Declares `body` as a mocha suite when nothing is missing; otherwise one line (and, under
 * CI=true, a failing test naming what to install).
 */
export function describeWithTools(
  title: string,
  missing: string | undefined,
  body: () => void,
): void {
  if (missing === undefined) {
    describe(title, body)
    return
  }
  const line = `skipped suite "${title}": install ${missing}`
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('has the tools it needs (CI=true: a skipped suite fails)', () => {
        throw new Error(line)
      })
    })
    return
  }
  SKIPPED_SUITES.push(line)
  console.log(line)
}
