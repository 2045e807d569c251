/**
 * The package under test as users run it: lib/ compiled by `tsc -p tsconfig.build.json` (CommonJS,
 * as `npm run build` emits it) into `bench/results/dist` (gitignored, and ignored by ESLint and
 * Prettier), inside the repository so `node_modules` resolves as for an installed package. Every section measures
 * this build, not tsx's on-the-fly transform of lib/ (whose helpers add per-call work).
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type * as Index from '../lib'
import type * as Credentials from '../lib/credentials/cache'
import type * as Signer from '../lib/exchange/request-signer'

const ROOT = path.resolve(__dirname, '..')
export const DIST = path.join(ROOT, 'bench', 'results', 'dist')
const load = createRequire(__filename)

/** Compiles lib/ to {@link DIST}; run once, before anything loads the package. */
export function buildDist(): void {
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
  return load(path.join(DIST, 'request-signer.js')) as typeof Signer
}

export function credentialsModule(): typeof Credentials {
  return load(path.join(DIST, 'credentials.js')) as typeof Credentials
}
