import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import * as es717 from 'es717'
import { defaultBaseConnection, defaultConnectionOf } from '../../lib/connection/default-base'

describe("default-base: the installed client's default connection", () => {
  it('the default connection: UndiciConnection on 8/9, Connection on 7.x', () => {
    expect(defaultConnectionOf(es9 as unknown as Record<string, unknown>)).to.equal(
      es9.UndiciConnection,
    )
    expect(defaultConnectionOf(es8 as unknown as Record<string, unknown>)).to.equal(
      es8.UndiciConnection,
    )
    expect(defaultConnectionOf(es717 as unknown as Record<string, unknown>)).to.equal(
      es717.Connection,
    )
    expect(defaultConnectionOf({ Client: class {} })).to.equal(undefined)
  })

  it("is the installed 9.x client's UndiciConnection here", () => {
    expect(defaultBaseConnection()).to.equal(es9.UndiciConnection)
  })
})
