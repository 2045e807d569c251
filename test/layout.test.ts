// The shape of lib/ as a whole (docs/architecture.md): layer folders with one-way imports, which
// ESLint enforces, and no import cycle anywhere, type-only imports included.
import { expect } from 'chai'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { ESLint } from 'eslint'

const REPO = resolve(__dirname, '..')
const LIB = join(REPO, 'lib')

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(path)
    else if (entry.name.endsWith('.ts')) yield path
  }
}

/** Every relative module a file names: imports and exports (type-only too), `import()`, `require()`. */
const SPECIFIER =
  /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}(?:\/[^'"]*)?)\1/gm

function importsOf(file: string): string[] {
  const out: string[] = []
  for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
    const base = resolve(dirname(file), match[2].replace(/\.js$/, ''))
    const target = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate))
    expect(target, `${relative(REPO, file)} imports ${match[2]}, which is not in lib/`).to.be.a(
      'string',
    )
    out.push(target as string)
  }
  return out
}

/** The cycles of a graph (one per strongly connected component of more than one node, or a self-loop). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string): void => {
    indices.set(node, index)
    low.set(node, index++)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!))
      }
    }
    if (low.get(node) !== indices.get(node)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component)
  }
  for (const node of graph.keys()) if (!indices.has(node)) visit(node)
  return found
}

describe('layout: lib/ in layer folders', () => {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(LIB)) graph.set(file, importsOf(file))

  it('has no import cycle, type-only imports included', () => {
    const found = cycles(graph).map((c) => c.map((f) => relative(LIB, f)).join(' -> '))
    expect(found).to.deep.equal([])
  })

  it('the cycle check finds a cycle when there is one', () => {
    const probe = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ])
    expect(cycles(probe).map((c) => c.sort())).to.deep.equal([['a', 'b', 'c'], ['d']])
  })

  it('keeps only the public entry and the error classes at the root', () => {
    const root = readdirSync(LIB, { withFileTypes: true }).filter((e) => e.isFile())
    expect(root.map((e) => e.name).sort()).to.deep.equal(['errors.ts', 'index.ts'])
  })

  it('errors.ts imports nothing', () => {
    expect(graph.get(join(LIB, 'errors.ts'))).to.deep.equal([])
  })
})

describe('layout: ESLint refuses an import against the direction of the layers', function () {
  this.timeout(60_000)
  const eslint = new ESLint({ cwd: REPO })
  /** [file, specifier]: each folder reaching one layer above it (or the emulator the signer). */
  const wrongWay: Array<[string, string]> = [
    ['lib/common/probe.ts', '../sigv4/constants'],
    ['lib/platform/probe.ts', '../aws/services'],
    ['lib/aws/probe.ts', '../sigv4/constants'],
    ['lib/sigv4/probe.ts', '../exchange/types'],
    ['lib/credentials/probe.ts', '../exchange/types'],
    ['lib/exchange/probe.ts', '../connection/types'],
    ['lib/connection/probe.ts', '../cli/constants'],
    ['lib/testing/probe.ts', '../exchange/request-signer'],
    ['lib/testing/store/probe.ts', '../../credentials/cache'],
    ['lib/sigv4/probe.ts', '../index'],
  ]
  const rightWay: Array<[string, string]> = [
    ['lib/sigv4/probe.ts', '../platform/smithy-loader'],
    ['lib/exchange/probe.ts', '../credentials/cache'],
    ['lib/testing/store/probe.ts', '../../aws/services'],
    ['lib/cli/probe.ts', '../connection/types'],
  ]

  async function restricted(file: string, specifier: string): Promise<boolean> {
    const code = `import type * as M from '${specifier}'\nexport type X = typeof M\n`
    const [result] = await eslint.lintText(code, { filePath: join(REPO, file) })
    return result.messages.some((m) => m.ruleId === 'no-restricted-imports')
  }

  for (const [file, specifier] of wrongWay) {
    it(`${file}: import type from '${specifier}' fails`, async () => {
      expect(await restricted(file, specifier)).to.equal(true)
    })
  }
  for (const [file, specifier] of rightWay) {
    it(`${file}: import type from '${specifier}' passes`, async () => {
      expect(await restricted(file, specifier)).to.equal(false)
    })
  }
})
