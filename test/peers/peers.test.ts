import { expect } from 'chai'
import { gzipSync } from 'node:zlib'
import { startEmulator } from '../../lib/testing'
import type { Emulator, Verdict } from '../../lib/testing'
import {
  CONTENT_SHA256_MISMATCH_MESSAGE,
  INVALID_TOKEN_MESSAGE,
  SIGNATURE_MISMATCH_MESSAGE,
} from '../../lib/testing/aws-errors'
import { pythonPeersMissing, startPeers } from '../support/python-peers'
import type { PeerProcess } from '../support/python-peers'
import { describeWithTools } from '../support/tool-requirements'
import { TRICKY_IDS } from '../support/tricky-ids'

/**
 * Python's SigV4 signers as peers: botocore's SigV4Auth, opensearch-py's AWSV4SignerAuth,
 * requests-aws4auth and awscurl sign requests and send them to the emulator, which must accept
 * every one; copies altered after signing must be refused with AWS's words.
 */

const CREDS = {
  accessKeyId: 'AKIDPYTHONPEERS',
  secretAccessKey: 'python/peers+secret=key',
  sessionToken: 'FwoGZXIvYXdzEPEERS//token+/=AAAA',
}
const REGION = 'eu-west-1'
const PEERS = ['botocore', 'opensearch-py', 'requests-aws4auth', 'awscurl'] as const
const SERVICES = ['es', 'aoss'] as const

interface Sent {
  status: number
  body: string
  signedHeaders?: string[]
  error?: string
}

/** Each alteration and the refusals AWS answers it with. */
const ALTERATIONS: Record<string, readonly string[]> = {
  body: [SIGNATURE_MISMATCH_MESSAGE, CONTENT_SHA256_MISMATCH_MESSAGE],
  path: [SIGNATURE_MISMATCH_MESSAGE],
  query: [SIGNATURE_MISMATCH_MESSAGE],
  token: [INVALID_TOKEN_MESSAGE],
  date: [SIGNATURE_MISMATCH_MESSAGE],
}

/** Every string in a parsed JSON body. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}

/** RFC 3986 encoding, as SigV4 wants every query byte but `A-Za-z0-9-_.~`. */
const strict = (value: string): string =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )

/**
 * A search with reserved characters, in the form each peer's users must give it. botocore signs
 * the query as given, so it must be encoded already; requests-aws4auth re-encodes whatever it
 * gets; awscurl encodes raw characters itself (an encoded query is encoded twice); opensearch-py
 * re-encodes with `urlencode`, which turns `%20` into a `+` that botocore then signs as it is,
 * so its users' queries must not hold spaces (a peer quirk: the emulator refuses it, by AWS's
 * rules, see the test below).
 */
const PEER_QUERY: Record<(typeof PEERS)[number], string> = {
  botocore: `q=${strict('msg:"a/b c" OR tag:(plus+sign) AND NOT tag:"x=y&z" OR é*')}&size=20`,
  'requests-aws4auth': `q=${strict('msg:"a/b c" OR tag:(plus+sign) AND NOT tag:"x=y&z" OR é*')}&size=20`,
  'opensearch-py': `q=${strict('msg:"a/b"||tag:(plus+sign)&&!tag:"x=y&z"||é*')}&size=20`,
  awscurl: `q=msg:("a/b"||x*)!tag:'é'&size=20`,
}

