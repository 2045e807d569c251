import { expect } from 'chai'
import type { Client } from '@elastic/elasticsearch'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CALLBACK_VARIANTS, CLIENT_VARIANTS } from '../support/client-variants'

/**
 * A repeated query key's values go out in the order the caller gave them: OpenSearch and
 * Elasticsearch take the last one, so `size=5&size=10` asks for 10. The signature covers the
 * canonical (sorted) query, which the emulator, like AWS, rebuilds from what arrives.
 */

const REGION = 'eu-west-1'
const CREDS = { accessKeyId: 'AKIDQUERYORDER', secretAccessKey: 'query/order+secret' }
const QUERY = 'size=5&size=10&from=1'

const clients = [
  ...CLIENT_VARIANTS.map((v) => ({
    name: v.name,
    send: (url: string) => {
      // The same call on every 8.x/9.x client; typed as the installed one's.
      const client = v.make(url, { region: REGION, credentials: CREDS }) as Client
      return client.transport
        .request({ method: 'GET', path: '/ordered/_search', querystring: QUERY })
        .finally(() => client.close())
    },
  })),
  ...CALLBACK_VARIANTS.map((v) => ({
    name: v.name,
    send: (url: string) => {
      const client = v.make(url, { region: REGION, credentials: CREDS })
      return client.transport
        .request({ method: 'GET', path: '/ordered/_search', querystring: QUERY })
        .finally(() => client.close())
    },
  })),
]

describe('e2e: repeated query keys keep their order on the wire', function () {
  this.timeout(30_000)
  let emu: Emulator

  before(async () => {
    emu = await startEmulator({ credentials: CREDS, region: REGION, engine: 'elasticsearch7' })
  })
  after(() => emu.close())

  for (const client of clients) {
    it(`${client.name}: arrives as ${QUERY}, and verifies`, async () => {
      emu.clearVerdicts()
      const queries: string[] = []
      const off = emu.onRequest(({ path, query }) => {
        if (path !== '/ordered/_search') return
        queries.push(query)
        return { status: 200, body: { hits: { hits: [] } } }
      })
      try {
        await client.send(emu.url)
      } finally {
        off()
      }
      expect(queries).to.deep.equal([QUERY])
      expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
    })
  }
})
