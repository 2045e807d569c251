import { expect } from 'chai'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Client } from '@elastic/elasticsearch'
import { CALLBACK_VARIANTS, CLIENT_VARIANTS } from '../support/client-variants'
import { views } from '../reliability/secrets-scenarios'

/**
 * A server (or a proxy in front of it) that quotes the request's session token and signature
 * back: in error bodies of any status and media type, JSON-escaped (`\u002b`, `\/`),
 * percent-encoded or as HTML entities, and in response headers. None of it reaches what a user
 * sees of the answer (the error, its message, `meta.body`, `meta.headers`, inspect, JSON), on
 * every client of both lineages; the marks show where something was replaced.
 */

const TOKEN = 'IQoJb3JpZ2luX2VjEcho+Secret/Session=Token=='
const CREDS = { accessKeyId: 'AKIDECHO', secretAccessKey: 'echo/secret', sessionToken: TOKEN }

/** The ways the server spells a secret. */
function forms(secret: string): string[] {
  return [
    secret,
    secret.replace(/\//g, '\\/'),
    secret.replace(/\+/g, '\\u002b').replace(/=/g, '\\u003d').replace(/\//g, '\\u002f'),
    encodeURIComponent(secret),
    secret.replace(/\+/g, '&#43;').replace(/\//g, '&#x2F;').replace(/=/g, '&#61;'),
  ]
}

function signatureOf(req: IncomingMessage): string {
  return /Signature=([0-9a-f]{64})/.exec(req.headers.authorization ?? '')?.[1] ?? 'none'
}

const INFO = JSON.stringify({
  version: { number: '7.10.2', build_flavor: 'default' },
  tagline: 'You Know, for Search',
})

function answer(req: IncomingMessage, res: ServerResponse): void {
  const token = String(req.headers['x-amz-security-token'])
  const all = [...forms(token), signatureOf(req)]
  const echo = { 'x-echo': encodeURIComponent(token), 'x-echo-raw': `token=${token}` }
  switch (req.url?.split('?')[0]) {
    case '/':
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
      })
      return void res.end(INFO)
    case '/text500':
      res.writeHead(500, { 'content-type': 'text/plain', ...echo })
      return void res.end(`proxy error; request headers were:\n${all.join('\n')}\n`)
    case '/json400':
      res.writeHead(400, { 'content-type': 'application/json', ...echo })
      return void res.end(
        `{"error":{"type":"bad_request","reason":"${all.join(' ')}"},"status":400}`,
      )
    case '/ok':
      res.writeHead(200, { 'content-type': 'application/json', ...echo })
      return void res.end('{"acknowledged":true}')
    default:
      res.writeHead(404)
      res.end()
  }
}

type Send = (url: string, path: string) => Promise<unknown>

const clients: Array<{ name: string; send: Send }> = [
  ...CLIENT_VARIANTS.map((v) => ({
    name: v.name,
    send: async (url: string, path: string) => {
      const client = v.make(
        url,
        { region: 'eu-west-1', credentials: CREDS },
        { maxRetries: 0 },
      ) as Client
      try {
        return await client.transport.request({ method: 'GET', path }, { meta: true })
      } finally {
        await client.close()
      }
    },
  })),
  ...CALLBACK_VARIANTS.map((v) => ({
    name: v.name,
    send: async (url: string, path: string) => {
      const client = v.make(url, { region: 'eu-west-1', credentials: CREDS }, { maxRetries: 0 })
      try {
        return await client.transport.request({ method: 'GET', path })
      } finally {
        await client.close()
      }
    },
  })),
]

describe('e2e: secrets a server quotes back, in any encoding, any status, any header', function () {
  this.timeout(30_000)
  let url: string
  const server = createServer(answer)

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => server.close())

  for (const { name, send } of clients) {
    for (const path of ['/text500', '/json400', '/ok']) {
      it(`${name}: ${path}`, async () => {
        const outcome = await send(url, path).catch((err: unknown) => err)
        const shown = views(outcome).join('\n')
        for (const form of forms(TOKEN)) expect(shown).not.to.include(form)
        expect(shown).to.include('<redacted session token>')
        if (path !== '/ok') {
          expect(shown).to.match(/<redacted signature>/)
          expect(shown).not.to.match(/[0-9a-f]{64}/)
        }
      })
    }
  }
})
