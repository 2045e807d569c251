// @smithy/signature-v4 is loaded by the first signature that needs it (a custom sha256), not
// with the package nor by signing with Node's hash, in both builds.
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { smithySigner } from '../../lib/platform/smithy-loader'
import { buildIfStale } from '../package/support'

const DIST = join(__dirname, '..', '..', 'dist')

function run(args: string[]): Promise<Record<string, boolean>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env: { PATH: process.env.PATH } }, (err, out, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(out)),
    )
  })
}

// `loaded()` looks for the packages in the CommonJS module cache, which holds them however
// they were loaded (both are CommonJS only under Node).
const LOADED = `(name) => Object.keys(cache).some((k) => k.includes('/node_modules/' + name + '/'))`

describe('smithySigner: @smithy/signature-v4 on first use', function () {
  this.timeout(30_000)
  before(() => buildIfStale())

  it('is the package itself, loaded once', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(smithySigner()).to.equal(require('@smithy/signature-v4'))
    expect(smithySigner()).to.equal(smithySigner())
  })

  /**
   * Loads a build, then signs one request through the client with Node's hash and one with a
   * custom sha256; reports what was loaded when.
   */
  const probe = (load: (entry: string) => string, entry: string): string => `
    const { createServer } = await import('node:http')
    const { Client } = await import('@elastic/elasticsearch')
    const lib = ${load(entry)}
    const atLoad = { signer: loaded('@smithy/signature-v4'), core: loaded('@smithy/core') }
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      res.setHeader('x-elastic-product', 'Elasticsearch')
      res.end('{}')
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { Sha256 } = await import('@aws-crypto/sha256-js')
    const send = async (sha256) => {
      const Connection = lib.createAwsSigV4Connection({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDPROBE', secretAccessKey: 'probe-secret' },
        ...(sha256 ? { sha256 } : {}),
      })
      const client = new Client({ node: 'http://127.0.0.1:' + server.address().port, Connection })
      await client.transport.request({ method: 'GET', path: '/' })
      await client.close()
    }
    await send(undefined)
    const afterNative = loaded('@smithy/signature-v4')
    await send(Sha256)
    server.close()
    console.log(JSON.stringify({ ...atLoad, afterNative, afterCustom: loaded('@smithy/signature-v4') }))`

  it('CommonJS build: not loaded with the package nor by a native signature, loaded by the first with a custom sha256', async () => {
    const body = probe((e) => `require(${JSON.stringify(e)})`, join(DIST, 'index.js'))
    const out = await run([
      '-e',
      `const cache = require.cache; const loaded = ${LOADED}; (async () => { ${body} })()`,
    ])
    expect(out).to.deep.equal({
      signer: false,
      core: false,
      afterNative: false,
      afterCustom: true,
    })
  })

  it('ESM build: not loaded with the package nor by a native signature, loaded by the first with a custom sha256', async () => {
    const body = probe((e) => `await import(${JSON.stringify(e)})`, join(DIST, 'esm', 'index.js'))
    const out = await run([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module'
       const cache = createRequire(import.meta.url).cache; const loaded = ${LOADED}
       ${body}`,
    ])
    expect(out).to.deep.equal({
      signer: false,
      core: false,
      afterNative: false,
      afterCustom: true,
    })
  })
})
