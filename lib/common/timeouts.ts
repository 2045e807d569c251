/** Bounding a wait: one timer race for every layer that waits on something it does not control. */

/** Longest delay setTimeout honours; above it Node fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Rejects with `timedOut()` after `ms`, unless `promise` settles first; no timer for an infinite
 * `ms` or one beyond what a timer can wait. The promise itself is not cancelled: a late answer
 * is the caller's to discard.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  if (!Number.isFinite(ms) || ms > MAX_TIMER_MS) return promise
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut()), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (err: unknown) => {
        clearTimeout(timer)
        reject(err)
      },
    )
  })
}
