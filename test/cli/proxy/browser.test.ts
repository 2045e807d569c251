// A browser app through the proxy: a page in headless Chromium (Debian's `chromium`, driven by
// playwright-core) on its own origin fetches search results through a --read-only proxy started
// with --cors for that origin, and shows the proxy's refusal of a write. A page on an origin not
// given with --cors gets nothing.
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import { startPair, type Pair } from './support'

/** Chromium as Debian installs it; the test says how to get it when it is missing. */
function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error('chromium is not installed: apt-get install -y chromium (.ci/run installs it)')
  }
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>search app</title>
<p id="hits">…</p>
<p id="write">…</p>
<script>
  const proxy = new URLSearchParams(location.search).get('proxy')
  async function main() {
    try {
      const search = await fetch(proxy + '/books/_search', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: { match: { title: 'dune' } } }),
      })
      const found = await search.json()
      document.getElementById('hits').textContent =
        search.status + ' ' + found.hits.hits.map((hit) => hit._source.title).join(', ')
    } catch (err) {
      document.getElementById('hits').textContent = 'blocked: ' + err.name
    }
    try {
      const write = await fetch(proxy + '/books/_doc/9', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'a write' }),
      })
      const refusal = await write.json()
      document.getElementById('write').textContent = write.status + ' ' + refusal.error.reason
    } catch (err) {
      document.getElementById('write').textContent = 'blocked: ' + err.name
    }
  }
  main()
</script>`

describe('proxy with a browser app (headless Chromium, --cors)', function () {
  this.timeout(120_000)
  let pair: Pair
  let site: Server
  let port: number
  let browser: Browser

  before(async () => {
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(PAGE)
    })
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
    port = (site.address() as AddressInfo).port
    pair = await startPair({}, { readOnly: true, cors: `http://localhost:${port}` })
    for (const [id, title] of [
      ['1', 'dune'],
      ['2', 'dune messiah'],
      ['3', 'emma'],
    ]) {
      pair.emu.store.handle({
        method: 'PUT',
        segments: ['books', '_doc', id],
        query: new Map([['refresh', 'true']]),
        body: Buffer.from(JSON.stringify({ title })),
      })
    }
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  })
  after(async () => {
    await browser?.close()
    await pair?.close()
    await new Promise<void>((resolve) => site.close(() => resolve()))
  })

  const open = async (origin: string): Promise<{ hits: string; write: string }> => {
    const page = await browser.newPage()
    try {
      await page.goto(`${origin}/?proxy=${encodeURIComponent(pair.proxy.url)}`)
      await page.waitForFunction(
        () => !['…'].includes(document.getElementById('write')?.textContent ?? '…'),
        undefined,
        { timeout: 30_000 },
      )
      return {
        hits: (await page.textContent('#hits')) ?? '',
        write: (await page.textContent('#write')) ?? '',
      }
    } finally {
      await page.close()
    }
  }

  it('the app on the --cors origin gets search results, and sees the refusal of its write', async () => {
    pair.emu.clearVerdicts()
    const shown = await open(`http://localhost:${port}`)
    expect(shown.hits).to.equal('200 dune, dune messiah')
    expect(shown.write).to.match(
      /^403 the proxy runs with --read-only and does not forward PUT \/books\/_doc\/9/,
    )
    // The search went out signed; the preflights were answered by the proxy; the write never left.
    expect(pair.emu.verdicts.map((v) => `${v.method} ${v.path} ${v.ok}`)).to.deep.equal([
      'POST /books/_search true',
    ])
    expect(pair.emu.store.documentCount('books')).to.equal(3)
  })

  it('the same app on an origin not given with --cors gets nothing through', async () => {
    pair.emu.clearVerdicts()
    const shown = await open(`http://127.0.0.1:${port}`)
    expect(shown.hits).to.equal('blocked: TypeError')
    expect(shown.write).to.equal('blocked: TypeError')
    expect(pair.emu.verdicts).to.have.length(0)
    const refused = pair.requests().filter((e) => e.status === 403 && e.proxy?.includes('--cors'))
    expect(refused.length).to.be.above(0)
  })
})
