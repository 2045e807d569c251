// `elasticsearch-aws-sigv4 request` as users run it: the built bin in a child process, its
// credentials in the environment only, against the emulator, which checks every signature from
// what arrived on the wire.
import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '../../lib/testing'
import { spawn } from 'node:child_process'
import { BUILT_CLI, isOneLineError, keyEnv, leaksIn, scanned, useBuiltCli } from './support'

const REGION = 'eu-west-1'
const KEY = {
  accessKeyId: 'ASIAREQUESTCLI0WXYZ',
  secretAccessKey: 'request/cli+secret=key',
  sessionToken: 'request-cli-session/token+with=chars',
}

/** The emulator's canonical request, with the session token line as ours shows it. */
function redactedToken(canonical: string | undefined): string {
  return (canonical ?? '').replace(
    /^x-amz-security-token:.*$/m,
    'x-amz-security-token:<redacted session token>',
  )
}

/** The canonical request a `-v` or `--dry-run` printed. */
function printedCanonical(output: string): string {
  return output.split('--- canonical request ---\n')[1]?.split('\n--- string to sign ---')[0] ?? ''
}

describe('cli: request (the built bin against the emulator)', function () {
  this.timeout(60_000)
  const harness = useBuiltCli()
  let emu: Emulator
  let url: (path: string) => string

  before(async () => {
    emu = await startEmulator({ credentials: KEY, region: REGION })
    url = (path) => `${emu.url}${path}`
  })
  after(() => emu.close())
  beforeEach(() => emu.clearVerdicts())

  const userEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv =>
    harness.env({ ...keyEnv(KEY), AWS_REGION: REGION, ...extra })
  const request = (args: string[], input?: string) =>
    harness.cli(['request', ...args], { env: userEnv(), input })

  it('signs every method as sent: PUT, POST, GET, HEAD, PATCH, OPTIONS, DELETE', async () => {
    const steps: Array<[string[], number, number]> = [
      [['-X', 'PUT', url('/methods')], 0, 200],
      [['-X', 'POST', url('/methods/_doc?refresh=true'), '-d', '{"n":1}'], 0, 201],
      [[url('/methods/_search')], 0, 200],
      [['-X', 'HEAD', url('/methods')], 0, 200],
      // No such API: the store answers 405, after the signature check passed.
      [['-X', 'PATCH', url('/methods')], 1, 405],
      [['-X', 'OPTIONS', url('/')], 1, 405],
      [['-X', 'DELETE', url('/methods')], 0, 200],
    ]
    for (const [args, code, status] of steps) {
      const r = await request(args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(code)
      expect(emu.verdicts.at(-1)?.status, args.join(' ')).to.equal(status)
    }
    expect(emu.verdicts.map((v) => v.method)).to.deep.equal([
      'PUT',
      'POST',
      'GET',
      'HEAD',
      'PATCH',
      'OPTIONS',
      'DELETE',
    ])
    expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
    expect(emu.store.indexNames()).not.to.include('methods')
  })

  it('writes a document with a tricky id and reads it back, the id percent-encoded as typed', async () => {
    for (const id of ["a/b c+d%e?f#g&h=i:j,k*(l)!'~ü", '..', 'x.y']) {
      const path = `/tricky/_doc/${encodeURIComponent(id)}`
      const put = await request(['-X', 'PUT', url(path), '-d', JSON.stringify({ id })])
      expect(put.code, put.stderr).to.equal(0)
      expect(JSON.parse(put.stdout)).to.include({ _id: id, result: 'created' })
      const got = await request([url(path)])
      expect(got.code, got.stderr).to.equal(0)
      expect(JSON.parse(got.stdout)).to.deep.include({ _id: id, found: true, _source: { id } })
      expect(emu.store.getDocument('tricky', id)).to.deep.equal({ id })
    }
    expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
  })

  it('signs reserved query characters as typed, and the endpoint reads the values meant', async () => {
    await request(['-X', 'PUT', url('/q/_doc/1?refresh=true'), '-d', '{"msg":"hello"}'])
    const seen: string[] = []
    const stop = emu.onRequest(({ query }) => {
      seen.push(query)
    })
    try {
      // As typed in a shell: raw reserved characters, an escaped `=`, a comma list.
      const cases: Array<[string, Record<string, string>]> = [
        ['q=msg:(hel* OR "x") !y', { q: 'msg:(hel* OR "x") !y' }],
        [
          'q=msg:hel*&filter_path=hits.hits._id,took',
          { q: 'msg:hel*', filter_path: 'hits.hits._id,took' },
        ],
        ['q=tag:a%3D', { q: 'tag:a=' }],
        [
          "q=msg:hello&sort=_id:asc&_source=msg,'x'",
          { q: 'msg:hello', sort: '_id:asc', _source: "msg,'x'" },
        ],
      ]
      for (const [query, meant] of cases) {
        seen.length = 0
        const r = await request([url(`/q/_search?${query}`)])
        expect(r.code, `${query}: ${r.stderr}`).to.equal(0)
        expect(Object.fromEntries(new URLSearchParams(seen[0])), query).to.deep.equal(meant)
      }
    } finally {
      stop()
    }
    const found = await request([url('/q/_search?q=msg:hel*')])
    const body = JSON.parse(found.stdout) as { hits: { hits: Array<{ _id: string }> } }
    expect(body.hits.hits.map((hit) => hit._id)).to.deep.equal(['1'])
    expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
  })

  it('sends _bulk from a file: its NDJSON bytes as they are, as application/x-ndjson', async () => {
    const file = join(harness.home, 'bulk.ndjson')
    const lines = [1, 2, 3].flatMap((i) => [
      JSON.stringify({ index: { _index: 'bulk-file', _id: `d${i}` } }),
      JSON.stringify({ i }),
    ])
    writeFileSync(file, lines.join('\n') + '\n')
    const r = await request(['-X', 'POST', url('/_bulk'), '-d', `@${file}`])
    expect(r.code, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.include({ errors: false })
    expect(emu.store.documentCount('bulk-file')).to.equal(3)
    expect(emu.verdicts[0].canonicalRequest).to.include('content-type:application/x-ndjson')
  })

  it('sends _bulk from stdin (-d @-), POST by default with a body', async () => {
    const ndjson =
      ['a', 'b']
        .map((id) => `{"index":{"_index":"bulk-stdin","_id":"${id}"}}\n{"id":"${id}"}`)
        .join('\n') + '\n'
    const r = await request([url('/_bulk'), '-d', '@-'], ndjson)
    expect(r.code, r.stderr).to.equal(0)
    expect(emu.verdicts[0].method).to.equal('POST')
    expect(emu.store.documentCount('bulk-stdin')).to.equal(2)
  })

  it('-i on a 404: the status line and headers before the body, exit 1', async () => {
    await request(['-X', 'PUT', url('/present')])
    const r = await request(['-i', url('/present/_doc/missing')])
    expect(r.code).to.equal(1)
    const [head, body] = r.stdout.split('\n\n')
    const headLines = head.split('\n')
    expect(headLines[0]).to.equal('HTTP/1.1 404 Not Found')
    expect(headLines).to.include('content-type: application/json; charset=UTF-8')
    expect(JSON.parse(body)).to.deep.equal({ _index: 'present', _id: 'missing', found: false })
    expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
    expect(r.stderr).to.include('404 Not Found')
  })

  it('--dry-run sends nothing, and prints what it would sign with the secrets redacted', async () => {
    const r = await request(['--dry-run', '-X', 'POST', url('/dry/_doc'), '-d', '{"a":1}'])
    expect(r.code, r.stderr).to.equal(0)
    expect(emu.verdicts).to.have.length(0)
    expect(r.stdout).to.include('--- canonical request ---\nPOST\n/dry/_doc\n')
    expect(r.stdout).to.include('content-type:application/json\n')
    expect(r.stdout).to.include('x-amz-security-token:<redacted session token>')
    expect(r.stdout).to.match(
      /--- string to sign ---\nAWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/eu-west-1\/es\/aws4_request\n[0-9a-f]{64}\n/,
    )
    expect(r.stdout).to.include('Credential=ASIA…WXYZ/')
    expect(r.stdout).to.include('Signature=<redacted signature>')
  })

  it('-v shows on stderr the canonical request the endpoint rebuilt, and the response head', async () => {
    const r = await request(['-v', url('/_search?q=msg:(a b)&size=1')])
    expect(r.code, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.have.property('hits')
    expect(printedCanonical(r.stderr)).to.equal(redactedToken(emu.verdicts[0].canonicalRequest))
    expect(r.stderr).to.include('< HTTP/1.1 200 OK')
    expect(r.stderr).to.include('* region eu-west-1 (from AWS_REGION) · service es (the default)')
  })

  it("a 403 exits 1 with AWS's words on stderr, and the body on stdout", async () => {
    emu.revoke(KEY.accessKeyId)
    try {
      const r = await request([url('/')])
      expect(r.code).to.equal(1)
      expect(JSON.parse(r.stdout)).to.deep.equal({
        message: 'The security token included in the request is expired',
      })
      expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
      expect(r.stderr).to.include('403 The security token included in the request is expired')
      expect(r.stderr).to.include('diagnose')
    } finally {
      emu.restore(KEY.accessKeyId)
    }
  })

  it('a mismatch 403 quoting the canonical request prints it with the session token redacted', async () => {
    const r = await harness.cli(['request', url('/')], {
      env: userEnv({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }),
    })
    expect(r.code).to.equal(1)
    expect(r.stdout).to.include('The Canonical String for this request should have been')
    expect(r.stdout).to.include('x-amz-security-token:<redacted session token>')
  })

  it('--unsigned-payload sends UNSIGNED-PAYLOAD, and the endpoint accepts the body unsigned', async () => {
    const r = await request([
      '--unsigned-payload',
      '-X',
      'PUT',
      url('/unsigned/_doc/1'),
      '-d',
      '{"a":1}',
    ])
    expect(r.code, r.stderr).to.equal(0)
    expect(emu.verdicts[0].ok).to.equal(true)
    expect(emu.verdicts[0].canonicalRequest?.split('\n').at(-1)).to.equal('UNSIGNED-PAYLOAD')
    expect(emu.store.getDocument('unsigned', '1')).to.deep.equal({ a: 1 })
  })

  it("-H replaces the default content type, and 'Content-Type:' removes it", async () => {
    const replaced = await request([
      '-X',
      'POST',
      url('/_bulk'),
      '-d',
      '{"index":{"_index":"h"}}\n{}\n',
      '-H',
      'Content-Type: application/json',
    ])
    expect(replaced.code, replaced.stderr).to.equal(0)
    expect(emu.verdicts[0].canonicalRequest).to.include('content-type:application/json\n')
    const removed = await request(['-X', 'POST', url('/h/_doc'), '-d', '{}', '-H', 'Content-Type:'])
    expect(removed.code).to.equal(1)
    expect(removed.stderr).to.include('406 Content-Type header is missing')
  })

  it('--compressed asks for gzip and prints the body decompressed; without it, as it arrived', async () => {
    const json = '{"compressed":true}'
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      if (/gzip/.test(req.headers['accept-encoding'] ?? '')) {
        res.setHeader('content-encoding', 'gzip')
        res.end(gzipSync(json))
      } else res.end(json)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
      const compressed = await request(['--compressed', base])
      expect(compressed.code, compressed.stderr).to.equal(0)
      expect(compressed.stdout).to.equal(json)
      // Asked for gzip by hand, without --compressed: the gzip bytes as they arrived.
      const plain = await request([base, '-H', 'Accept-Encoding: gzip'])
      expect(plain.code, plain.stderr).to.equal(0)
      expect(plain.stdout.charCodeAt(0)).to.equal(0x1f)
      expect(plain.stdout).not.to.include('compressed')
    } finally {
      server.close()
    }
  })

  it('--compressed decompresses to at most 100 MiB: a body that inflates past it is printed as it arrived', async () => {
    // 101 MiB of zeros: about 100 KiB of gzip.
    const bomb = gzipSync(Buffer.alloc(101 * 1024 * 1024))
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/octet-stream')
      res.setHeader('content-encoding', 'gzip')
      res.end(bomb)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
      const r = await request(['--compressed', base])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stderr).to.include(
        'the body decompresses to more than 104857600 bytes; printed as it arrived',
      )
      expect(r.stdout.charCodeAt(0)).to.equal(0x1f)
      expect(r.stdout.length).to.be.below(1024 * 1024)
    } finally {
      server.close()
    }
  })

  it('-i and -v show no token a server quotes back: in headers, in any encoding, at any status', async () => {
    const escaped = (t: string) =>
      t.replace(/\+/g, '\\u002b').replace(/=/g, '\\u003d').replace(/\//g, '\\/')
    const server = createServer((req, res) => {
      const token = String(req.headers['x-amz-security-token'])
      res.setHeader('content-type', 'application/json')
      res.setHeader('x-echo', encodeURIComponent(token))
      res.statusCode = req.url === '/ok' ? 200 : 500
      res.end(`{"message":"token ${escaped(token)} rejected","t":"${token}"}`)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      for (const path of ['/ok', '/fail']) {
        const r = await request(['-i', '-v', `${base}${path}`])
        const printed = r.stdout + r.stderr
        for (const form of [
          KEY.sessionToken,
          encodeURIComponent(KEY.sessionToken),
          escaped(KEY.sessionToken),
        ]) {
          expect(printed, path).not.to.include(form)
        }
        expect(r.stdout).to.include('x-echo: <redacted session token>')
        expect(r.stdout).to.include('"t":"<redacted session token>"')
      }
    } finally {
      server.close()
    }
  })

  it("an unknown region: a note names it 'not a known AWS region', and the request is signed for it", async () => {
    const typo = await startEmulator({ credentials: KEY, region: 'eu-wset-1' })
    try {
      const r = await harness.cli(['request', '--region', 'eu-wset-1', `${typo.url}/`], {
        env: userEnv(),
      })
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stderr).to.equal(
        'elasticsearch-aws-sigv4: note: eu-wset-1 is not a known AWS region: did you mean ' +
          'eu-west-1? (signed for it as given)\n',
      )
      expect(typo.verdicts.map((v) => v.ok)).to.deep.equal([true])
      const known = await request([url('/')])
      expect(known.stderr).to.equal('')
    } finally {
      await typo.close()
    }
  })

  it('piped into a reader that stops early (| head): exits quietly, no EPIPE stack', async () => {
    const big = JSON.stringify({ filler: 'x'.repeat(4 << 20) })
    const stop = emu.onRequest(() => ({ status: 200, body: big }))
    try {
      const child = spawn(process.execPath, [BUILT_CLI, 'request', url('/big')], {
        env: userEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
      // Like `head -c 1`: read one chunk, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy())
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
      expect(stderr).to.equal('')
      expect(code).to.equal(0)
    } finally {
      stop()
    }
  })

  it("a 403's 'diagnose says why' keeps --profile, --region, --service and --signing-host", async () => {
    const r = await request([
      url('/'),
      '--region',
      'us-east-1',
      '--service',
      'es',
      '--signing-host',
      'localhost',
    ])
    expect(r.code).to.equal(1)
    expect(r.stderr).to.include(
      `(elasticsearch-aws-sigv4 diagnose ${emu.url} --region us-east-1 --service es --signing-host localhost says why)`,
    )
  })

  it('a 403 for a key sent without its session token names the missing token', async () => {
    const env = harness.env({
      AWS_ACCESS_KEY_ID: 'AKIDNOTOKEN0000',
      AWS_SECRET_ACCESS_KEY: 'no-token-secret',
      AWS_REGION: REGION,
    })
    emu.addCredentials({
      accessKeyId: 'AKIDNOTOKEN0000',
      secretAccessKey: 'no-token-secret',
      sessionToken: 'the-token-it-needs',
    })
    const r = await harness.cli(['request', url('/')], { env })
    expect(r.code).to.equal(1)
    expect(r.stderr).to.include('403 The security token included in the request is invalid.')
    expect(r.stderr).to.include('no session token was sent')
    expect(r.stderr).to.include('AWS_SESSION_TOKEN')
  })

  it('https:// to a plain-HTTP endpoint says to use http://', async () => {
    const r = await request([url('/').replace('http://', 'https://'), '-m', '5'])
    expect(r.code).to.equal(1)
    expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
    expect(r.stderr).to.include(`the endpoint speaks plain HTTP: use ${url('/')}`)
    expect(r.stderr).not.to.match(/SSL|ssl3|EPROTO/)
  })

  it('-I sends HEAD and prints the status line and headers only', async () => {
    await request(['-X', 'PUT', url('/head-i')])
    const r = await request(['-I', url('/head-i')])
    expect(r.code, r.stderr).to.equal(0)
    expect(emu.verdicts.at(-1)?.method).to.equal('HEAD')
    expect(r.stdout.split('\n')[0]).to.equal('HTTP/1.1 200 OK')
    expect(r.stdout.endsWith('\n\n')).to.equal(true)
    const missing = await request(['--head', url('/no-such-index')])
    expect(missing.code).to.equal(1)
    expect(missing.stdout.split('\n')[0]).to.equal('HTTP/1.1 404 Not Found')
  })

  it('--signing-host signs for the host a tunnel leads to, its region from that host', async () => {
    const domain = 'vpc-logs-abc123.ap-northeast-1.es.amazonaws.com'
    const tunnel = await startEmulator({
      credentials: KEY,
      region: 'ap-northeast-1',
      expectedHost: domain,
    })
    try {
      const r = await harness.cli(['request', `${tunnel.url}/`, '--signing-host', domain], {
        env: userEnv(),
      })
      expect(r.code, r.stderr).to.equal(0)
      expect(tunnel.verdicts.map((v) => v.ok)).to.deep.equal([true])
      expect(tunnel.verdicts[0].canonicalRequest).to.include(`host:${domain}\n`)
    } finally {
      await tunnel.close()
    }
  })

  it('sends the query as typed (?v stays ?v); only what a request line cannot carry is encoded', async () => {
    const seen: string[] = []
    const stop = emu.onRequest(({ query }) => {
      seen.push(query)
    })
    try {
      for (const query of ['v', 'format=json&h=index,docs.count&v', 'b=2&a=1&a=0', 'q=a b']) {
        const r = await request([url(`/_cat/indices?${query}`)])
        expect(r.code, `${query}: ${r.stderr}`).to.equal(0)
      }
    } finally {
      stop()
    }
    expect(seen).to.deep.equal(['v', 'format=json&h=index,docs.count&v', 'b=2&a=1&a=0', 'q=a%20b'])
    expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
  })

  it('-H Content-Type wins over the Amazon-engine media-type adaptation', async () => {
    const vendor = 'application/vnd.elasticsearch+json; compatible-with=8'
    const r = await request([
      '-X',
      'POST',
      url('/vendor/_doc'),
      '-d',
      '{}',
      '-H',
      `Content-Type: ${vendor}`,
    ])
    expect(emu.verdicts[0].canonicalRequest).to.include(`content-type:${vendor}\n`)
    // The emulator plays an Amazon domain, which refuses Elastic's vendor types.
    expect(r.code).to.equal(1)
    expect(emu.verdicts[0].status).to.equal(406)
  })

  it("--profile P: the profile's region is signed for when nothing else names one", async () => {
    const credentials = join(harness.home, 'request-credentials-region')
    const config = join(harness.home, 'request-config-region')
    writeFileSync(
      credentials,
      `[regional]\naws_access_key_id = ${KEY.accessKeyId}\naws_secret_access_key = ${KEY.secretAccessKey}\naws_session_token = ${KEY.sessionToken}\n`,
    )
    writeFileSync(config, `[profile regional]\nregion = ${REGION}\n`)
    const env = harness.env({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config })
    const r = await harness.cli(['request', '-v', url('/'), '--profile', 'regional'], { env })
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stderr).to.include(`* region ${REGION} (from profile "regional")`)
    expect(emu.verdicts.map((v) => v.ok)).to.deep.equal([true])
  })

  it('usage and configuration mistakes: one line naming the fix, exit 2, nothing sent', async () => {
    const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
      [[], /give the URL/],
      [[url('/'), url('/x')], /give one URL/],
      [['search-x.eu-west-1.es.amazonaws.com'], /with its scheme/],
      [['ftp://example.com/'], /only http/],
      [['-H', 'nonsense', url('/')], /is not 'Name: value'/],
      [['-H', 'Authorization: x', url('/')], /signature sets host, authorization/],
      [['-d', 'a', '-d', 'b', url('/')], /give one body/],
      [['-d', '@/no/such/file', url('/')], /no such file/],
      [['-X', 'GE T', url('/')], /not an HTTP method/],
      [['--bogus', url('/')], /unknown option --bogus.*request --help/],
      [['--region', 'eu_west_1', url('/')], /--region.*did you mean 'eu-west-1'/],
      [['-m', 'soon', url('/')], /not a number of seconds/],
      [[url('/')], /--region/, harness.env({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })],
      [[url('/')], /no AWS credentials.*AWS_ACCESS_KEY_ID/, harness.env({ AWS_REGION: REGION })],
      [
        ['https://search-x.es.amazonaws.com/'],
        /URL host .* is malformed: the region label is missing/,
      ],
    ]
    for (const [args, pattern, env] of cases) {
      const r = await harness.cli(['request', ...args], { env: env ?? userEnv() })
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2)
      expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
      expect(r.stderr, args.join(' ')).to.match(pattern)
    }
    expect(emu.verdicts).to.have.length(0)
  })

  it('no answer: one line naming what to check, exit 1', async () => {
    const r = await request(['http://127.0.0.1:9/', '-m', '5'])
    expect(r.code).to.equal(1)
    expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
    expect(r.stderr).to.match(/could not reach 127\.0\.0\.1:9.*Check the URL/)
  })

  it('--help lists every flag', async () => {
    const r = await harness.cli(['request', '--help'])
    expect(r.code).to.equal(0)
    for (const flag of [
      '-X, --request',
      '-d, --data',
      '--data-binary',
      '--data-raw',
      '-H, --header',
      '-i, --include',
      '-v, --verbose',
      '--dry-run',
      '--region',
      '--service',
      '--profile',
      '--unsigned-payload',
      '--compressed',
      '-I, --head',
      '--signing-host',
      '-m, --max-time',
    ]) {
      expect(r.stdout).to.include(flag)
    }
  })

  it('printed no secret key, session token or sent signature, in any run above', () => {
    const { runs, signatures } = scanned()
    // Requests signed in the same second with the same canonical request share a signature,
    // so this counts fewer than were sent; it only shows the scan had something to look for.
    expect(runs).to.be.greaterThan(30)
    expect(signatures).to.be.at.least(20)
    expect(leaksIn([KEY.secretAccessKey, KEY.sessionToken])).to.deep.equal([])
  })
})
