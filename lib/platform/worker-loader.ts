/**
 * `node:worker_threads`, for hashing large payloads off the main thread (sigv4/sha256-worker.ts):
 * loaded with the first body that needs it rather than with the package, since loading it costs
 * about 2 ms of CPU, which most processes (every cold start) would pay for nothing. This is the
 * CommonJS build's variant; the ESM build's is esm/worker-loader.ts.
 */
export type WorkerThreads = typeof import('node:worker_threads')

let workerThreads: WorkerThreads | undefined

/** The module, loaded on the first call. */
export function loadWorkerThreads(): WorkerThreads {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  workerThreads ??= require('node:worker_threads') as WorkerThreads
  return workerThreads
}
