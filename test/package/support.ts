// What the package tests share: running commands, building dist/ when it is stale, and packing
// the tarball a consumer installs.
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { basename, join } from 'node:path'

export const REPO = join(__dirname, '..', '..')
export const PKG_NAME = 'elasticsearch-aws-sigv4'
export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env },
        timeout: opts.timeout ?? 60_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err)
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr })
      },
    )
  })
}

export function walk(dir: string): string[] {
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

/**
 * Uses the existing dist/ (CI runs `npm run build` before `npm test`) and rebuilds only when it
 * is missing or older than lib/ or the build script.
 */
export async function buildIfStale(): Promise<void> {
  const distIndex = join(REPO, 'dist', 'index.js')
  const sources = [join(REPO, 'lib'), join(REPO, 'scripts'), join(REPO, 'tsconfig.build.json')]
  if (!existsSync(distIndex) || statSync(distIndex).mtimeMs < newestMtime(sources)) {
    const b = await run(npm, ['run', 'build'], { cwd: REPO, timeout: 120_000 })
    expect(b.code, `npm run build failed:\n${b.stdout}\n${b.stderr}`).to.equal(0)
  }
}

/** `npm pack` of dist/ as it is (no `prepack` rebuild) into `dir`: the tarball's name and files. */
export async function packInto(dir: string): Promise<{ filename: string; files: string[] }> {
  const packed = await run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
    cwd: REPO,
    env: { npm_config_loglevel: 'error' },
  })
  expect(packed.code, packed.stderr).to.equal(0)
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[]
  return { filename: info.filename, files: info.files.map((f) => f.path).sort() }
}

interface LockEntry {
  version?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  [field: string]: unknown
}

/**
 * Installs the packed tarball into `dir` beside the repo's copies of `clients` under their real
 * names (`{ '@elastic/elasticsearch': 'es717' }`: the repo's `es717` alias), offline, from the
 * npm cache: with a lockfile cut from the repo's, so every package is the exact version
 * `npm ci` put in the cache for this repo, and npm resolves nothing anew. An `npm install`
 * from the registry gives the same tree. The package's own dependencies come from its
 * tarball's package.json; its optional peer is installed only where `clients` names it.
 */
export async function installFromCache(
  dir: string,
  tarball: string,
  clients: Record<string, string>,
): Promise<RunResult> {
  const repoLock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>
  }
  mkdirSync(dir, { recursive: true })
  const tarballPkg = JSON.parse(
    (await run('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: dir })).stdout,
  ) as LockEntry & { name: string; version: string }
  const packages = repoLock.packages
  const renames = Object.entries(clients).map(([as, from]) => [
    `node_modules/${from}`,
    `node_modules/${as}`,
  ])
  const moved = (key: string): string => {
    for (const [from, to] of renames) {
      if (key === from || key.startsWith(`${from}/`)) return to + key.slice(from.length)
    }
    return key
  }
  /** Where Node would find `name` from the package at `key` (its own node_modules, then up). */
  const resolve = (key: string, name: string): string => {
    for (let base = key; ;) {
      const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`
      if (packages[candidate] !== undefined) return candidate
      if (base === '') throw new Error(`${name} (needed by ${key || 'the package'}) is not locked`)
      const at = base.lastIndexOf('/node_modules/')
      base = at === -1 ? '' : base.slice(0, at)
    }
  }
  const locked: Record<string, LockEntry> = {}
  const add = (key: string): void => {
    const to = moved(key)
    if (locked[to] !== undefined) return
    // The flags describe the repo's tree (dev, optional…): npm works them out for this one.
    const { dev, optional, devOptional, peer, name, ...entry } = packages[key]
    void [dev, optional, devOptional, peer, name]
    locked[to] = entry
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      add(resolve(key, dep))
    }
  }
  for (const from of Object.values(clients)) add(`node_modules/${from}`)
  for (const dep of Object.keys(tarballPkg.dependencies ?? {})) add(resolve('', dep))

  const file = `file:${basename(tarball)}`
  const dependencies: Record<string, string> = { [tarballPkg.name]: file }
  for (const [as, from] of Object.entries(clients)) {
    dependencies[as] = packages[`node_modules/${from}`].version ?? '*'
  }
  const { name, version, license, peerDependencies, peerDependenciesMeta } = tarballPkg
  locked[`node_modules/${name}`] = {
    version,
    resolved: file,
    license,
    dependencies: tarballPkg.dependencies,
    peerDependencies,
    peerDependenciesMeta,
  }
  const root = { name: 'consumer', version: '1.0.0', private: true, dependencies }
  copyFileSync(tarball, join(dir, basename(tarball)))
  writeFileSync(join(dir, 'package.json'), JSON.stringify(root, null, 2))
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify(
      { ...root, lockfileVersion: 3, requires: true, packages: { '': root, ...locked } },
      null,
      2,
    ),
  )
  return run(npm, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    env: { npm_config_loglevel: 'error' },
    timeout: 120_000,
  })
}
