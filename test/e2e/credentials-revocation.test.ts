import { expect } from 'chai'
import { startEmulator } from '../../lib/testing'
import type { Emulator, RevocationKind } from '../../lib/testing'
import { CORE_VARIANTS } from '../support/client-variants'
import { rotatingProvider } from '../support/rotating-provider'
import type { CoreClient, SignedOptions } from '../support/client-variants'

/**
 * A key revoked while the credential cache still thinks it is good (AWS answers "The security
 * token included in the request is expired" / "… is invalid."): the requests that hit the 403
 * invalidate the cached credentials, one provider call fetches a new key, and each of them is
 * retried once with it and succeeds. On every client of both lineages.
 */

const REGION = 'eu-west-1'

const variants = CORE_VARIANTS

const MESSAGES: Record<RevocationKind, RegExp> = {
  expired: /security token included in the request is expired/,
  invalid: /security token included in the request is invalid/,
}

for (const variant of variants) {
  describe(`e2e credentials, key revoked mid-run: ${variant.name}`, function () {
    this.timeout(30_000)
    let emu: Emulator
    const clients: CoreClient[] = []
    const make = (opts: SignedOptions): CoreClient => {
      const client = variant.make(emu.url, { region: REGION, ...opts })
      clients.push(client)
      return client
    }

    before(async () => {
      emu = await startEmulator({
        credentials: [],
        region: REGION,
        service: 'es',
        engine: variant.engine,
      })
    })
    beforeEach(() => emu.clearVerdicts())
    after(async () => {
      for (const client of clients) await client.close()
      await emu.close()
    })

    for (const kind of ['expired', 'invalid'] as const) {
      it(`revoked (${kind}) under 100 concurrent requests: one refetch, every request retried once and succeeds`, async () => {
        const p = rotatingProvider(emu, `BURST${kind.toUpperCase()}`, 20)
        const client = make({ credentials: p.provider })
        const index = `burst-${kind}`
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            client.index({ index, id: `warm-${i}`, document: { i } }),
          ),
        )
        expect(p.keys).to.have.length(1)

        emu.revoke(p.keys[0], { kind })
        emu.clearVerdicts()
        const results = await Promise.allSettled(
          Array.from({ length: 100 }, (_, i) =>
            client.index({ index, id: `doc-${i}`, document: { i } }),
          ),
        )
        expect(results.filter((r) => r.status === 'rejected')).to.have.length(0)
        expect(p.keys, 'one provider call for the 100 rejections').to.have.length(2)
        const rejected = emu.verdicts.filter((v) => !v.ok)
        expect(rejected).to.have.length(100)
        for (const v of rejected) {
          expect([v.status, v.reason, v.accessKeyId]).to.deep.equal([403, 'revoked', p.keys[0]])
          expect(v.message).to.match(MESSAGES[kind])
        }
        const accepted = emu.verdicts.filter((v) => v.ok)
        expect(accepted).to.have.length(100)
        expect(accepted.every((v) => v.accessKeyId === p.keys[1])).to.equal(true)
        expect(emu.store.documentCount(index)).to.equal(110)
      })

      it(`revoked (${kind}) during helpers.bulk ingestion: no failed document`, async () => {
        const p = rotatingProvider(emu, `BULK${kind.toUpperCase()}`, 20)
        const client = make({ credentials: p.provider })
        const index = `bulk-${kind}`
        // Revoke the key in use as the 20th request arrives (that one still passes).
        let revokedKey: string | undefined
        const unhook = emu.onRequest(({ sequence }) => {
          if (sequence >= 20 && revokedKey === undefined) {
            revokedKey = p.keys.at(-1)!
            emu.revoke(revokedKey, { kind })
          }
        })
        const DOCS = 5000
        try {
          const result = await client.helpers.bulk({
            datasource: Array.from({ length: DOCS }, (_, i) => ({ i, text: `doc ${i}` })),
            onDocument: (doc) => ({ index: { _index: index, _id: `d-${doc.i}` } }),
            flushBytes: 2000,
            concurrency: 8,
          })
          expect(result.failed).to.equal(0)
          expect(result.successful).to.equal(DOCS)
        } finally {
          unhook()
        }
        expect(revokedKey).to.equal(p.keys[0])
        expect(p.keys).to.have.length(2)
        expect(emu.store.documentCount(index)).to.equal(DOCS)
        const rejected = emu.verdicts.filter((v) => !v.ok)
        // Only requests in flight with the revoked key (at most the bulk concurrency).
        expect(rejected.length).to.be.within(1, 8)
        expect(rejected.every((v) => v.accessKeyId === revokedKey)).to.equal(true)
      })
    }

    // Retrying with the key just refused cannot help (issue 11, item 3): one attempt, and no
    // further provider call for later requests either.
    it('a provider that keeps returning the revoked key: no retry, the 403 reaches the caller after one attempt', async () => {
      const creds = {
        accessKeyId: 'AKIDSTUCK',
        secretAccessKey: 'stuck/secret',
        sessionToken: 'stuck-session-token',
      }
      emu.addCredentials(creds)
      let calls = 0
      const client = make({
        credentials: async () => {
          calls += 1
          return { ...creds, expiration: new Date(Date.now() + 3600_000) }
        },
      })
      await client.info()
      emu.revoke(creds.accessKeyId, { kind: 'expired' })
      emu.clearVerdicts()
      const err = (await client.info().then(
        () => undefined,
        (e: unknown) => e,
      )) as { name?: string; meta?: { statusCode?: number } } | undefined
      expect(err?.name).to.equal('ResponseError')
      expect(err?.meta?.statusCode).to.equal(403)
      expect(calls).to.equal(2)
      expect(emu.verdicts.map((v) => v.status)).to.deep.equal([403])
      const again = await client.info().catch((e: unknown) => e)
      expect((again as { meta?: { statusCode?: number } }).meta?.statusCode).to.equal(403)
      expect(calls, 'the same key came back: no refetch for the next request').to.equal(2)
      expect(emu.verdicts.map((v) => v.status)).to.deep.equal([403, 403])
      emu.restore(creds.accessKeyId)
    })
  })
}
