// The installed client as each build reaches it (lib/default-base.ts for CommonJS,
// lib/esm/default-base.ts for ESM), run from the built dist/: with the client installed, without
// it, and with a client whose own dependency is missing.
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installedClient } from '../lib/default-base'
import { ensureBuilt } from './support/built-package'

const REPO = join(__dirname, '..')

/** Runs `code` with node in `cwd` (ESM with `esm`) and parses the JSON it prints. */
function runIn(cwd: string, code: string, esm: boolean): Promise<unknown> {
  const args = esm ? ['--input-type=module', '-e', code] : ['-e', code]
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd, env: { PATH: process.env.PATH } },
      (err, out, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(out)),
    )
  })
}

const CJS_PROBE = `
  const { installedClient } = require('./pkg/dist/default-base.js')
  let result
  try { const c = installedClient(); result = c === undefined ? 'undefined' : typeof c.UndiciConnection }
  catch (err) { result = 'threw ' + err.code }
  console.log(JSON.stringify(result))`
// The ESM build reads the client through `#elastic-client`; Node gets this target of it.
const ESM_PROBE = `
  let result
  try {
    const { client } = await import('./pkg/dist/esm/elastic-client.node.js')
    result = client === undefined ? 'undefined' : typeof client.UndiciConnection
  } catch (err) { result = 'threw ' + err.code }
  console.log(JSON.stringify(result))`

describe('default-base: the installed @elastic/elasticsearch', function () {
  this.timeout(60_000)
  let scratch: string

  before(async () => {
    await ensureBuilt()
    scratch = mkdtempSync(join(tmpdir(), 'default-base-'))
  })
  after(() => rmSync(scratch, { recursive: true, force: true }))

  /** A project holding a copy of dist/ and, optionally, a client package of the given files. */
  function project(name: string, client?: Record<string, string>): string {
    const dir = join(scratch, name)
    cpSync(join(REPO, 'dist'), join(dir, 'pkg', 'dist'), { recursive: true })
    if (client) {
      const at = join(dir, 'node_modules', '@elastic', 'elasticsearch')
      mkdirSync(at, { recursive: true })
      for (const [file, text] of Object.entries(client)) writeFileSync(join(at, file), text)
    }
    return dir
  }

  it('in-process (CommonJS): the client itself', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(installedClient()).to.equal(require('@elastic/elasticsearch'))
  })

  it('both builds, installed beside the package: its UndiciConnection', async () => {
    const dir = project('installed')
    // Linked: Node resolves the link to its real path, and the client's dependencies from there.
    mkdirSync(join(dir, 'node_modules', '@elastic'), { recursive: true })
    symlinkSync(
      join(REPO, 'node_modules', '@elastic', 'elasticsearch'),
      join(dir, 'node_modules', '@elastic', 'elasticsearch'),
      'dir',
    )
    expect(await runIn(dir, CJS_PROBE, false)).to.equal('function')
    expect(await runIn(dir, ESM_PROBE, true)).to.equal('function')
  })

  it('both builds, no client installed: undefined', async () => {
    const dir = project('absent')
    expect(await runIn(dir, CJS_PROBE, false)).to.equal('undefined')
    expect(await runIn(dir, ESM_PROBE, true)).to.equal('undefined')
  })

  it('both builds, a client that misses a dependency of its own: the error, not undefined', async () => {
    const dir = project('broken', {
      'package.json': JSON.stringify({
        name: '@elastic/elasticsearch',
        exports: { import: './index.mjs', require: './index.js' },
      }),
      'index.js': "require('absent-dependency-of-the-client')",
      'index.mjs': "import 'absent-dependency-of-the-client'",
    })
    expect(await runIn(dir, CJS_PROBE, false)).to.equal('threw MODULE_NOT_FOUND')
    expect(await runIn(dir, ESM_PROBE, true)).to.equal('threw ERR_MODULE_NOT_FOUND')
  })
})
