// The README's quick-start search against the emulator, through the client: the query_string
// subset is run, and what is not supported is a 400 naming it, never 0 hits.
import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import { createAwsSigV4Connection } from '../../lib'
import { emulatorPerSuite } from '../support/emulator-suite'

const REGION = 'eu-west-1'
const CREDS = { accessKeyId: 'AKIDQUERYSYNTAX', secretAccessKey: 'query-syntax-secret' }

describe('e2e the emulator runs query_string queries (9.x client)', function () {
  this.timeout(30_000)
  const suite = emulatorPerSuite({ credentials: CREDS, region: REGION })
  let client: es9.Client

  before(async () => {
    client = suite.track(
      new es9.Client({
        node: suite.emu.url,
        Connection: createAwsSigV4Connection({ region: REGION, credentials: CREDS }),
      }),
    )
    await client.bulk({
      refresh: true,
      operations: [
        { index: { _index: 'events-1', _id: 'a' } },
        { msg: 'hello world' },
        { index: { _index: 'events-1', _id: 'b' } },
        { msg: 'hello y' },
        { index: { _index: 'events-2', _id: 'c' } },
        { msg: 'x marks the spot' },
        { index: { _index: 'events-2', _id: 'd' } },
        { msg: 'goodbye' },
      ],
    })
  })

  const ids = async (q: string): Promise<string[]> =>
    (await client.search({ index: 'events-*', q })).hits.hits.map((h) => h._id ?? '').sort()

  it("the README's quick-start query finds what it says", async () => {
    expect(await ids('msg:(hel* OR "x") !y')).to.deep.equal(['a', 'c'])
  })

  it('a OR b, and grouped clauses', async () => {
    expect(await ids('hello OR goodbye')).to.deep.equal(['a', 'b', 'd'])
    expect(await ids('(hello OR x) AND NOT world')).to.deep.equal(['b', 'c'])
  })

  it('what it cannot run is a 400 naming the part, even where no document is', async () => {
    for (const index of ['events-*', 'empty-*']) {
      const err = await client.search({ index, q: 'msg:hello~2', ignore_unavailable: true }).then(
        () => undefined,
        (e: unknown) => e as es9.errors.ResponseError,
      )
      expect(err?.statusCode).to.equal(400)
      expect(err?.message).to.include('query_shard_exception')
      expect(err?.message).to.include('fuzzy and proximity queries (~)')
    }
  })
})
