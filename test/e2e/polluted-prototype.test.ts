import { expect } from 'chai'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CORE_VARIANTS } from '../support/client-variants'
import { withPollutedPrototype } from '../support/polluted-prototype'

/**
 * A dependency elsewhere in the process pollutes `Object.prototype` with `signingHost` before
 * the client is made: every plain object then seems to carry it, the options object included.
 * Options are own properties only, so requests are signed for and sent to the node, not to the
 * polluted host. On every client of both lineages.
 */

const REGION = 'eu-west-1'
const CREDS = { accessKeyId: 'AKIDPOLLUTED', secretAccessKey: 'polluted/secret' }

for (const variant of CORE_VARIANTS) {
  describe(`e2e polluted Object.prototype: ${variant.name}`, function () {
    this.timeout(30_000)
    let emu: Emulator

    before(async () => {
      emu = await startEmulator({ credentials: CREDS, region: REGION, engine: variant.engine })
    })
    after(() => emu.close())

    it('signingHost on the prototype: signed for and sent to the node host', async () => {
      const hosts: string[] = []
      const off = emu.onRequest(({ headers }) => void hosts.push(headers.host))
      const client = await withPollutedPrototype({ signingHost: 'attacker.example' }, () =>
        variant.make(emu.url, { region: REGION, credentials: CREDS }),
      )
      try {
        await client.index({ index: 'polluted', id: '1', document: { n: 1 } })
      } finally {
        off()
        await client.close()
      }
      expect(hosts.length).to.be.greaterThan(0)
      expect(new Set(hosts)).to.deep.equal(new Set([new URL(emu.url).host]))
      expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
    })
  })
}
