// The wiring mistakes people make in their first hour, with every client: the factory passed
// uncalled, and the old connectors' spread pattern `new Client({ node, ...factory() })`.
import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import * as es717 from 'es717'
import * as es7130 from 'es7130'
import * as os3 from '@opensearch-project/opensearch'
import * as os2 from 'os2'
import { createAwsSigV4Connection } from '../../lib'
import type { AwsSigV4ConnectionOptions } from '../../lib'
import { configError } from '../support/config-error'
import { emulatorPerSuite } from '../support/emulator-suite'

const REGION = 'eu-west-1'
const CREDS = {
  accessKeyId: 'AKIDWIRINGMISTAKES',
  secretAccessKey: 'wiring/secret+key',
  sessionToken: 'wiring-session-token',
}

interface AnyClientModule {
  Client: new (options: Record<string, unknown>) => {
    info(): Promise<unknown>
    close(): Promise<unknown>
  }
}

/** Each client, the connection class to sign on (none: the installed client's default). */
const CLIENTS: Array<[string, AnyClientModule, AwsSigV4ConnectionOptions['baseConnection']]> = [
  ['9.x', es9 as unknown as AnyClientModule, undefined],
  ['8.19', es8 as unknown as AnyClientModule, es8.UndiciConnection],
  ['7.17', es717 as unknown as AnyClientModule, es717.Connection],
  ['7.13', es7130 as unknown as AnyClientModule, es7130.Connection],
  ['OpenSearch 3.x', os3 as unknown as AnyClientModule, os3.Connection],
  ['OpenSearch 2.x', os2 as unknown as AnyClientModule, os2.Connection],
]

describe('e2e wiring mistakes, with every client', function () {
  this.timeout(30_000)
  const suite = emulatorPerSuite({
    credentials: CREDS,
    region: REGION,
    engine: 'opensearch-compat',
  })

  for (const [name, module, baseConnection] of CLIENTS) {
    const options = {
      region: REGION,
      credentials: CREDS,
      ...(baseConnection && { baseConnection }),
    }

    it(`${name}: the factory passed uncalled is refused, saying to call it`, () => {
      const err = configError(
        () => new module.Client({ node: suite.emu.url, Connection: createAwsSigV4Connection }),
      )
      expect(err.option).to.equal('Connection')
      expect(err.message).to.include('call it: `createAwsSigV4Connection({...})`')
      expect(err.message).not.to.match(/Unknown option/)
    })

    it(`${name}: the old connectors' spread pattern signs every request`, async () => {
      const client = suite.track(
        new module.Client({ node: suite.emu.url, ...createAwsSigV4Connection(options) }),
      )
      await client.info()
      expect(suite.emu.verdicts.length).to.be.greaterThan(0)
      expect(suite.emu.verdicts.map((v) => v.reason)).to.deep.equal(
        suite.emu.verdicts.map(() => 'ok'),
      )
    })
  }

  it('the spread yields only { Connection }, the class itself', () => {
    const Signed = createAwsSigV4Connection({ region: REGION, credentials: CREDS })
    expect({ ...Signed }).to.deep.equal({ Connection: Signed })
  })
})

describe('e2e a base connection of the other client family', function () {
  this.timeout(30_000)
  const NODE = 'http://127.0.0.1:9200'
  const options = { region: REGION, credentials: CREDS }

  const promiseBases: Array<[string, AwsSigV4ConnectionOptions['baseConnection']]> = [
    ['the zero-config class (9.x UndiciConnection)', undefined],
    ['8.19 UndiciConnection', es8.UndiciConnection],
    ['9.x HttpConnection', es9.HttpConnection],
  ]
  const callbackClients = CLIENTS.slice(2)
  for (const [baseName, baseConnection] of promiseBases) {
    for (const [clientName, module] of callbackClients) {
      it(`${clientName} given ${baseName}: refused at new Client, naming baseConnection and Connection`, () => {
        const Connection = createAwsSigV4Connection({
          ...options,
          ...(baseConnection && { baseConnection }),
        })
        const err = configError(() => new module.Client({ node: NODE, Connection }))
        expect(err.option).to.equal('baseConnection')
        expect(err.message).to.include('createAwsSigV4Connection({ baseConnection: Connection })')
        expect(err.message).to.match(/@opensearch-project\/opensearch|@elastic\/elasticsearch 7/)
      })
    }
  }

  const callbackBases: Array<[string, AwsSigV4ConnectionOptions['baseConnection']]> = [
    ['7.17 Connection', es717.Connection],
    ['OpenSearch 3.x Connection', os3.Connection],
  ]
  for (const [baseName, baseConnection] of callbackBases) {
    for (const [clientName, module] of CLIENTS.slice(0, 2)) {
      it(`${clientName} given ${baseName}: refused at new Client, naming UndiciConnection`, () => {
        const Connection = createAwsSigV4Connection({ ...options, baseConnection })
        const err = configError(() => new module.Client({ node: NODE, Connection }))
        expect(err.option).to.equal('baseConnection')
        expect(err.message).to.include('UndiciConnection')
        expect(err.message).to.include('AwsSigV4Connection')
      })
    }
  }
})
