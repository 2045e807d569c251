import { expect } from 'chai'
import { checkRegion, oneTypoAway, unknownRegionText } from '../../lib/cli/regions'

describe("cli: regions, by the AWS SDK's partition data", () => {
  it('knows the regions of every partition the SDK lists, with their names', async () => {
    for (const [region, name] of [
      ['eu-west-1', 'Europe (Ireland)'],
      ['cn-north-1', 'China (Beijing)'],
      ['us-gov-west-1', 'AWS GovCloud (US-West)'],
      ['eusc-de-east-1', 'AWS European Sovereign Cloud (Germany)'],
    ]) {
      expect(await checkRegion(region), region).to.deep.equal({ known: true, description: name })
    }
  })

  it('does not know a typo, and names the known region one typo away', async () => {
    expect(await checkRegion('eu-wset-1')).to.deep.equal({ known: false, suggestion: 'eu-west-1' })
    expect(await checkRegion('us-east-11')).to.deep.equal({ known: false, suggestion: 'us-east-1' })
    expect(await checkRegion('xx-nowhere-9')).to.deep.equal({ known: false })
    expect(unknownRegionText('eu-wset-1', { known: false, suggestion: 'eu-west-1' })).to.equal(
      'eu-wset-1 is not a known AWS region: did you mean eu-west-1?',
    )
    expect(unknownRegionText('eu-west-1', { known: true, description: 'x' })).to.equal(undefined)
  })

  it('says nothing when the SDK cannot be loaded', async () => {
    expect(await checkRegion('eu-wset-1', async () => undefined)).to.equal(undefined)
    expect(unknownRegionText('eu-wset-1', undefined)).to.equal(undefined)
  })

  it('tries a bounded number of spellings', () => {
    expect(oneTypoAway('eu-west-1')).to.include('eu-wset-1').and.not.include('eu-west-1')
    expect(oneTypoAway('eu-wset-1').length).to.be.below(800)
    expect(oneTypoAway('x'.repeat(33))).to.deep.equal([])
  })
})
