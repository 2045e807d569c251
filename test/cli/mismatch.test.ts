import { expect } from 'chai'
import { compareCanonical, formatComparison, splitCanonical } from '../../lib/cli/mismatch'

const OURS = [
  'GET',
  '/idx/_doc/a%252Fb',
  'q=a%3Ab',
  'host:search-x.eu-west-1.es.amazonaws.com',
  'x-amz-date:20261201T000000Z',
  '',
  'host;x-amz-date',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
].join('\n')

/** Ours with one line replaced. */
function theirs(index: number, line: string): string {
  const lines = OURS.split('\n')
  lines[index] = line
  return lines.join('\n')
}

describe('cli mismatch: our canonical request beside AWS’s', () => {
  it('splits a canonical request into its parts', () => {
    expect(splitCanonical(OURS)).to.deep.equal({
      method: 'GET',
      path: '/idx/_doc/a%252Fb',
      query: 'q=a%3Ab',
      headers: [
        ['host', 'search-x.eu-west-1.es.amazonaws.com'],
        ['x-amz-date', '20261201T000000Z'],
      ],
      signedHeaders: 'host;x-amz-date',
      payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    })
  })

  it('names the likely cause from the first part that differs', () => {
    const cases: Array<[string, RegExp]> = [
      [
        theirs(3, 'host:localhost:9200'),
        /^the Host differs: a proxy, load balancer or tunnel rewrote it/,
      ],
      [theirs(1, '/idx/_doc/a/b'), /^the path differs: it was encoded differently on the way/],
      [theirs(2, 'q=a%253Ab'), /^the query differs: a proxy re-encoded or reordered it/],
      [theirs(0, 'POST'), /^the method differs/],
      [theirs(4, 'x-amz-date:20261201T000001Z'), /^header x-amz-date was rewritten on the way/],
      [theirs(7, 'f'.repeat(64)), /^the body hash differs/],
      [
        OURS,
        /^everything signed arrived as it was signed, so the secret key is not the one AWS holds for key AKIA…WXYZ/,
      ],
    ]
    for (const [expected, cause] of cases) {
      expect(compareCanonical(OURS, expected, 'AKIA…WXYZ').cause).to.match(cause)
    }
  })

  it('marks the differing lines, and shows a header only one side has', () => {
    const { lines } = compareCanonical(OURS, theirs(3, 'host:localhost:9200'), 'k')
    expect(lines.filter((line) => line.differs)).to.deep.equal([
      {
        ours: 'host:search-x.eu-west-1.es.amazonaws.com',
        theirs: 'host:localhost:9200',
        differs: true,
      },
    ])
    const extra = OURS.replace(
      'x-amz-date:20261201T000000Z',
      'x-amz-date:20261201T000000Z\nx-forwarded:1',
    )
    const one = compareCanonical(OURS, extra, 'k').lines.find(
      (line) => line.theirs === 'x-forwarded:1',
    )
    expect(one).to.deep.equal({ ours: '', theirs: 'x-forwarded:1', differs: true })
    const shown = formatComparison(lines, 20)
    expect(shown[0]).to.equal(`    ${'we signed'.padEnd(20)}  AWS expected`)
    expect(shown.find((line) => line.startsWith('  ≠'))).to.equal(
      '  ≠ host:search-x.eu-we…  host:localhost:9200',
    )
  })
})
