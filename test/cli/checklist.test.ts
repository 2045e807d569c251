import { expect } from 'chai'
import { formatDuration, formatStep } from '../../lib/cli/checklist'

describe('cli checklist', () => {
  it('one line per step with its mark and a 12-wide label, then → advice, then detail', () => {
    expect(formatStep({ mark: 'ok', label: 'Clock', text: 'within 1 s' })).to.equal(
      '✓ Clock       within 1 s\n',
    )
    expect(
      formatStep({
        mark: 'fail',
        label: 'Request',
        text: 'GET / → 403',
        advice: ['do this'],
        detail: ['a', 'b'],
      }),
    ).to.equal('✗ Request     GET / → 403\n  → do this\n  a\n  b\n')
    expect(formatStep({ mark: 'warn', label: 'Credentials', text: 'x' })).to.equal(
      '! Credentials x\n',
    )
  })

  it('durations as people read them', () => {
    expect(formatDuration(0)).to.equal('0 s')
    expect(formatDuration(42_400)).to.equal('42 s')
    expect(formatDuration(-900_000)).to.equal('15 min')
    expect(formatDuration(902_000)).to.equal('15 min 2 s')
  })
})
