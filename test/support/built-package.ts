/**
 * The package's dist/ as `npm run build` makes it, for the tests that use the package as it
 * ships (the tarball, the Lambda bundles). CI builds before testing; locally it is rebuilt when
 * missing or older than lib/, scripts/ or the build configuration.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const REPO = join(__dirname, '..', '..')

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
  )
}

function newestMtime(paths: string[]): number {
  return Math.max(
    ...paths
      .filter((p) => existsSync(p))
      .flatMap((p) => (statSync(p).isDirectory() ? walk(p) : [p]))
      .map((f) => statSync(f).mtimeMs),
  )
}

/** The build's inputs: a change to any of them makes dist/ stale. */
const SOURCES = ['lib', 'scripts', 'tsconfig.build.json', 'package.json'].map((p) => join(REPO, p))

let building: Promise<void> | undefined

/** Resolves once dist/ is up to date (one build per test process at most). */
export function ensureBuilt(): Promise<void> {
  const distIndex = join(REPO, 'dist', 'index.js')
  if (existsSync(distIndex) && statSync(distIndex).mtimeMs >= newestMtime(SOURCES)) {
    return Promise.resolve()
  }
  building ??= new Promise<void>((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    execFile(npm, ['run', 'build'], { cwd: REPO, timeout: 120_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`npm run build failed:\n${stdout}\n${stderr}`)) : resolve(),
    )
  })
  return building
}
