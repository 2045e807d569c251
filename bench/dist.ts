/**
 * The package under test as users run it: lib/ compiled by `tsc -p tsconfig.build.json` (CommonJS,
 * as `npm run build` emits it) into `bench/results/dist` (gitignored, and ignored by ESLint and
 * Prettier), inside the repository so `node_modules` resolves as for an installed package. Every
 * section measures this build, not tsx's on-the-fly transform of lib/ (whose helpers add per-call
 * work).
 *
 * `BENCH_DIST=<directory inside the repository>` measures a build made there instead (of an
 * earlier commit, say, for a before/after comparison); it is then not rebuilt. Its modules must
 * be where this commit's are (the contenders load `index.js`; the signing and memory sections
 * load modules by their layer paths).
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type * as Index from '../lib'
import type * as Credentials from '../lib/credentials/cache'
import type * as Signer from '../lib/exchange/request-signer'
import type * as Hasher from '../lib/sigv4/sha256-worker'

const ROOT = path.resolve(__dirname, '..')
export const DIST = process.env.BENCH_DIST
  ? path.resolve(ROOT, process.env.BENCH_DIST)
  : path.join(ROOT, 'bench', 'results', 'dist')
const load = createRequire(__filename)

/** Compiles lib/ to {@link DIST}; run once, before anything loads the package. */
export function buildDist(): void {
  if (process.env.BENCH_DIST) return
  rmSync(DIST, { recursive: true, force: true })
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  execFileSync(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      DIST,
      '--sourceMap',
      'false',
      '--declaration',
      'false',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  )
}

export function packageIndex(): typeof Index {
  return load(path.join(DIST, 'index.js')) as typeof Index
}

export function requestSignerModule(): typeof Signer {
  return load(path.join(DIST, 'exchange', 'request-signer.js')) as typeof Signer
}

export function credentialsModule(): typeof Credentials {
  return load(path.join(DIST, 'credentials', 'cache.js')) as typeof Credentials
}

export function sha256WorkerModule(): typeof Hasher {
  return load(path.join(DIST, 'sigv4', 'sha256-worker.js')) as typeof Hasher
}
