// Runs after `tsc -p tsconfig.build.json` (see the `build` script) and adds the ESM side of the
// package to dist/:
//
// - dist/<entry>.mjs: a thin ESM entry over the CommonJS build, so `import` and `require` share
//   one module instance (no dual-package hazard) and see the same named exports.
// - dist/**/*.d.mts: an ESM copy of every declaration file, with relative specifiers pointing at
//   the .d.mts siblings. A .d.mts that merely re-exported the .d.ts would make TypeScript read
//   the whole tree in CommonJS mode, so `@elastic/elasticsearch` would resolve to its CommonJS
//   types even in an ESM consumer, and (since 9.x ships separate ESM types) the connection class
//   would not be assignable to the ESM `Client`'s `Connection` option.
//
// Entries whose CommonJS build is missing (e.g. `testing/index` before the emulator exists) are
// skipped with a note.
import { createRequire } from 'node:module'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const require = createRequire(import.meta.url)
const entries = ['index', 'testing/index']

if (!existsSync(join(dist, 'index.js'))) {
  throw new Error(`${dist}/index.js not found: run tsc -p tsconfig.build.json first`)
}

for (const entry of entries) {
  const cjsPath = join(dist, `${entry}.js`)
  if (!existsSync(cjsPath)) {
    console.log(`write-esm-wrappers: dist/${entry}.js not built, skipping its ESM entry`)
    continue
  }
  const names = Object.keys(require(cjsPath)).filter((n) => n !== 'default' && n !== '__esModule')
  const base = posix.basename(entry)
  const lines = [
    `import cjs from './${base}.js'`,
    ...names.map((n) => `export const ${n} = cjs.${n}`),
    '',
  ]
  writeFileSync(join(dist, `${entry}.mjs`), lines.join('\n'))
}

function* declarationFiles(dir) {
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, dirent.name)
    if (dirent.isDirectory()) yield* declarationFiles(path)
    else if (dirent.name.endsWith('.d.ts')) yield path
  }
}

// './x' -> './x.mjs', './x.js' -> './x.mjs', './dir' -> './dir/index.mjs' (as CommonJS resolved it).
function toEsmSpecifier(fromFile, specifier) {
  const target = join(dirname(fromFile), specifier.replace(/\.js$/, ''))
  if (existsSync(`${target}.d.ts`)) return `${specifier.replace(/\.js$/, '')}.mjs`
  if (existsSync(join(target, 'index.d.ts'))) return `${specifier.replace(/\/$/, '')}/index.mjs`
  throw new Error(`${relative(dist, fromFile)}: cannot map relative import '${specifier}' to ESM`)
}

const relativeSpecifier = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]*|\.\.?)\2/g

for (const file of declarationFiles(dist)) {
  const source = readFileSync(file, 'utf8')
  const esm = source.replace(
    relativeSpecifier,
    (_m, lead, quote, specifier) => `${lead}${quote}${toEsmSpecifier(file, specifier)}${quote}`,
  )
  writeFileSync(file.replace(/\.d\.ts$/, '.d.mts'), esm)
}
