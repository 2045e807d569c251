import { expect } from 'chai'
import { compileTemplate, matchTemplate } from '../../lib/aws/host-template'
import { isRegion } from '../../lib/aws/region'

const match = (template: string, host: string) =>
  matchTemplate(compileTemplate(template), host.split('.'), isRegion)

describe('host-template: compiling label templates', () => {
  it('splits the literal suffix from the placeholders', () => {
    expect(compileTemplate('{resource}.{region}.es.amazonaws.com')).to.deep.equal({
      template: '{resource}.{region}.es.amazonaws.com',
      suffix: ['es', 'amazonaws', 'com'],
      groups: [['resource', 'region']],
    })
  })

  it('takes a service label among the placeholders as the anchor, before or after the region', () => {
    expect(compileTemplate('{resource}.aos.{region}.on.aws')).to.include({ anchor: 'aos' })
    expect(compileTemplate('{api}.execute-api.{region}.amazonaws.com')).to.deep.include({
      anchor: 'execute-api',
      suffix: ['amazonaws', 'com'],
      groups: [['api'], ['region']],
    })
    expect(compileTemplate('{svc}.{hash}.vpc-lattice-svcs.{region}.on.aws')).to.deep.include({
      anchor: 'vpc-lattice-svcs',
      groups: [['svc', 'hash'], ['region']],
    })
  })

  it('refuses templates it could not match', () => {
    for (const bad of ['{a}.{region}', 'es.amazonaws.com', '{a}.x.{b}.y.{region}.on.aws']) {
      expect(() => compileTemplate(bad), bad).to.throw(/Host template/)
    }
  })
})

describe('host-template: matching host labels', () => {
  it('gives each placeholder its label', () => {
    expect(
      match('{resource}.{region}.es.amazonaws.com', 'search-a.eu-west-1.es.amazonaws.com'),
    ).to.deep.equal({
      literals: 3,
      position: 2,
      labels: { resource: 'search-a', region: 'eu-west-1' },
    })
    expect(
      match(
        '{svc}.{hash}.vpc-lattice-svcs.{region}.on.aws',
        'my-svc.7d67968.vpc-lattice-svcs.us-west-2.on.aws',
      ),
    ).to.deep.equal({
      literals: 3,
      position: 2,
      labels: { svc: 'my-svc', hash: '7d67968', region: 'us-west-2' },
    })
  })

  it('does not claim hosts outside its literal labels', () => {
    expect(
      match('{resource}.{region}.es.amazonaws.com', 'a.eu-west-1.aoss.amazonaws.com'),
    ).to.equal(undefined)
    expect(match('{resource}.aos.{region}.on.aws', 'a.aoss.eu-west-1.on.aws')).to.equal(undefined)
    expect(match('{resource}.{region}.es.amazonaws.com', 'es.com')).to.equal(undefined)
  })

  // template, host → problem
  const problems: Array<[string, string, string]> = [
    [
      '{resource}.{region}.es.amazonaws.com',
      'es.amazonaws.com',
      'the resource and region labels are missing',
    ],
    [
      '{resource}.{region}.es.amazonaws.com',
      'eu-west-1.es.amazonaws.com',
      'the resource label is missing',
    ],
    [
      '{resource}.{region}.es.amazonaws.com',
      'search-a.es.amazonaws.com',
      'the region label is missing',
    ],
    [
      '{resource}.{region}.es.amazonaws.com',
      'a.b.eu-west-1.es.amazonaws.com',
      'it has 1 label(s) too many',
    ],
    ['{resource}.{region}.es.amazonaws.com', 'a..es.amazonaws.com', 'it has an empty label'],
    [
      '{resource}.aos.{region}.on.aws',
      'x.a.aos.us-east-1.on.aws',
      'it has 1 label(s) too many before aos',
    ],
    ['{resource}.aos.{region}.on.aws', 'a.aos.us-east-1.x.on.aws', 'it has 1 label(s) too many'],
    ['{resource}.aos.{region}.on.aws', 'aos.us-east-1.on.aws', 'the resource label is missing'],
    [
      '{svc}.{hash}.vpc-lattice-svcs.{region}.on.aws',
      'my-svc.vpc-lattice-svcs.us-west-2.on.aws',
      'the hash label is missing',
    ],
    ['{a}.{b}.{c}.{region}.on.aws', 'us-east-1.on.aws', 'the a, b and c labels are missing'],
  ]
  for (const [template, host, problem] of problems) {
    it(`${host}: ${problem}`, () => {
      expect(match(template, host)?.problem).to.equal(problem)
    })
  }

  it('ranks claims: more literal labels, then the earlier anchor', () => {
    const aos = match('{resource}.aos.{region}.on.aws', 'a.aos.aoss.us-east-1.on.aws')
    const aoss = match('{resource}.aoss.{region}.on.aws', 'a.aos.aoss.us-east-1.on.aws')
    expect(aos).to.include({ literals: 3, position: 1 })
    expect(aoss).to.include({ literals: 3, position: 2 })
  })
})
