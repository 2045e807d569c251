// Runs after `tsc -p tsconfig.build.json` (see the `build` script) and adds the ESM side of the
// package to dist/:
//
// - dist/esm/: lib/ compiled as ES modules (tsconfig.esm.json), what `import` loads. It imports
//   `@elastic/elasticsearch` by `import`, so it extends the client's ESM build, where an ESM user's
//   `Client` comes from (the client is a dual package), and a bundle holds one build of the
//   client. lib/esm/ holds the ESM variants of modules that differ by module system
//   (default-base.ts): compiled to dist/esm/esm/, with lib/esm/package.json beside them (ESM,
//   and the `#elastic-client` map), and re-exported in place of their CommonJS counterparts.
// - dist/**/*.d.mts: an ESM copy of every declaration file, with relative specifiers pointing at
//   the .d.mts siblings. A .d.mts that merely re-exported the .d.ts would make TypeScript read
//   the whole tree in CommonJS mode, so `@elastic/elasticsearch` would resolve to its CommonJS
//   types even in an ESM consumer, and (since 9.x ships separate ESM types) the connection class
//   would not be assignable to the ESM `Client`'s `Connection` option.
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const esm = join(dist, 'esm')

if (!existsSync(join(dist, 'index.js'))) {
  throw new Error(`${dist}/index.js not found: run tsc -p tsconfig.build.json first`)
}

function* filesEndingWith(dir, suffix) {
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, dirent.name)
    if (dirent.isDirectory()) yield* filesEndingWith(path, suffix)
    else if (dirent.name.endsWith(suffix)) yield path
  }
}

const relativeSpecifier = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]*|\.\.?)\2/g

/**
 * Rewrites every relative specifier of `file` with `map(file, specifier)`: Node's ESM loader
 * wants the file itself, where CommonJS (and tsc's output) found `./x` and `./dir`.
 */
function rewriteRelativeSpecifiers(file, map, out = file) {
  const source = readFileSync(file, 'utf8')
  const rewritten = source.replace(
    relativeSpecifier,
    (_m, lead, quote, specifier) => `${lead}${quote}${map(file, specifier)}${quote}`,
  )
  writeFileSync(out, rewritten)
}

/** `./x` -> `./x<ext>`, `./dir` -> `./dir/index<ext>`, for the sibling that `probe` finds. */
function explicit(ext, probe) {
  return (fromFile, specifier) => {
    const bare = specifier.replace(/\.js$/, '')
    const target = join(dirname(fromFile), bare)
    if (existsSync(`${target}${probe}`)) return `${bare}${ext}`
    if (existsSync(join(target, `index${probe}`)) && statSync(target).isDirectory()) {
      return `${bare.replace(/\/$/, '')}/index${ext}`
    }
    throw new Error(`${relative(dist, fromFile)}: cannot map relative import '${specifier}' to ESM`)
  }
}

// 1. The ESM build.
rmSync(esm, { recursive: true, force: true })
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.esm.json')], { stdio: 'inherit' })
writeFileSync(
  join(esm, 'package.json'),
  `${JSON.stringify({ type: 'module', sideEffects: false })}\n`,
)
copyFileSync(join(root, 'lib', 'esm', 'package.json'), join(esm, 'esm', 'package.json'))
// dist/esm/x.js is lib/x.ts, the CommonJS variant: where lib/esm/x.ts exists, x.js is it instead.
for (const file of readdirSync(join(root, 'lib', 'esm')).filter((f) => f.endsWith('.ts'))) {
  const name = file.replace(/\.ts$/, '.js')
  if (existsSync(join(esm, name))) writeFileSync(join(esm, name), `export * from './esm/${name}'\n`)
}
for (const file of filesEndingWith(esm, '.js')) {
  rewriteRelativeSpecifiers(file, explicit('.js', '.js'))
}

// 2. ESM declarations beside the CommonJS ones.
for (const file of filesEndingWith(dist, '.d.ts')) {
  rewriteRelativeSpecifiers(file, explicit('.mjs', '.d.ts'), file.replace(/\.d\.ts$/, '.d.mts'))
}
