/**
 * The ESM build's variant of lib/platform/worker-loader.ts (built in its place): `require` from
 * `createRequire`, so `node:worker_threads` loads on first use here too. A builtin, so bundlers
 * have nothing to follow.
 */
import { createRequire } from 'node:module'
import type { WorkerThreads } from '../worker-loader.js'

export type { WorkerThreads }

const load = createRequire(import.meta.url)
let workerThreads: WorkerThreads | undefined

export function loadWorkerThreads(): WorkerThreads {
  workerThreads ??= load('node:worker_threads') as WorkerThreads
  return workerThreads
}
