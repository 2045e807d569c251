// How each build reaches @elastic/elasticsearch (lib/platform/client-loader.ts for CommonJS,
// lib/platform/esm/client-loader.ts for ESM), run from the built dist/ copied into a project of its own:
// without the client, and with a client that misses a dependency of its own. Loading the package
// never fails; asking for the default base does, saying which of the two it is.
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadDefaultClient, loadedModuleExports } from '../../lib/platform/client-loader'
import { buildIfStale } from '../package/support'

const REPO = join(__dirname, '..', '..')

function runIn(cwd: string, args: string[]): Promise<unknown> {
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

/** Loads a build's entry, then asks it for a connection on the default base. */
const probe = (load: string): string => `
  const pkg = ${load}
  let refusal
  try { pkg.createAwsSigV4Connection({ region: 'eu-west-1' }) } catch (err) {
    refusal = { name: err.name, option: err.option, message: err.message.split(', and without')[0] }
  }
  console.log(JSON.stringify({ loaded: typeof pkg.createAwsSigV4Connection, refusal }))`

async function probeBoth(dir: string): Promise<unknown[]> {
  return Promise.all([
    runIn(dir, ['-e', `(async () => { ${probe("require('./pkg/dist/index.js')")} })()`]),
    runIn(dir, ['--input-type=module', '-e', probe("await import('./pkg/dist/esm/index.js')")]),
  ])
}

describe('client-loader: the installed @elastic/elasticsearch, in both builds', function () {
  this.timeout(60_000)
  let scratch: string

  before(async () => {
    await buildIfStale()
    scratch = mkdtempSync(join(tmpdir(), 'client-loader-'))
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

  it('in-process (CommonJS): the client itself, and the loaded modules include it', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client: unknown = require('@elastic/elasticsearch')
    expect(loadDefaultClient()).to.equal(client)
    expect(loadedModuleExports()).to.include(client)
  })

  it('no client installed: both builds load; the default base is refused as not installed', async () => {
    const refusal = {
      name: 'AwsSigV4ConfigurationError',
      option: 'baseConnection',
      message: '@elastic/elasticsearch is not installed',
    }
    expect(await probeBoth(project('absent'))).to.deep.equal([
      { loaded: 'function', refusal },
      { loaded: 'function', refusal },
    ])
  })

  it('a client that misses a dependency of its own: refused with that error, not as absent', async () => {
    const dir = project('broken', {
      'package.json': JSON.stringify({
        name: '@elastic/elasticsearch',
        exports: { import: './index.mjs', require: './index.js' },
      }),
      'index.js': "require('absent-dependency-of-the-client')",
      'index.mjs': "import 'absent-dependency-of-the-client'",
    })
    const [cjs, esm] = (await probeBoth(dir)) as Array<{ refusal: { message: string } }>
    expect(cjs.refusal.message).to.match(
      /^@elastic\/elasticsearch could not be loaded \(Cannot find module 'absent-dependency-of-the-client'/,
    )
    expect(esm.refusal.message).to.match(
      /^@elastic\/elasticsearch could not be loaded \(Cannot find package 'absent-dependency-of-the-client'/,
    )
  })
})
