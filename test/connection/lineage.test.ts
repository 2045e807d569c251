import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import * as es717 from 'es717'
import * as es7130 from 'es7130'
import * as os3 from '@opensearch-project/opensearch'
import * as os2 from 'os2'
import { callbackClientOf, lineageOf } from '../../lib/connection/lineage'
import { loadedModuleExports } from '../../lib/platform/client-loader'
import type { ConnectionConstructor } from '../../lib/connection/types'

const PROMISE_CLASSES = {
  '9.x UndiciConnection': es9.UndiciConnection,
  '9.x HttpConnection': es9.HttpConnection,
  '8.x UndiciConnection': es8.UndiciConnection,
  '8.x HttpConnection': es8.HttpConnection,
}
const CALLBACK_CLIENTS = {
  '7.17': { module: es717, product: 'elasticsearch', productCheck: true },
  '7.13.0': { module: es7130, product: 'elasticsearch', productCheck: false },
  'OpenSearch 3.x': { module: os3, product: 'opensearch', productCheck: false },
  'OpenSearch 2.x': { module: os2, product: 'opensearch', productCheck: false },
} as const

describe('lineage: which client a base connection class comes from', () => {
  for (const [name, Base] of Object.entries(PROMISE_CLASSES)) {
    it(`${name} is of the promise lineage`, () => {
      expect(lineageOf(Base)).to.equal('promise')
    })
  }
  for (const [name, { module }] of Object.entries(CALLBACK_CLIENTS)) {
    it(`${name} Connection is of the callback lineage, and so is a subclass of it`, () => {
      expect(lineageOf(module.Connection as ConnectionConstructor)).to.equal('callback')
      class Custom extends (module.Connection as typeof es717.Connection) {}
      expect(lineageOf(Custom)).to.equal('callback')
    })
  }

  it('any other class with a request method is taken as the promise lineage', () => {
    class Plain {
      request(): Promise<void> {
        return Promise.resolve()
      }
    }
    expect(lineageOf(Plain)).to.equal('promise')
  })
})

describe('lineage: the client of a callback-lineage class', () => {
  for (const [name, { module, product, productCheck }] of Object.entries(CALLBACK_CLIENTS)) {
    it(`${name}: ${product}, product check ${productCheck ? 'sent' : 'not sent'}, its own RequestAbortedError`, () => {
      const client = callbackClientOf(
        module.Connection as ConnectionConstructor,
        loadedModuleExports(),
      )
      expect(client.product).to.equal(product)
      expect(client.productCheck).to.equal(productCheck)
      expect(client.RequestAbortedError).to.equal(module.errors.RequestAbortedError)
    })
  }

  it('finds the client of a subclass through the classes it extends', () => {
    class Custom extends os2.Connection {}
    class MoreCustom extends Custom {}
    const client = callbackClientOf(MoreCustom, loadedModuleExports())
    expect(client.RequestAbortedError).to.equal(os2.errors.RequestAbortedError)
    expect(client.product).to.equal('opensearch')
  })

  it('without its package among the loaded modules (a bundle): told by the node roles', () => {
    const es = callbackClientOf(es717.Connection, [])
    expect(es).to.deep.equal({ product: 'elasticsearch', productCheck: true })
    const os = callbackClientOf(os3.Connection as unknown as ConnectionConstructor, [])
    expect(os).to.deep.equal({ product: 'opensearch', productCheck: false })
  })

  it('reads only own data properties of the loaded modules (a getter is never run)', () => {
    let ran = false
    const lazy = Object.defineProperty({}, 'Connection', {
      get() {
        ran = true
        return es717.Connection
      },
    })
    expect(callbackClientOf(es717.Connection, [lazy, null, 42, undefined]).productCheck).to.equal(
      true,
    )
    expect(ran).to.equal(false)
  })
})
