import { expect } from 'chai'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CORE_VARIANTS } from '../support/client-variants'

/**
 * SigV4 owns `authorization`, `host`, `x-amz-date`, `x-amz-content-sha256` and
 * `x-amz-security-token`. Set as a node's own headers (`node: { url, headers }`, which the base
 * connection adds to every request) or as the client's default headers, in any letter case, none
 * of them goes out beside the signed ones: a stray session token would make AWS refuse (it must
 * be signed) or, worse, stand in for the one signed.
 */

const REGION = 'eu-west-1'
const CREDS = { accessKeyId: 'AKIDOWNED', secretAccessKey: 'owned/secret' }
const STRAY = {
  'X-Amz-Security-Token': 'stray-token',
  Authorization: 'Basic c3RyYXk6c3RyYXk=',
  'X-Amz-Date': '20000101T000000Z',
  'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  'X-Kept': 'yes',
}

for (const variant of CORE_VARIANTS) {
  describe(`e2e SigV4's own headers set by the user: ${variant.name}`, function () {
    this.timeout(30_000)
    let emu: Emulator

    before(async () => {
      emu = await startEmulator({ credentials: CREDS, region: REGION, engine: variant.engine })
    })
    after(() => emu.close())

    const cases = [
      ['as node headers', (url: string) => ({ node: { url: new URL(url), headers: STRAY } })],
      ['as client headers', () => ({ headers: STRAY })],
    ] as const

    for (const [name, extra] of cases) {
      it(`${name}: only the signed ones go out`, async () => {
        emu.clearVerdicts()
        const seen: Array<Record<string, string>> = []
        const off = emu.onRequest(({ headers }) => void seen.push({ ...headers }))
        const client = variant.make(emu.url, { region: REGION, credentials: CREDS }, extra(emu.url))
        try {
          await client.index({ index: 'owned', id: '1', document: { n: 1 } })
        } finally {
          off()
          await client.close()
        }
        expect(emu.verdicts.map((v) => v.reason)).to.satisfy((r: string[]) =>
          r.every((x) => x === 'ok'),
        )
        expect(seen.length).to.be.greaterThan(0)
        for (const headers of seen) {
          expect(headers).not.to.have.property('x-amz-security-token')
          expect(headers.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=AKIDOWNED\//)
          expect(headers['x-amz-date']).not.to.include('20000101')
          expect(headers['x-amz-content-sha256']).to.match(/^[0-9a-f]{64}$/)
          expect(headers['x-kept']).to.equal('yes')
        }
      })
    }
  })
}
