"""The Python SigV4 signers as peers of the test suite (test/peers/*.test.ts).

One process per test file, JSON lines over stdin/stdout, one answer line per request line:

  {"op": "send", "peer": ..., ...}  a peer signs a request and sends it (or an altered copy of
                                    the signed request) to the emulator; answers its status and body.
  {"op": "sign", ...}               botocore's SigV4Auth signs a described request without sending;
                                    answers its canonical request, string to sign and signature.
"""
import base64
import datetime
import json
import sys
import urllib.parse

import botocore.auth
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

PEERS = ("botocore", "opensearch-py", "requests-aws4auth", "awscurl")
TIMEOUT_S = 20


def creds(msg):
    return Credentials(msg["accessKeyId"], msg["secretAccessKey"], msg.get("sessionToken"))


def payload_sha(body):
    import hashlib

    return hashlib.sha256(body).hexdigest()


def signed_by_botocore(msg, url, headers, body):
    request = AWSRequest(method=msg["method"], url=url, data=body, headers=headers)
    if msg["service"] == "aoss":
        # OpenSearch Serverless wants the payload hash signed, as AWS's aoss guide shows.
        request.headers["X-Amz-Content-SHA256"] = payload_sha(body)
    SigV4Auth(creds(msg), msg["service"], msg["region"]).add_auth(request)
    return dict(request.headers.items())


def signed_by_requests_auth(auth, msg, url, headers, body):
    prepared = requests.Request(msg["method"], url, headers=headers, data=body).prepare()
    signed = auth(prepared)
    return dict(signed.headers.items())


def signed_by_opensearch_py(msg, url, headers, body):
    from opensearchpy import RequestsAWSV4SignerAuth

    return signed_by_requests_auth(RequestsAWSV4SignerAuth(creds(msg), msg["region"], msg["service"]), msg, url, headers, body)


def signed_by_aws4auth(msg, url, headers, body):
    from requests_aws4auth import AWS4Auth

    auth = AWS4Auth(
        msg["accessKeyId"], msg["secretAccessKey"], msg["region"], msg["service"], session_token=msg.get("sessionToken")
    )
    return signed_by_requests_auth(auth, msg, url, headers, body)


def signed_by_awscurl(msg, url, headers, body):
    import awscurl.awscurl as awscurl

    captured = {}

    def capture(uri, data, hdrs, method, *rest):
        captured.update(hdrs)
        return None

    # awscurl signs and sends in one call: its sender is swapped for one that keeps the headers.
    original = getattr(awscurl, "__send_request")
    setattr(awscurl, "__send_request", capture)
    try:
        awscurl.make_request(
            msg["method"], msg["service"], msg["region"], url, dict(headers), body,
            msg["accessKeyId"], msg["secretAccessKey"], msg.get("sessionToken"), True,
        )
    finally:
        setattr(awscurl, "__send_request", original)
    return captured


SIGNERS = {
    "botocore": signed_by_botocore,
    "opensearch-py": signed_by_opensearch_py,
    "requests-aws4auth": signed_by_aws4auth,
    "awscurl": signed_by_awscurl,
}


def header(headers, name):
    for key in headers:
        if key.lower() == name:
            return key
    return None


def altered(kind, url, headers, body):
    """A copy of a signed request changed after signing, as a proxy or an attacker would."""
    headers = dict(headers)
    parts = urllib.parse.urlsplit(url)
    if kind == "body":
        body = body + b" "
    elif kind == "path":
        url = urllib.parse.urlunsplit(parts._replace(path=parts.path + "x"))
    elif kind == "query":
        query = parts.query + ("&" if parts.query else "") + "extra=1"
        url = urllib.parse.urlunsplit(parts._replace(query=query))
    elif kind == "token":
        key = header(headers, "x-amz-security-token")
        headers[key] = headers[key][:-2] + ("AA" if not headers[key].endswith("AA") else "BB")
    elif kind == "date":
        key = header(headers, "x-amz-date")
        when = datetime.datetime.strptime(headers[key], "%Y%m%dT%H%M%SZ") - datetime.timedelta(seconds=1)
        headers[key] = when.strftime("%Y%m%dT%H%M%SZ")
    elif kind is not None:
        raise ValueError("unknown alteration " + kind)
    return url, headers, body


def send(msg):
    body = base64.b64decode(msg.get("body64") or "")
    url = msg["url"] + msg["path"] + (("?" + msg["query"]) if msg.get("query") else "")
    headers = dict(msg.get("headers") or {})
    signed = SIGNERS[msg["peer"]](msg, url, headers, body)
    url, signed, body = altered(msg.get("alter"), url, signed, body)
    response = requests.request(msg["method"], url, headers=signed, data=body, timeout=TIMEOUT_S, allow_redirects=False)
    return {"status": response.status_code, "body": response.text, "signedHeaders": sorted(k.lower() for k in signed)}


class FixedSplit:
    """botocore reads the path and query from the URL; here they are given as they are."""

    def __init__(self, path, query, host):
        self.path, self.query, self.netloc, self.hostname, self.port, self.scheme = path, query, host, host, None, "https"


def sign(msg):
    """botocore's SigV4Auth over a request described field by field, at a given time."""
    when = datetime.datetime.fromtimestamp(msg["time"] / 1000, tz=datetime.timezone.utc)
    request = AWSRequest(method=msg["method"], url="https://placeholder/", headers=msg["headers"])
    request.context["timestamp"] = when.strftime(botocore.auth.SIGV4_TIMESTAMP)
    auth = SigV4Auth(creds(msg), msg["service"], msg["region"])
    auth.payload = lambda _request: msg["payloadHash"]
    split = FixedSplit(msg["path"], msg["query"], msg["host"])
    saved = botocore.auth.urlsplit
    botocore.auth.urlsplit = lambda _url: split
    try:
        auth._modify_request_before_signing(request)
        canonical = auth.canonical_request(request)
        to_sign = auth.string_to_sign(request, canonical)
        return {"canonicalRequest": canonical, "stringToSign": to_sign, "signature": auth.signature(to_sign, request)}
    finally:
        botocore.auth.urlsplit = saved


def main():
    for line in sys.stdin:
        try:
            msg = json.loads(line)
            answer = send(msg) if msg["op"] == "send" else sign(msg)
        except Exception as err:  # reported to the test, which decides
            answer = {"error": type(err).__name__ + ": " + str(err)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
