import { expect } from 'chai'
import type { IncomingHttpHeaders } from 'node:http'
import type { AccessRules } from '../../../lib/cli/proxy/access'
import {
  admit,
  isLoopbackHost,
  isPreflight,
  preflight,
  presentsToken,
} from '../../../lib/cli/proxy/access'

const TOKEN = 'a-client-token-of-some-length'
const loopback: AccessRules = { loopbackOnly: true, listenHost: '127.0.0.1', corsOrigins: [] }
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('proxy: who may use it', () => {
  it('loopback names and addresses', () => {
    for (const host of [
      'localhost',
      'app.localhost',
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).to.equal(true)
    }
    for (const host of [
      '0.0.0.0',
      '10.0.0.1',
      '::',
      'example.com',
      'localhost.example.com',
      '128.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).to.equal(false)
    }
  })

  it('on loopback, a request addressed to another name is refused (DNS rebinding)', () => {
    const ok = (headers: IncomingHttpHeaders): boolean => !('status' in admit(headers, loopback))
    expect(ok({ host: '127.0.0.1:9200' })).to.equal(true)
    expect(ok({ host: 'localhost:9200' })).to.equal(true)
    expect(ok({ host: '[::1]:9200' })).to.equal(true)
    expect(ok({})).to.equal(true)
    const refused = admit({ host: 'attacker.example:9200' }, loopback)
    expect(refused).to.include({ status: 403, type: 'proxy_host_refused' })
    expect(ok({ host: 'proxy.internal:9200' })).to.equal(false)
    const remote = { ...loopback, loopbackOnly: false }
    expect('status' in admit({ host: 'proxy.internal:9200' }, remote)).to.equal(false)
  })

  it("a browser page from elsewhere is refused unless its origin is given with --cors; the proxy's own origin passes", () => {
    const refused = admit({ host: '127.0.0.1:9200', origin: 'https://evil.example' }, loopback)
    expect(refused).to.include({ status: 403, type: 'proxy_origin_refused' })
    expect((refused as { reason: string }).reason).to.include('--cors "https://evil.example"')
    const noCors = admit({ host: '127.0.0.1:9200', 'sec-fetch-site': 'cross-site' }, loopback)
    expect(noCors).to.include({ status: 403 })
    const own = admit({ host: '127.0.0.1:9200', origin: 'http://127.0.0.1:9200' }, loopback)
    expect(own).to.deep.equal({ cors: {} })
    const app = { ...loopback, corsOrigins: ['http://localhost:3000'] }
    const allowed = admit({ host: '127.0.0.1:9200', origin: 'http://localhost:3000' }, app)
    expect(allowed).to.deep.equal({
      cors: {
        'access-control-allow-origin': 'http://localhost:3000',
        'access-control-expose-headers': '*',
        vary: 'Origin',
      },
    })
  })

  it('a preflight from a --cors origin is answered with every method and the headers asked for', () => {
    const app = { ...loopback, corsOrigins: ['http://localhost:3000'] }
    const headers = {
      host: '127.0.0.1:9200',
      origin: 'http://localhost:3000',
      'access-control-request-method': 'DELETE',
      'access-control-request-headers': 'content-type, authorization',
    }
    expect(isPreflight('OPTIONS', headers)).to.equal(true)
    expect(isPreflight('OPTIONS', { host: 'x' })).to.equal(false)
    const answer = preflight(headers, app)
    expect(answer).to.have.nested.property(
      'cors.access-control-allow-origin',
      'http://localhost:3000',
    )
    expect(answer).to.have.nested.property(
      'cors.access-control-allow-headers',
      'content-type, authorization',
    )
    expect(
      (answer as { cors: Record<string, string> }).cors['access-control-allow-methods'],
    ).to.include('DELETE')
    expect(preflight({ ...headers, origin: 'http://localhost:3001' }, app)).to.include({
      status: 403,
    })
  })

  it('a client token: as a bearer token or a Basic password, compared whole', () => {
    expect(presentsToken(`Bearer ${TOKEN}`, TOKEN)).to.equal(true)
    expect(presentsToken(`bearer   ${TOKEN}`, TOKEN)).to.equal(true)
    expect(presentsToken(basic('anyone', TOKEN), TOKEN)).to.equal(true)
    expect(presentsToken(basic(TOKEN, 'x'), TOKEN)).to.equal(false)
    expect(presentsToken(`Bearer ${TOKEN}x`, TOKEN)).to.equal(false)
    expect(presentsToken(`Bearer ${TOKEN.slice(1)}`, TOKEN)).to.equal(false)
    expect(presentsToken(undefined, TOKEN)).to.equal(false)
    expect(presentsToken(TOKEN, TOKEN)).to.equal(false)
    const rules = { ...loopback, clientToken: TOKEN }
    const refused = admit({ host: '127.0.0.1:9200' }, rules)
    expect(refused).to.include({ status: 401, type: 'proxy_client_token_required' })
    expect(JSON.stringify(refused)).not.to.include(TOKEN)
    expect(
      admit({ host: '127.0.0.1:9200', authorization: `Bearer ${TOKEN}` }, rules),
    ).to.deep.equal({ cors: {} })
  })
})
