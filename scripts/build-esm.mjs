// Runs after `tsc -p tsconfig.build.json` (see the `build` script) and adds the ESM side of the
// package to dist/:
//
// - dist/esm/: what `import` loads, lib/ as ES modules. It imports `@elastic/elasticsearch` by
//   `import`, so it extends the client's ESM build, where an ESM user's `Client` comes from (the
//   client is a dual package), and a bundle holds one build of the client.
//   - One file per entry (index.js, testing/index.js, proxy/index.js) plus the modules they
//     share: esbuild, with every package left an import. Node's ESM loader pays per module
//     (measured: the same code as 28 files added 12 % to loading the client, as one file 0 %);
//     the proxy's entry adds one shared module to index.js's (what it shares with the proxy).
//   - Modules that differ by module system live in lib/platform/, and their ESM variants in
//     lib/platform/esm/ (client-loader.ts, smithy-loader.ts), built in their place. Those read
//     `#clients` and `#smithy-signer`, whose targets (lib/platform/esm/*.bundler.ts and
//     *.node.ts) are files of their own, mapped per environment by lib/platform/esm/package.json,
//     which becomes dist/esm/package.json.
// - dist/**/*.d.mts: an ESM copy of every declaration file, with relative specifiers pointing at
//   the .d.mts siblings. A .d.mts that merely re-exported the .d.ts would make TypeScript read
//   the whole tree in CommonJS mode, so `@elastic/elasticsearch` would resolve to its CommonJS
//   types even in an ESM consumer, and (since 9.x ships separate ESM types) the connection class
//   would not be assignable to the ESM `Client`'s `Connection` option.
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const lib = join(root, 'lib')
const platform = join(lib, 'platform')
const variants = join(platform, 'esm')
const dist = join(root, 'dist')
const esm = join(dist, 'esm')

if (!existsSync(join(dist, 'index.js'))) {
  throw new Error(`${dist}/index.js not found: run tsc -p tsconfig.build.json first`)
}

const esmPackage = JSON.parse(readFileSync(join(variants, 'package.json'), 'utf8'))
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages (dependencies, the client) stay imports, resolved where this package is installed;
  // the `#` imports stay too, for dist/esm/package.json to map.
  packages: 'external',
  external: Object.keys(esmPackage.imports),
  logLevel: 'warning',
}

/** lib/platform/x.ts, wherever it is imported from, is lib/platform/esm/x.ts when that exists. */
const esmVariants = {
  name: 'esm-variants',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'esm-variants') return undefined
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: 'esm-variants',
      })
      if (resolved.errors.length > 0 || dirname(resolved.path) !== platform) return resolved
      const variant = join(variants, basename(resolved.path))
      return existsSync(variant) ? { path: variant } : resolved
    })
  },
}

rmSync(esm, { recursive: true, force: true })
await build({
  ...common,
  entryPoints: {
    index: join(lib, 'index.ts'),
    'testing/index': join(lib, 'testing', 'index.ts'),
    'proxy/index': join(lib, 'cli', 'proxy', 'index.ts'),
  },
  outdir: esm,
  // Modules both entries use are one shared module, so their classes are the same objects.
  splitting: true,
  chunkNames: 'shared-[hash]',
  plugins: [esmVariants],
})
const targets = Object.values(esmPackage.imports).flatMap((conditions) => Object.values(conditions))
await build({
  ...common,
  entryPoints: targets.map((target) => join(variants, target.replace(/\.js$/, '.ts'))),
  outdir: esm,
})
copyFileSync(join(variants, 'package.json'), join(esm, 'package.json'))

// ESM declarations beside the CommonJS ones.
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
  const esmDeclarations = source.replace(
    relativeSpecifier,
    (_m, lead, quote, specifier) => `${lead}${quote}${toEsmSpecifier(file, specifier)}${quote}`,
  )
  writeFileSync(file.replace(/\.d\.ts$/, '.d.mts'), esmDeclarations)
}
