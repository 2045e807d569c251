// node:worker_threads for the off-thread hasher, loaded on first use in both builds, and the ESM
// variant still loading when a bundler turns it into CommonJS (esbuild for a Lambda), where
// `import.meta.url` is undefined.
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { loadWorkerThreads } from '../../lib/platform/worker-loader'

const ESM_VARIANT = join(__dirname, '..', '..', 'lib', 'platform', 'esm', 'worker-loader.ts')

function run(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { timeout: 20_000 }, (err, out, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out.trim()),
    )
  })
}

describe('loadWorkerThreads: node:worker_threads on first use', function () {
  this.timeout(30_000)

  it('is the builtin itself, loaded once', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(loadWorkerThreads()).to.equal(require('node:worker_threads'))
    expect(loadWorkerThreads()).to.equal(loadWorkerThreads())
  })

  it('the ESM variant bundled to CommonJS loads, and gives the module when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esv4-worker-loader-'))
    try {
      const out = join(dir, 'bundle.cjs')
      await build({
        stdin: {
          contents: [
            `import { loadWorkerThreads } from ${JSON.stringify(ESM_VARIANT)}`,
            `console.log(typeof loadWorkerThreads().Worker)`,
          ].join('\n'),
          resolveDir: dir,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        outfile: out,
        logLevel: 'silent',
      })
      expect(await run(out)).to.equal('function')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
