import { install } from '@sinonjs/fake-timers'
import type { Clock } from '@sinonjs/fake-timers'

/** A clock installed over the globals (`uninstall()` puts the real ones back). */
export type InstalledClock = Clock

/**
 * Virtual time for one test: `Date` and the timers (`setTimeout`, `setInterval`, also through
 * `node:timers` and `node:timers/promises`) move only when the test moves the clock, so a
 * duration the test asserts is the same on any machine, however busy. Immediates, `nextTick`
 * and I/O stay real. Starts at the real time, so expirations and AWS's 5-minute window keep
 * their usual meaning. Uninstall it in a `finally`.
 */
export function installFakeClock(): InstalledClock {
  return install({
    now: Date.now(),
    toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    // Timers made before the clock (by a pool, a server) may be cleared while it is installed.
    shouldClearNativeTimers: true,
  })
}

/**
 * A fake `Date` only: timers and I/O run in real time, and the date moves only when the test
 * moves it (`clock.tick(ms)`, `clock.setSystemTime(…)`). For checks on what was dated when, such
 * as each attempt's `x-amz-date`. Starts at the real time. Uninstall it in a `finally`.
 */
export function installFakeDate(): InstalledClock {
  return install({ now: Date.now(), toFake: ['Date'] })
}

/**
 * Runs the clock's timers, one at a time and in order, until `promise` settles. Only for work
 * that waits on nothing but timers (no I/O): time then jumps straight to each timer that work
 * set, so what the promise took in virtual time is exactly what it waited for.
 */
export async function runTimersUntilSettled(
  clock: InstalledClock,
  promise: Promise<unknown>,
): Promise<void> {
  let settled = false
  const done = (): void => {
    settled = true
  }
  promise.then(done, done)
  while (!settled) await clock.nextAsync()
}