describeWithTools('Python SigV4 peers sign, the emulator verifies', pythonPeersMissing(), () => {
  let peers: PeerProcess
  before(function () {
    this.timeout(600_000) // the first run makes the venv from PyPI
    peers = startPeers()
  })
  after(async () => peers?.close())

  for (const service of SERVICES) {
    for (const peer of PEERS) {
      describe(`${peer} on ${service}`, function () {
        this.timeout(60_000)
        let emu: Emulator
        const index = `peers-${peer.replace(/[^a-z0-9]/g, '')}`
        const send = (request: {
          method: string
          path: string
          query?: string
          headers?: Record<string, string>
          body?: Buffer | string
          alter?: string
        }): Promise<Sent> =>
          peers.ask<Sent>({
            op: 'send',
            peer,
            service,
            region: REGION,
            ...CREDS,
            url: emu.url,
            ...request,
            body64: request.body === undefined ? '' : Buffer.from(request.body).toString('base64'),
          })
        const json = { 'content-type': 'application/json' }

        before(async () => {
          emu = await startEmulator({ credentials: CREDS, region: REGION, service })
        })
        after(async () => emu?.close())
        afterEach(() => emu.clearVerdicts())

        const accepted = (answers: Sent[]): void => {
          const refused = emu.verdicts.filter((v) => !v.ok)
          expect(refused, JSON.stringify(refused, null, 2)).to.have.length(0)
          expect(answers.map((a) => a.error)).to.deep.equal(answers.map(() => undefined))
          expect(emu.verdicts).to.have.length(answers.length)
        }

        it('tricky ids and unicode: indexed and read back', async () => {
          const answers: Sent[] = []
          for (const id of TRICKY_IDS) {
            const path = `/${index}/_doc/${encodeURIComponent(id)}`
            answers.push(
              await send({
                method: 'PUT',
                path,
                headers: json,
                body: JSON.stringify({ msg: `héllo ${id} ✓` }),
              }),
            )
            const got = await send({ method: 'GET', path })
            answers.push(got)
            expect(JSON.parse(got.body)).to.deep.include({ _id: id, found: true })
          }
          accepted(answers)
          expect(emu.store.documentCount(index)).to.equal(TRICKY_IDS.length)
        })

        it('reserved q characters, an NDJSON bulk, HEAD and DELETE', async () => {
          const search = await send({
            method: 'GET',
            path: `/${index}/_search`,
            query: PEER_QUERY[peer],
          })
          expect(search.status).to.equal(200)
          const bulk = await send({
            method: 'POST',
            path: '/_bulk',
            headers: { 'content-type': 'application/x-ndjson' },
            body: `{"index":{"_index":"${index}","_id":"b 1"}}\n{"n":1}\n{"delete":{"_index":"${index}","_id":"é"}}\n`,
          })
          expect(JSON.parse(bulk.body).errors).to.equal(false)
          const head = await send({ method: 'HEAD', path: `/${index}` })
          const del = await send({
            method: 'DELETE',
            path: `/${index}/_doc/${encodeURIComponent('a/b c')}`,
          })
          expect([head.status, del.status]).to.deep.equal([200, 200])
          accepted([search, bulk, head, del])
          expect(emu.store.getDocument(index, 'a/b c')).to.equal(undefined)
        })

        it('a gzip body (the compressed bytes are what is signed)', async () => {
          const gz = await send({
            method: 'PUT',
            path: `/${index}/_doc/gz`,
            headers: { ...json, 'content-encoding': 'gzip' },
            body: gzipSync(JSON.stringify({ zipped: 'ü'.repeat(2000) })),
          })
          expect(gz.status).to.be.oneOf([200, 201])
          accepted([gz])
          expect(emu.store.getDocument(index, 'gz')).to.deep.equal({ zipped: 'ü'.repeat(2000) })
        })

        if (peer === 'opensearch-py') {
          it('a space in the query: opensearch-py signs it as `+` but sends `%20`; refused as AWS does', async () => {
            const answer = await send({
              method: 'GET',
              path: `/${index}/_search`,
              query: 'q=a%20b',
            })
            expect(answer.status).to.equal(403)
            expect(emu.verdicts[0]?.reason).to.equal('signature-mismatch')
          })
        }

        for (const [alter, words] of Object.entries(ALTERATIONS)) {
          it(`refuses a copy whose ${alter} was altered after signing, in AWS's words`, async () => {
            const answer = await send({
              method: 'PUT',
              path: `/${index}/_doc/${encodeURIComponent('alt ü')}`,
              query: 'refresh=true',
              headers: json,
              body: '{"a":1}',
              alter,
            })
            expect(answer.error).to.equal(undefined)
            expect(emu.verdicts).to.have.length(1)
            const verdict = emu.verdicts[0] as Verdict
            expect(verdict.ok).to.equal(false)
            expect(answer.status).to.be.within(400, 403)
            // AWS's words, then (for a mismatch) the canonical request it expected.
            expect(words.some((w) => verdict.message?.startsWith(w))).to.equal(
              true,
              verdict.message,
            )
            if (service === 'aoss') {
              // Serverless answers with its status line only, not the reason.
              const { error } = JSON.parse(answer.body) as { error: { type: string } }
              expect(error.type).to.equal(answer.status === 400 ? 'BadRequest' : 'Forbidden')
            } else {
              const said = strings(JSON.parse(answer.body))
              expect(said.some((t) => words.some((w) => t.startsWith(w)))).to.equal(
                true,
                answer.body,
              )
            }
            expect(emu.store.getDocument(index, 'alt ü')).to.equal(undefined)
          })
        }
      })
    }
  }
})
