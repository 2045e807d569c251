import { expect } from 'chai'
import {
  MAX_CLOCK_OFFSET_MS,
  SkewCorrectedClock,
  amzDateTime,
  httpDate,
} from '../../lib/credentials/clock'

describe('clock: skew correction', () => {
  it('adopts the server time from a Date header and keeps applying the offset', () => {
    let now = Date.parse('2026-01-01T12:00:00Z')
    const clock = new SkewCorrectedClock(() => now)
    expect(clock.learnFrom('Thu, 01 Jan 2026 12:15:00 GMT')).to.equal(true)
    expect(clock.offsetMs).to.equal(15 * 60 * 1000)
    now += 1000
    expect(clock.now().toISOString()).to.equal('2026-01-01T12:15:01.000Z')
  })

  it('ignores a missing or unparseable header', () => {
    const clock = new SkewCorrectedClock(() => 0)
    expect(clock.learnFrom(undefined)).to.equal(false)
    expect(clock.learnFrom('not a date')).to.equal(false)
    expect(clock.offsetMs).to.equal(0)
  })

  it('learns no offset beyond ±24 hours, and keeps the one it has', () => {
    const now = Date.parse('2026-01-01T12:00:00Z')
    const clock = new SkewCorrectedClock(() => now)
    expect(clock.learnFrom('Thu, 01 Jan 2026 12:10:00 GMT')).to.equal(true)
    for (const absurd of [
      'Mon, 01 Jan 2036 12:00:00 GMT',
      'Thu, 01 Jan 1970 00:00:00 GMT',
      new Date(now + MAX_CLOCK_OFFSET_MS + 1000).toUTCString(),
    ]) {
      expect(clock.learnFrom(absurd), absurd).to.equal(false)
      expect(clock.offsetMs).to.equal(10 * 60_000)
    }
    // 14 hours (a local-time hardware clock read as UTC) is a clock error it learns.
    expect(clock.learnFrom('Fri, 02 Jan 2026 02:00:00 GMT')).to.equal(true)
    expect(clock.offsetMs).to.equal(14 * 3_600_000)
  })

  it('drops a learned offset on reset, saying whether there was one', () => {
    const clock = new SkewCorrectedClock(() => 0)
    expect(clock.reset()).to.equal(false)
    clock.learnFrom(new Date(3_600_000).toUTCString())
    expect(clock.reset()).to.equal(true)
    expect(clock.offsetMs).to.equal(0)
  })
})

describe('clock: reading dates', () => {
  it('reads HTTP dates and x-amz-dates', () => {
    expect(httpDate('Thu, 01 Jan 2026 12:15:00 GMT')).to.equal(Date.parse('2026-01-01T12:15:00Z'))
    expect(httpDate(['Thu, 01 Jan 2026 12:15:00 GMT'])).to.equal(Date.parse('2026-01-01T12:15:00Z'))
    expect(httpDate('')).to.equal(undefined)
    expect(amzDateTime('20260101T121500Z')).to.equal(Date.parse('2026-01-01T12:15:00Z'))
    expect(amzDateTime('2026-01-01')).to.equal(undefined)
    expect(amzDateTime(undefined)).to.equal(undefined)
  })
})

describe('SkewCorrectedClock: offsets contradicted by what is known', () => {
  it('does not learn an offset its veto refuses, and keeps the one it has', () => {
    const machine = Date.parse('2026-01-01T12:00:00Z')
    const seen: number[] = []
    const clock = new SkewCorrectedClock(
      () => machine,
      MAX_CLOCK_OFFSET_MS,
      (offset) => {
        seen.push(offset)
        return offset > 3_600_000
      },
    )
    expect(clock.learnFrom(new Date(machine + 15 * 60_000).toUTCString())).to.equal(true)
    expect(clock.learnFrom(new Date(machine + 5 * 3_600_000).toUTCString())).to.equal(false)
    expect(clock.offsetMs).to.equal(15 * 60_000)
    expect(seen).to.deep.equal([15 * 60_000, 5 * 3_600_000])
  })
})
