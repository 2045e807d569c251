/**
 * The ESM build's variant of lib/platform/worker-loader.ts (built in its place): loads
 * `node:worker_threads` on first use here too. A builtin, so bundlers have nothing to follow.
 *
 * Nothing runs at load: a bundler that turns this build into CommonJS (esbuild for a Lambda)
 * leaves `import.meta.url` undefined, and `createRequire` of that throws, which at load would
 * break the whole bundle. `process.getBuiltinModule` (Node 20.16+) needs no URL; before it,
 * `createRequire` is asked at the first large body, and if it throws the caller (the hasher)
 * hashes on the main thread instead.
 */
import { createRequire } from 'node:module'
import type { WorkerThreads } from '../worker-loader.js'

export type { WorkerThreads }

let workerThreads: WorkerThreads | undefined

export function loadWorkerThreads(): WorkerThreads {
  workerThreads ??=
    builtin() ?? (createRequire(import.meta.url)('node:worker_threads') as WorkerThreads)
  return workerThreads
}

function builtin(): WorkerThreads | undefined {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule
  return get?.call(process, 'node:worker_threads') as WorkerThreads | undefined
}
