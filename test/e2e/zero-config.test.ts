import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import { AwsSigV4Connection } from '../../lib'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'

/**
 * The acceptance run: only AWS_REGION and credentials in the environment, and
 * `Connection: AwsSigV4Connection`, against an Amazon-domain emulator, on client 9 and 8.
 */
const ENV_CREDS = {
  accessKeyId: 'AKIDZEROCONFIG',
  secretAccessKey: 'zero/config+secret',
  sessionToken: 'zero-config-session-token',
}
const ENV_KEYS = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
] as const

describe('e2e zero configuration: AwsSigV4Connection with credentials from the environment', function () {
  this.timeout(60_000)
  let emu: Emulator
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string | undefined>> = {}

  before(async () => {
    for (const k of ENV_KEYS) saved[k] = process.env[k]
    process.env.AWS_REGION = 'ap-southeast-2'
    process.env.AWS_ACCESS_KEY_ID = ENV_CREDS.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = ENV_CREDS.secretAccessKey
    process.env.AWS_SESSION_TOKEN = ENV_CREDS.sessionToken
    delete process.env.AWS_PROFILE
    emu = await startEmulator({ credentials: ENV_CREDS, region: 'ap-southeast-2', service: 'es' })
  })
  after(async () => {
    await emu.close()
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  })

  for (const [name, Client] of [
    ['9.x', es9.Client],
    ['8.x', es8.Client],
  ] as const) {
    it(`client ${name}: info, index, get, update, delete, search, count, bulk, helpers, scroll`, async () => {
      const client = new (Client as typeof es9.Client)({
        node: emu.url,
        Connection: AwsSigV4Connection,
      })
      const index = `zero-${name.replace('.', '')}`
      try {
        expect((await client.info()).version.number).to.be.a('string')
        await client.indices.create({ index })
        await client.index({ index, id: 'a/b c', document: { msg: 'hello' } })
        expect((await client.get({ index, id: 'a/b c' }))._id).to.equal('a/b c')
        await client.update({ index, id: 'a/b c', doc: { more: true } })
        await client.index({ index, id: 'gone', document: { msg: 'bye' } })
        await client.delete({ index, id: 'gone' })
        await client.bulk({
          refresh: true,
          operations: [{ index: { _index: index, _id: '2' } }, { msg: 'hello again' }],
        })
        const res = await client.helpers.bulk({
          datasource: Array.from({ length: 50 }, (_, i) => ({ msg: `hello ${i}` })),
          onDocument: () => ({ index: { _index: index } }),
          refreshOnCompletion: true,
        })
        expect(res.failed).to.equal(0)
        expect((await client.search({ index, q: 'msg:hello' })).hits.hits.length).to.be.greaterThan(
          0,
        )
        expect(
          (await client.search({ index, query: { match: { msg: 'hello' } } })).hits.hits.length,
        ).to.be.greaterThan(0)
        expect((await client.count({ index })).count).to.equal(52)
        expect(
          (await client.helpers.search({ index, query: { match_all: {} }, size: 100 })).length,
        ).to.equal(52)
        const page = await client.search({ index, scroll: '30s', size: 10 })
        const next = await client.scroll({ scroll_id: page._scroll_id!, scroll: '30s' })
        expect(next.hits.hits.length).to.equal(10)
        await client.clearScroll({ scroll_id: next._scroll_id! })
      } finally {
        await client.close()
      }
      const failed = emu.verdicts.filter((v) => !v.ok)
      expect(failed, JSON.stringify(failed)).to.have.length(0)
      expect(emu.verdicts.every((v) => v.accessKeyId === ENV_CREDS.accessKeyId)).to.equal(true)
    })
  }
})
