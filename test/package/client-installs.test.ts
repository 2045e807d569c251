// The packed package installed as users of the callback-lineage clients get it, offline from
// the npm cache (support.ts, installFromCache), then used from a fresh Node process against the
// verifying emulator (run here, in the test process):
//
// - beside @elastic/elasticsearch 7.17 under its real name: zero configuration, i.e.
//   `AwsSigV4Connection` extends 7.17's own `Connection`;
// - beside the OpenSearch client only, without @elastic/elasticsearch: loading works, the
//   OpenSearch `Connection` is signed, and only asking for the default base fails, clearly.
// Each from `require` and from `import` (the ESM build reaches the clients its own way,
// lib/platform/esm/client-loader.ts).
import { expect } from 'chai'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { PKG_NAME, REPO, buildIfStale, installFromCache, packInto, run } from './support'
import { withoutNock } from '../reliability/support'

const CREDS = {
  accessKeyId: 'AKIDINSTALLED',
  secretAccessKey: 'installed/secret+key',
  sessionToken: 'installed-session-token',
}
const REGION = 'eu-west-1'

/** Only the region and credentials in the environment, as for zero configuration. */
const ENV = {
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
  AWS_SESSION_TOKEN: CREDS.sessionToken,
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  AWS_EC2_METADATA_DISABLED: 'true',
}

const ZERO_CONFIG_717 = `
'use strict'
const assert = require('node:assert/strict')
const { Client, Connection } = require('@elastic/elasticsearch')
const { AwsSigV4Connection } = require('${PKG_NAME}')
assert.ok(AwsSigV4Connection.prototype instanceof Connection, 'extends 7.17 Connection')
const client = new Client({ node: process.env.ES_NODE, Connection: AwsSigV4Connection })
;(async () => {
  await client.index({ index: 'zero', id: 'a/b c', body: { msg: 'hello' }, refresh: true })
  const doc = await client.get({ index: 'zero', id: 'a/b c' })
  const info = await client.info()
  await client.close()
  console.log(JSON.stringify({
    name: AwsSigV4Connection.name,
    source: doc.body._source,
    version: info.body.version,
  }))
})().catch((err) => { console.error(err); process.exit(1) })
`

/** The same from ESM; 7.17's ESM entry re-exports its CommonJS build, so `Connection` is one class. */
const ZERO_CONFIG_717_ESM = `
import assert from 'node:assert/strict'
import { Client, Connection } from '@elastic/elasticsearch'
import { AwsSigV4Connection } from '${PKG_NAME}'
assert.ok(AwsSigV4Connection.prototype instanceof Connection, 'extends 7.17 Connection')
const client = new Client({ node: process.env.ES_NODE, Connection: AwsSigV4Connection })
await client.index({ index: 'zero', id: 'a/b c', body: { msg: 'hello' }, refresh: true })
const doc = await client.get({ index: 'zero', id: 'a/b c' })
const info = await client.info()
await client.close()
console.log(JSON.stringify({
  name: AwsSigV4Connection.name,
  source: doc.body._source,
  version: info.body.version,
}))
`

const OPENSEARCH_ONLY = `
'use strict'
const assert = require('node:assert/strict')
const { Client, Connection } = require('@opensearch-project/opensearch')
const pkg = require('${PKG_NAME}')
assert.throws(() => require.resolve('@elastic/elasticsearch'), { code: 'MODULE_NOT_FOUND' })
const refusals = []
for (const ask of [
  () => new Client({ node: process.env.ES_NODE, Connection: pkg.AwsSigV4Connection }),
  () => pkg.createAwsSigV4Connection({ region: 'eu-west-1' }),
]) {
  try { ask(); refusals.push(null) } catch (err) {
    refusals.push({ name: err.name, option: err.option, message: err.message, isConfig: err instanceof pkg.AwsSigV4ConfigurationError })
  }
}
const client = new Client({
  node: process.env.ES_NODE,
  Connection: pkg.createAwsSigV4Connection({ baseConnection: Connection }),
})
;(async () => {
  await client.index({ index: 'os', id: 'x/1', body: { msg: 'hello' }, refresh: true })
  const found = await client.search({ index: 'os', q: 'msg:hello' })
  await client.close()
  console.log(JSON.stringify({ refusals, hits: found.body.hits.total.value }))
})().catch((err) => { console.error(err); process.exit(1) })
`

const OPENSEARCH_ONLY_ESM = `
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { Client, Connection } from '@opensearch-project/opensearch'
import * as pkg from '${PKG_NAME}'
assert.throws(() => createRequire(import.meta.url).resolve('@elastic/elasticsearch'), { code: 'MODULE_NOT_FOUND' })
const refusals = []
for (const ask of [
  () => new Client({ node: process.env.ES_NODE, Connection: pkg.AwsSigV4Connection }),
  () => pkg.createAwsSigV4Connection({ region: 'eu-west-1' }),
]) {
  try { ask(); refusals.push(null) } catch (err) {
    refusals.push({ name: err.name, option: err.option, message: err.message, isConfig: err instanceof pkg.AwsSigV4ConfigurationError })
  }
}
const client = new Client({
  node: process.env.ES_NODE,
  Connection: pkg.createAwsSigV4Connection({ baseConnection: Connection }),
})
await client.index({ index: 'os', id: 'x/1', body: { msg: 'hello' }, refresh: true })
const found = await client.search({ index: 'os', q: 'msg:hello' })
await client.close()
console.log(JSON.stringify({ refusals, hits: found.body.hits.total.value }))
`

