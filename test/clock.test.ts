import { expect } from 'chai'
import { SkewCorrectedClock } from '../lib/clock'

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
})
