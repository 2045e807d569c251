// aws-sdk v2 credentials objects (`AWS.config.credentials`), as migrants from the 7.x connectors
// pass them: used as a provider through getPromise(), their expireTime honoured.
import { expect } from 'chai'
import { CORE_VARIANTS } from '../support/client-variants'
import { emulatorPerSuite } from '../support/emulator-suite'
import { V2Credentials } from '../support/aws-sdk-v2-credentials'

const REGION = 'eu-west-1'
const OLD = {
  accessKeyId: 'ASIAV2OLDKEY',
  secretAccessKey: 'v2/old+secret',
  sessionToken: 'v2-old-token',
}
const NEW = {
  accessKeyId: 'ASIAV2NEWKEY',
  secretAccessKey: 'v2/new+secret',
  sessionToken: 'v2-new-token',
}

for (const variant of CORE_VARIANTS) {
  describe(`e2e aws-sdk v2 credentials object: ${variant.name}`, function () {
    this.timeout(30_000)
    const suite = emulatorPerSuite({
      credentials: [OLD, NEW],
      region: REGION,
      engine: variant.engine,
    })
    before(() => suite.emu.revoke(OLD.accessKeyId))

    it('an object whose keys expired an hour ago: getPromise() refreshes them, the request succeeds', async () => {
      const hourAgo = new Date(Date.now() - 3600_000)
      const v2 = new V2Credentials(
        () => ({ ...NEW, expireTime: new Date(Date.now() + 3600_000) }),
        Date.now,
        { ...OLD, expireTime: hourAgo },
      )
      const client = suite.track(variant.make(suite.emu.url, { region: REGION, credentials: v2 }))
      await client.info()
      await client.info()
      expect(v2.calls.getPromise).to.equal(1)
      expect(v2.calls.load).to.equal(1)
      const verdicts = suite.emu.verdicts
      expect(verdicts.map((v) => [v.accessKeyId, v.ok])).to.deep.equal(
        verdicts.map(() => [NEW.accessKeyId, true]),
      )
      expect(verdicts.length).to.be.at.least(2)
    })

    it('an object not loaded yet (no keys until getPromise): accepted, loaded on the first request', async () => {
      const v2 = new V2Credentials(() => ({ ...NEW, expireTime: null }))
      const client = suite.track(variant.make(suite.emu.url, { region: REGION, credentials: v2 }))
      await client.info()
      expect(v2.calls.getPromise).to.equal(1)
      expect(suite.emu.verdicts.every((v) => v.ok && v.accessKeyId === NEW.accessKeyId)).to.equal(
        true,
      )
    })
  })
}
