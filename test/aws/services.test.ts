import { expect } from 'chai'
import {
  DEFAULT_SERVICE,
  SERVICES,
  SERVICE_ROWS,
  genericService,
  serviceFor,
} from '../../lib/aws/services'
import { compileTemplate } from '../../lib/aws/host-template'

describe('services: the table of what a service is', () => {
  it('keys every row by its own signing name', () => {
    for (const [key, row] of Object.entries(SERVICES)) expect(row.signingName).to.equal(key)
    expect(SERVICE_ROWS.map((row) => row.signingName)).to.deep.equal([
      'es',
      'aoss',
      'vpc-lattice-svcs',
      'execute-api',
      'osis',
    ])
  })

  it('looks a row up by signing name; the default service has one', () => {
    expect(serviceFor('es')).to.equal(SERVICES.es)
    expect(serviceFor('aoss')).to.equal(SERVICES.aoss)
    expect(serviceFor(DEFAULT_SERVICE)).to.equal(SERVICES.es)
  })

  it('gives any other signing name the generic row, prototype names included', () => {
    for (const name of ['lambda', 'vpc-lattice', 'constructor', 'toString', '__proto__']) {
      expect(serviceFor(name), name).to.deep.equal(genericService(name))
    }
    expect(genericService('lambda')).to.deep.equal({
      signingName: 'lambda',
      title: 'lambda',
      payload: 'signed',
      amazonEngine: false,
      clusterInfo: true,
      refusals: 'generic',
    })
  })

  // signing name → payload rule, Amazon-engine adaptation, cluster info, refusal style
  const facts: Array<[string, string, boolean, boolean, string]> = [
    ['es', 'signed', true, true, 'es'],
    ['aoss', 'signed-header-required', true, false, 'aoss'],
    ['vpc-lattice-svcs', 'unsigned-only', false, true, 'lattice'],
    ['execute-api', 'signed', false, true, 'generic'],
    ['osis', 'signed', true, false, 'generic'],
    ['lambda', 'signed', false, true, 'generic'],
  ]
  for (const [name, payload, amazonEngine, clusterInfo, refusals] of facts) {
    it(`${name}: payload ${payload}, adaptation ${amazonEngine}, refusals ${refusals}`, () => {
      expect(serviceFor(name)).to.include({ payload, amazonEngine, clusterInfo, refusals })
    })
  }

  it('has host templates the matcher can compile, each with a shape for errors', () => {
    for (const row of SERVICE_ROWS) {
      for (const host of row.endpoints?.hosts ?? []) {
        expect(() => compileTemplate(host.template), host.template).not.to.throw()
        expect(compileTemplate(host.template).groups.flat(), host.template).to.include('region')
        expect(host.shape, host.template).to.include('<region>')
      }
    }
  })
})