describe('npm package installed beside the 7.x or the OpenSearch client (offline)', function () {
  this.timeout(180_000)
  withoutNock()
  let scratch: string
  let tarball: string
  const emulators: Emulator[] = []

  before(async () => {
    await buildIfStale()
    scratch = mkdtempSync(join(tmpdir(), 'esv4-installs-'))
    tarball = join(scratch, (await packInto(scratch)).filename)
  })
  after(async () => {
    for (const emu of emulators) await emu.close()
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  })

  const emulator = async (engine: 'elasticsearch7' | 'opensearch'): Promise<Emulator> => {
    const emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es', engine })
    emulators.push(emu)
    return emu
  }

  it('beside @elastic/elasticsearch 7.17: require() and import work, AwsSigV4Connection extends its Connection, requests verify', async () => {
    const dir = join(scratch, 'es717')
    const installed = await installFromCache(dir, tarball, { '@elastic/elasticsearch': 'es717' })
    expect(installed.code, installed.stderr).to.equal(0)
    const client = JSON.parse(
      readFileSync(join(dir, 'node_modules', '@elastic', 'elasticsearch', 'package.json'), 'utf8'),
    ) as { version: string }
    expect(client.version).to.match(/^7\.17\./)

    for (const [file, script] of [
      ['zero-config.cjs', ZERO_CONFIG_717],
      ['zero-config.mjs', ZERO_CONFIG_717_ESM],
    ]) {
      const emu = await emulator('elasticsearch7')
      writeFileSync(join(dir, file), script)
      const r = await run(process.execPath, [file], {
        cwd: dir,
        env: { ...ENV, ES_NODE: emu.url },
      })
      expect(r.code, `${file}: ${r.stderr}`).to.equal(0)
      expect(JSON.parse(r.stdout), file).to.deep.include({
        name: 'AwsSigV4Connection',
        source: { msg: 'hello' },
      })
      // client.info() shows the engine's own answer; the product check was adapted, not info().
      expect(JSON.parse(r.stdout).version).to.include({ number: '7.10.2', build_flavor: 'oss' })
      expect(
        emu.verdicts.map((v) => [v.method, v.ok, v.accessKeyId]),
        file,
      ).to.deep.equal([
        ['GET', true, CREDS.accessKeyId],
        ['PUT', true, CREDS.accessKeyId],
        ['GET', true, CREDS.accessKeyId],
        ['GET', true, CREDS.accessKeyId],
      ])
      expect(r.stdout + r.stderr).not.to.include(CREDS.secretAccessKey)
    }
  })

  it('beside the OpenSearch client only: loading works (require and import), its Connection signs; the default base fails clearly', async () => {
    const dir = join(scratch, 'opensearch')
    const installed = await installFromCache(dir, tarball, {
      '@opensearch-project/opensearch': '@opensearch-project/opensearch',
    })
    expect(installed.code, installed.stderr).to.equal(0)

    for (const [file, script] of [
      ['opensearch-only.cjs', OPENSEARCH_ONLY],
      ['opensearch-only.mjs', OPENSEARCH_ONLY_ESM],
    ]) {
      const emu = await emulator('opensearch')
      writeFileSync(join(dir, file), script)
      const r = await run(process.execPath, [file], {
        cwd: dir,
        env: { ...ENV, ES_NODE: emu.url },
      })
      expect(r.code, `${file}: ${r.stderr}`).to.equal(0)
      const out = JSON.parse(r.stdout) as {
        refusals: Array<{ name: string; option: string; message: string; isConfig: boolean }>
        hits: number
      }
      expect(out.hits, file).to.equal(1)
      expect(out.refusals).to.have.length(2)
      for (const refusal of out.refusals) {
        expect(refusal, file).to.include({
          name: 'AwsSigV4ConfigurationError',
          option: 'baseConnection',
          isConfig: true,
        })
        expect(refusal.message).to.match(/^@elastic\/elasticsearch is not installed/)
        expect(refusal.message).to.include('baseConnection: Connection')
      }
      expect(emu.verdicts.length).to.be.greaterThan(0)
      expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
    }
  })

  it('the lockfile the installs use is cut from this repo: same versions as the tests ran', () => {
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>
    }
    const scratchLock = JSON.parse(
      readFileSync(join(scratch, 'es717', 'package-lock.json'), 'utf8'),
    ) as { packages: Record<string, { version?: string }> }
    expect(scratchLock.packages['node_modules/@elastic/elasticsearch'].version).to.equal(
      lock.packages['node_modules/es717'].version,
    )
    expect(scratchLock.packages['node_modules/@aws-sdk/credential-provider-node'].version).to.equal(
      lock.packages['node_modules/@aws-sdk/credential-provider-node'].version,
    )
  })
})
