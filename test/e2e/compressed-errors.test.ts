import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CLIENT_VARIANTS } from '../support/client-variants'

/**
 * With `compression: true` the client asks for gzip, and a server that honours it gzips its
 * refusals too. The connection decodes such a body before it classifies, redacts and debugs it,
 * and hands the client a body it can read: AWS's message in `err.message`, `sigv4_debug` in
 * `err.body`, the echoed token redacted, and a rejected token recovered from.
 */

const REGION = 'eu-west-1'
const CREDS = {
  accessKeyId: 'AKIDGZIP',
  secretAccessKey: 'gzip/secret+key',
  sessionToken: 'gzip-session-token-VALUE',
}

for (const variant of CLIENT_VARIANTS) {
  describe(`e2e compressed error bodies: ${variant.name}`, function () {
    this.timeout(30_000)
    let emu: Emulator
    let wrong: Emulator

    before(async () => {
      emu = await startEmulator({
        credentials: CREDS,
        region: REGION,
        service: 'es',
        compressResponses: true,
      })
      // The same key with another secret: every signature is a mismatch.
      wrong = await startEmulator({
        credentials: { ...CREDS, secretAccessKey: 'another-secret' },
        region: REGION,
        service: 'es',
        compressResponses: true,
      })
    })
    after(async () => {
      await emu.close()
      await wrong.close()
    })

    it('a gzipped mismatch 403: AWS message, sigv4_debug and the token redacted', async () => {
      const client = variant.make(
        wrong.url,
        { region: REGION, credentials: CREDS },
        { compression: true },
      ) as es9.Client
      const err = (await client
        .search({ index: 'i', q: 'a' })
        .catch((e: unknown) => e)) as InstanceType<typeof es9.errors.ResponseError>
      await client.close()
      expect(err.name).to.equal('ResponseError')
      expect(err.meta.statusCode).to.equal(403)
      const body = err.body as { message: string; sigv4_debug?: { canonicalRequest: string } }
      expect(body.message).to.match(/^The request signature we calculated does not match/)
      expect(body.sigv4_debug?.canonicalRequest).to.include(
        'x-amz-security-token:<redacted session token>',
      )
      expect(err.message).to.include('<redacted session token>')
      expect(err.message).not.to.include(CREDS.sessionToken)
      expect(JSON.stringify(err.meta)).not.to.include(CREDS.sessionToken)
      // It really came compressed.
      expect(wrong.verdicts.at(-1)?.reason).to.equal('signature-mismatch')
    })

    it('a gzipped expired-token 403 is recognised: fresh credentials, one retry, success', async () => {
      let calls = 0
      const client = variant.make(
        emu.url,
        {
          region: REGION,
          credentials: async () => {
            calls += 1
            const key = { ...CREDS, accessKeyId: `${CREDS.accessKeyId}${variant.major}${calls}` }
            emu.addCredentials(key)
            return key
          },
        },
        { compression: true },
      ) as es9.Client
      await client.index({ index: 'gz', id: '1', document: { a: 1 }, refresh: true })
      emu.revoke(`${CREDS.accessKeyId}${variant.major}1`)
      emu.clearVerdicts()
      const res = await client.get({ index: 'gz', id: '1' })
      await client.close()
      expect(res._source).to.deep.equal({ a: 1 })
      expect(calls).to.equal(2)
      expect(emu.verdicts.map((v) => [v.status, v.reason])).to.deep.equal([
        [403, 'revoked'],
        [200, 'ok'],
      ])
    })
  })
}
