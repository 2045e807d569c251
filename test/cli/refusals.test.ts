// The refusal texts below are AWS's and OpenSearch's own, as quoted in public reports: the IAM
// guide "Troubleshoot access denied error messages", es domain reports (e.g.
// aws/serverless-application-model#3704, aws-quickstart/quickstart-datalake-47lining#18),
// the security plugin's SecurityFilter and User.toString (opensearch-project/security),
// "Troubleshooting Amazon OpenSearch Serverless", joona/aws-es-curl#15 (scope), and the
// API Gateway and VPC Lattice texts quoted in ASFHyP3/hyp3#2283 and the EKS Lattice workshops.
import { expect } from 'chai'
import {
  answerSummary,
  expectedCanonical,
  parseFgacDenial,
  parseIamDenial,
  parseScope,
  recognizeRefusal,
  serverTimeIn,
  type AnswerText,
} from '../../lib/cli/refusals'

const json = (status: number, body: unknown, headers: Record<string, string> = {}): AnswerText => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  text: typeof body === 'string' ? body : JSON.stringify(body),
})

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

describe('cli refusals: what a 401/403 says', () => {
  it("recognises the connection's three SigV4 rejections through classifyAwsRejection", () => {
    expect(
      recognizeRefusal(
        json(403, { message: 'The security token included in the request is invalid.' }),
        'es',
      ),
    ).to.deep.equal({
      kind: 'credentials-rejected',
      expired: false,
    })
    expect(
      recognizeRefusal(
        json(403, { message: 'The security token included in the request is expired' }),
        'es',
      ),
    ).to.deep.equal({
      kind: 'credentials-rejected',
      expired: true,
    })
    expect(
      recognizeRefusal(
        json(403, {
          message:
            'Signature expired: 20150806T131223Z is now earlier than 20150806T131534Z (20150806T132034Z - 5 min.)',
        }),
        'es',
      ),
    ).to.deep.equal({ kind: 'clock-skew', serverTime: new Date('2015-08-06T13:20:34Z') })
    const mismatch = recognizeRefusal(
      json(403, {
        message: `${MISMATCH}\n\nThe Canonical String for this request should have been\n'GET\n/\n\nhost:x\n\nhost\nabc'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261201T000000Z\nscope\nhash'\n`,
      }),
      'es',
    )
    expect(mismatch).to.deep.equal({
      kind: 'signature-mismatch',
      expected: {
        canonicalRequest: 'GET\n/\n\nhost:x\n\nhost\nabc',
        stringToSign: 'AWS4-HMAC-SHA256\n20261201T000000Z\nscope\nhash',
      },
    })
    expect(recognizeRefusal(json(403, { message: MISMATCH }), 'generic')).to.deep.equal({
      kind: 'signature-mismatch',
      expected: undefined,
    })
  })

  it('recognises IAM denials, FGAC refusals, scope errors, unsigned requests and Serverless bare refusals', () => {
    expect(
      recognizeRefusal(
        json(403, {
          Message:
            'User: anonymous is not authorized to perform: es:ESHttpGet because no resource-based policy allows the es:ESHttpGet action',
        }),
        'es',
      ),
    ).to.deep.include({ kind: 'iam-denied', principal: 'anonymous', policyType: 'resource-based' })
    expect(
      recognizeRefusal(
        json(403, {
          error: {
            type: 'security_exception',
            reason:
              'no permissions for [cluster:monitor/main] and User [name=u, backend_roles=[], requestedTenant=null]',
          },
          status: 403,
        }),
        'es',
      ),
    ).to.deep.include({ kind: 'fgac-denied', user: 'u', permissions: ['cluster:monitor/main'] })
    expect(
      recognizeRefusal(
        json(403, { message: "Credential should be scoped to correct service: 'es'. " }),
        'es',
      ),
    ).to.deep.equal({
      kind: 'wrong-scope',
      regionRefused: false,
      service: 'es',
    })
    expect(
      recognizeRefusal(json(403, { message: 'Missing Authentication Token' }), 'generic'),
    ).to.deep.equal({
      kind: 'unsigned',
    })
    const bare = {
      status: 403,
      'request-id': 'r',
      error: { reason: '403 Forbidden', type: 'Forbidden' },
    }
    expect(
      recognizeRefusal(json(403, bare, { 'x-aoss-response-hint': 'X01:gw-helper-deny' }), 'aoss'),
    ).to.deep.equal({
      kind: 'serverless-denied',
      status: 403,
      hint: 'X01:gw-helper-deny',
    })
    expect(
      recognizeRefusal(
        json(403, { status: 403, error: { reason: '403 Forbidden', type: 'Forbidden' } }),
        'aoss',
      ),
    ).to.deep.equal({ kind: 'serverless-denied', status: 403, hint: undefined })
    expect(
      recognizeRefusal(
        { status: 401, headers: { 'x-aoss-response-hint': 'X01:network-policy-deny' }, text: '' },
        'aoss',
      ),
    ).to.deep.equal({ kind: 'serverless-denied', status: 401, hint: 'X01:network-policy-deny' })
  })

  it('leaves alone what it does not know, and anything but 401/403', () => {
    expect(recognizeRefusal(json(403, { message: 'Something else' }), 'es')).to.equal(undefined)
    expect(
      recognizeRefusal(
        json(404, { message: 'The security token included in the request is invalid.' }),
        'es',
      ),
    ).to.equal(undefined)
    expect(recognizeRefusal(json(500, ''), 'es')).to.equal(undefined)
  })

  it('parses the IAM denial variants AWS words', () => {
    const cases: Array<[string, ReturnType<typeof parseIamDenial>]> = [
      [
        'User: arn:aws:sts::000000000000:assumed-role/opensearch-read-only/opensearch-read-only is not authorized to perform: es:ESHttpPut because no identity-based policy allows the es:ESHttpPut action',
        {
          principal:
            'arn:aws:sts::000000000000:assumed-role/opensearch-read-only/opensearch-read-only',
          action: 'es:ESHttpPut',
          explicit: false,
          policyType: 'identity-based',
        },
      ],
      [
        'User: arn:aws:sts::175979101058:assumed-role/AWSReservedSSO_dev_1/th is not authorized to perform: es:ESHttpGet with an explicit deny in a service control policy',
        {
          principal: 'arn:aws:sts::175979101058:assumed-role/AWSReservedSSO_dev_1/th',
          action: 'es:ESHttpGet',
          explicit: true,
          policyType: 'service control',
        },
      ],
      [
        'User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: es:ESHttpGet with an explicit deny in a service control policy: arn:aws:organizations::1:policy/o-1/service_control_policy/p-1',
        {
          principal: 'arn:aws:sts::1:assumed-role/r/s',
          action: 'es:ESHttpGet',
          explicit: true,
          policyType: 'service control',
          policyArn: 'arn:aws:organizations::1:policy/o-1/service_control_policy/p-1',
        },
      ],
      [
        'User: anonymous is not authorized to perform: es:ESHttpGet',
        { principal: 'anonymous', action: 'es:ESHttpGet', explicit: false },
      ],
      [
        'User: arn:aws:sts::1:assumed-role/x/y is not authorized to perform: es:ESHttpGet on resource: dss-azul-commons',
        {
          principal: 'arn:aws:sts::1:assumed-role/x/y',
          action: 'es:ESHttpGet',
          explicit: false,
          resource: 'dss-azul-commons',
        },
      ],
      [
        'User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-west-2:********7089:u1hp5d8r0b/api/GET/prod',
        {
          principal: 'anonymous',
          action: 'execute-api:Invoke',
          explicit: false,
          resource: 'arn:aws:execute-api:us-west-2:********7089:u1hp5d8r0b/api/GET/prod',
        },
      ],
      [
        'AccessDeniedException: User: anonymous is not authorized to perform: vpc-lattice-svcs:Invoke on resource: arn:aws:vpc-lattice:us-west-2:1:service/svc-0e5f/ because no network-based policy allows the vpc-lattice-svcs:Invoke action',
        {
          principal: 'anonymous',
          action: 'vpc-lattice-svcs:Invoke',
          explicit: false,
          resource: 'arn:aws:vpc-lattice:us-west-2:1:service/svc-0e5f/',
          policyType: 'network-based',
        },
      ],
    ]
    for (const [message, expected] of cases) {
      expect(parseIamDenial(message), message).to.deep.equal(expected)
    }
    expect(parseIamDenial('User is not authorized to perform this action')).to.equal(undefined)
  })

  it('parses the security plugin refusals: permissions, user, backend roles; no mapping', () => {
    const error = (reason: string) => ({
      error: { type: 'security_exception', reason },
      status: 403,
    })
    expect(
      parseFgacDenial(
        error(
          'no permissions for [indices:data/write/index, indices:data/write/bulk[s]] and User [name=logstash, backend_roles=[logstash], requestedTenant=null]',
        ),
      ),
    ).to.deep.equal({
      permissions: ['indices:data/write/index', 'indices:data/write/bulk[s]'],
      user: 'logstash',
      backendRoles: ['logstash'],
    })
    expect(
      parseFgacDenial(
        error(
          'no permissions for [cluster:monitor/health] and User [name=arn:aws:iam::244081531951:user/echasin, backend_roles=[], requestedTenant=null]',
        ),
      ),
    ).to.deep.equal({
      permissions: ['cluster:monitor/health'],
      user: 'arn:aws:iam::244081531951:user/echasin',
      backendRoles: [],
    })
    expect(
      parseFgacDenial(
        error(
          'no permissions for [] and User [name=admin, backend_roles=[admin], requestedTenant=null]',
        ),
      ),
    ).to.deep.equal({
      permissions: [],
      user: 'admin',
      backendRoles: ['admin'],
    })
    expect(
      parseFgacDenial(
        error(
          'No mapping for User [name=bob, backend_roles=[], requestedTenant=null] on roles [all_access, readall]',
        ),
      ),
    ).to.deep.equal({
      permissions: [],
      user: 'bob',
      backendRoles: [],
      unmappedRoles: ['all_access', 'readall'],
    })
    expect(parseFgacDenial(error('something else'))).to.equal(undefined)
    expect(
      parseFgacDenial({
        error: {
          type: 'index_not_found_exception',
          reason: 'no permissions for [] and User [name=a, backend_roles=[]]',
        },
      }),
    ).to.equal(undefined)
  })

  it('parses scope errors: the region refused, with or without which; the service expected', () => {
    expect(
      parseScope("Credential should be scoped to a valid region, not 'eu-west-1'. "),
    ).to.deep.equal({
      region: 'eu-west-1',
      regionRefused: true,
    })
    expect(
      parseScope(
        "Credential should be scoped to a valid region. Credential should be scoped to correct service: 'execute-api'. ",
      ),
    ).to.deep.equal({ regionRefused: true, service: 'execute-api' })
    expect(parseScope('The security token included in the request is invalid.')).to.equal(undefined)
  })

  it("reads the server's time from a skew message; the expected canonical request from a mismatch", () => {
    expect(
      serverTimeIn(
        'Signature not yet current: 20181002T170509Z is still later than 20181002T170312Z (20181002T165812Z + 5 min.)',
      ),
    ).to.deep.equal(new Date('2018-10-02T16:58:12Z'))
    expect(serverTimeIn('nothing')).to.equal(undefined)
    expect(expectedCanonical(MISMATCH)).to.equal(undefined)
  })

  it('summarises an answer in one line: AWS message, engine error, Serverless bare status, or the status text', () => {
    expect(answerSummary(json(403, { Message: 'User: anonymous is not authorized' }))).to.equal(
      'User: anonymous is not authorized',
    )
    expect(answerSummary(json(403, { message: `${MISMATCH}\n\nThe Canonical String…` }))).to.equal(
      MISMATCH,
    )
    expect(
      answerSummary(json(400, { error: { type: 'parse_exception', reason: 'bad' }, status: 400 })),
    ).to.equal('parse_exception: bad')
    expect(
      answerSummary(json(406, { error: 'Content-Type header [x] is not supported', status: 406 })),
    ).to.equal('Content-Type header [x] is not supported')
    expect(
      answerSummary(
        json(
          403,
          { status: 403, error: { reason: '403 Forbidden', type: 'Forbidden' } },
          { 'x-aoss-response-hint': 'X01:gw-helper-deny' },
        ),
      ),
    ).to.equal('Forbidden (x-aoss-response-hint: X01:gw-helper-deny)')
    expect(
      answerSummary({
        status: 401,
        headers: { 'x-aoss-response-hint': 'X01:network-policy-deny' },
        text: '',
      }),
    ).to.equal('Unauthorized (x-aoss-response-hint: X01:network-policy-deny)')
    expect(answerSummary(json(404, { _index: 'i', _id: 'x', found: false }))).to.equal('Not Found')
    expect(answerSummary({ status: 502, headers: {}, text: 'Bad gateway\nmore' })).to.equal(
      'Bad gateway',
    )
  })
})
