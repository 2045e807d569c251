import { expect } from 'chai'
import { amzDate } from '../../lib/sigv4/amz-date'

describe('amz-date: x-amz-date', () => {
  it('formats as YYYYMMDDTHHMMSSZ, milliseconds dropped', () => {
    expect(amzDate(new Date('2015-08-30T12:36:00.999Z'))).to.equal('20150830T123600Z')
    expect(amzDate(new Date('2015-08-30T12:36:01.000Z'))).to.equal('20150830T123601Z')
  })

  it('follows the clock, whatever was formatted before (once per second, not stuck)', () => {
    const dates = ['2026-01-01T00:00:00.100Z', '2026-01-01T00:00:00.900Z', '2099-12-31T23:59:59Z']
    expect(dates.map((d) => amzDate(new Date(d)))).to.deep.equal([
      '20260101T000000Z',
      '20260101T000000Z',
      '20991231T235959Z',
    ])
    expect(amzDate(new Date('2026-01-01T00:00:00.500Z'))).to.equal('20260101T000000Z')
  })
})
