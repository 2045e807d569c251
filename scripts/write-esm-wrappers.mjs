// Writes thin ESM entry points over the CommonJS build so that `import` and `require`
// share one module instance (no dual-package hazard) and get the same named exports.
import { createRequire } from 'node:module'
import { writeFileSync, existsSync } from 'node:fs'

const require = createRequire(import.meta.url)
const entries = ['index', 'testing/index']

for (const entry of entries) {
  const cjsPath = `./dist/${entry}.js`
  if (!existsSync(cjsPath)) continue
  const names = Object.keys(require(`../dist/${entry}.js`)).filter(
    (n) => n !== 'default' && n !== '__esModule',
  )
  const base = entry.split('/').pop()
  const lines = [
    `import cjs from './${base}.js'`,
    ...names.map((n) => `export const ${n} = cjs.${n}`),
    '',
  ]
  writeFileSync(`./dist/${entry}.mjs`, lines.join('\n'))
  writeFileSync(`./dist/${entry}.d.mts`, `export * from './${base}.js'\n`)
}
