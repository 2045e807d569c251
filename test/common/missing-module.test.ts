import { expect } from 'chai'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isModuleNotFound } from '../../lib/common/missing-module'

describe('isModuleNotFound', () => {
  let dir: string
  let required: unknown
  let imported: unknown
  let requiredDependency: unknown
  let importedDependency: unknown

  before(async () => {
    // A project whose package `present` is installed but needs `absent-dependency`, which is not.
    dir = mkdtempSync(join(tmpdir(), 'missing-module-'))
    const present = join(dir, 'node_modules', 'present')
    mkdirSync(present, { recursive: true })
    writeFileSync(join(present, 'package.json'), '{"name":"present","main":"index.js"}')
    writeFileSync(join(present, 'index.js'), "require('absent-dependency')")
    writeFileSync(join(present, 'index.mjs'), "import 'absent-dependency'")
    const load = createRequire(join(dir, 'index.js'))
    const failure = (f: () => unknown): unknown => {
      try {
        f()
      } catch (err) {
        return err
      }
    }
    required = failure(() => load('absent-package'))
    requiredDependency = failure(() => load('present'))
    // Real ESM resolution, from a module file (not through the test's CommonJS transform).
    writeFileSync(
      join(dir, 'probe.mjs'),
      `export const errors = await Promise.all([
        import('absent-package').catch((e) => e),
        import('present/index.mjs').catch((e) => e),
      ])`,
    )
    const probe = (await import(pathToFileURL(join(dir, 'probe.mjs')).href)) as {
      errors: unknown[]
    }
    ;[imported, importedDependency] = probe.errors
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('recognises require() and import() of a missing package', () => {
    expect((required as { code?: string }).code).to.equal('MODULE_NOT_FOUND')
    expect((imported as { code?: string }).code).to.equal('ERR_MODULE_NOT_FOUND')
    expect(isModuleNotFound(required)).to.equal(true)
    expect(isModuleNotFound(imported)).to.equal(true)
    expect(isModuleNotFound(required, 'absent-package')).to.equal(true)
    expect(isModuleNotFound(imported, 'absent-package')).to.equal(true)
  })

  it('with a name, not a package that is there but misses one of its own dependencies', () => {
    expect(isModuleNotFound(requiredDependency)).to.equal(true)
    expect(isModuleNotFound(importedDependency)).to.equal(true)
    expect(isModuleNotFound(requiredDependency, 'present')).to.equal(false)
    expect(isModuleNotFound(importedDependency, 'present')).to.equal(false)
  })

  it('is false for other errors and non-errors', () => {
    expect(isModuleNotFound(new Error("Cannot find module 'x'"))).to.equal(false)
    expect(isModuleNotFound(Object.assign(new Error('x'), { code: 'ENOENT' }))).to.equal(false)
    expect(isModuleNotFound(null)).to.equal(false)
    expect(isModuleNotFound(undefined)).to.equal(false)
  })
})
