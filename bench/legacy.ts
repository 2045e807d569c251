/**
 * What 7.x users sign with today, for the comparison with ours on 7.17:
 * `aws-elasticsearch-connector` on @elastic/elasticsearch 7.13.0. The connector requires
 * `@elastic/elasticsearch` by name, so npm aliases cannot serve it: bench/legacy is its own
 * install (package.json and lockfile committed, node_modules not), made by the bench on first
 * use with `npm ci` (from the registry, or the npm cache).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { log } from './util'

const LEGACY = path.join(__dirname, 'legacy')

/** Installs bench/legacy unless its node_modules already holds the locked client. */
export function installLegacy(): void {
  if (existsSync(path.join(LEGACY, 'node_modules', 'aws-elasticsearch-connector'))) return
  log('installing bench/legacy (7.13.0 + aws-elasticsearch-connector) with npm ci…')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: LEGACY,
    stdio: 'inherit',
  })
}

/** A module as bench/legacy resolves it (its own @elastic/elasticsearch 7.13.0). */
export const legacyRequire = createRequire(path.join(LEGACY, 'package.json'))
