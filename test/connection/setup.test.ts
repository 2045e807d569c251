import { expect } from 'chai'
import { nodeContext, refuseClientAuth, setUpNodeConnection } from '../../lib/connection/setup'
import { resolveOptions } from '../../lib/connection/options'
import { AwsSigV4ConfigurationError } from '../../lib/errors'

describe("connection-setup: the client's own authentication is refused", () => {
  const auths = {
    basic: { username: 'u', password: 'p' },
    'API key': { apiKey: 'a2V5' },
    bearer: { bearer: 'token' },
    "the OpenSearch client's AwsSigv4Signer": {
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret-never-shown' },
      region: 'eu-west-1',
      service: 'es',
    },
  }
  for (const [name, auth] of Object.entries(auths)) {
    it(`${name}: an AwsSigV4ConfigurationError naming auth, never showing it`, () => {
      let err: unknown
      try {
        refuseClientAuth({ url: new URL('https://localhost:9200'), auth })
      } catch (e) {
        err = e
      }
      expect(err).to.be.instanceOf(AwsSigV4ConfigurationError)
      expect((err as AwsSigV4ConfigurationError).option).to.equal('auth')
      expect((err as Error).message).to.match(/Remove "auth" from the client options/)
      expect((err as Error).message).not.to.include('secret-never-shown')
      expect((err as Error).message).not.to.include('a2V5')
    })
  }

  it('lets connections without auth through', () => {
    expect(() => refuseClientAuth({ url: new URL('https://localhost:9200') })).not.to.throw()
    expect(() => refuseClientAuth({ auth: null })).not.to.throw()
    expect(() => refuseClientAuth(undefined)).not.to.throw()
  })
})

describe('connection-setup: a connection the client just created for a node', () => {
  const config = resolveOptions({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  })

  it('hides the agent, lower-cases the default headers, and resolves what the node signs for', () => {
    const connection = {
      url: new URL('https://search-a-1.eu-west-1.es.amazonaws.com'),
      headers: { 'X-Team': 'search' },
      agent: { sockets: {} },
    }
    const node = setUpNodeConnection(connection, { url: connection.url }, config)
    expect(Object.keys(connection)).to.deep.equal(['url', 'headers'])
    expect(connection.agent).to.deep.equal({ sockets: {} })
    expect(connection.headers).to.deep.equal({ 'x-team': 'search' })
    expect(node.target).to.include({ region: 'eu-west-1', service: 'es' })
    expect(node.plainMediaTypes).to.equal(true)
  })

  it('gives the same context while url and headers stay, a new one once either is replaced', () => {
    const connection = {
      url: new URL('https://search-a-1.eu-west-1.es.amazonaws.com'),
      headers: {},
    }
    const node = setUpNodeConnection(connection, { url: connection.url }, config)
    const first = nodeContext(node, connection, undefined)
    expect(first).to.include({ url: connection.url, headers: connection.headers })
    expect(first.target).to.equal(node.target)
    expect(nodeContext(node, connection, first)).to.equal(first)
    connection.headers = { 'x-v': '2' }
    const second = nodeContext(node, connection, first)
    expect(second).not.to.equal(first)
    expect(second.headers).to.equal(connection.headers)
    connection.url = new URL('https://search-a-1.eu-west-1.es.amazonaws.com/prefix')
    const third = nodeContext(node, connection, second)
    expect(third).not.to.equal(second)
    expect(third.url).to.equal(connection.url)
  })

  it('refuses auth before anything else', () => {
    const connection = { url: new URL('https://localhost:9200'), headers: {} }
    expect(() =>
      setUpNodeConnection(connection, { auth: { username: 'u', password: 'p' } }, config),
    ).to.throw(AwsSigV4ConfigurationError, /auth/)
  })
})

describe("connection-setup: SigV4's own names among a node's headers", () => {
  const config = resolveOptions({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  })

  it('are dropped, in any case, when set up and whenever the headers are replaced', () => {
    const stray = {
      'X-Amz-Security-Token': 't',
      authorization: 'Basic x',
      Host: 'h',
      'X-Amz-Date': 'd',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'X-Team': 'search',
    }
    const connection = { url: new URL('https://localhost:9200'), headers: { ...stray } }
    const node = setUpNodeConnection(connection, { url: connection.url }, config)
    expect(connection.headers).to.deep.equal({ 'x-team': 'search' })
    const first = nodeContext(node, connection, undefined)
    connection.headers = { ...stray, 'X-Team': 'later' }
    const second = nodeContext(node, connection, first)
    expect(connection.headers).to.deep.equal({ 'x-team': 'later' })
    expect(second.headers).to.equal(connection.headers)
  })
})
