/**
 * Bounding a wait: one timer race, and one abort race, for every layer that waits on something it
 * does not control.
 */

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

/**
 * Rejects with `aborted()` as soon as `signal` fires (at once if it already has), unless
 * `promise` settles first. The promise itself is not cancelled: one caller gives up on work
 * others may share.
 */
export function withAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  aborted: () => Error,
): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) return Promise.reject(aborted())
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted())
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      },
    )
  })
}
