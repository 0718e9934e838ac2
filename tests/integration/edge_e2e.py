#!/usr/bin/env python3
"""The public edge, end to end on the real Kafka broker and the S3 test server (versitygw):

1. Slow clients: 200 connections that send a request line and then trickle header bytes are
   held open while /healthz and a normal upload are each answered within 1 s.
2. API keys: no credential and a wrong key are 401 with WWW-Authenticate; a key written into
   the keys file while ingest runs works without a restart, and a removed one stops working.
3. Owner and visibility: a worker processes the uploads; the manifest records the uploader as
   owner; a private image's status and renditions are the owner's alone (another key: 403,
   none: 401); a public one's renditions are anyone's.
4. Serving: a rendition's ETag, If-None-Match -> 304, Range -> 206 with the stored bytes,
   Cache-Control, Content-Type; ?redirect=1 -> 302 to a presigned URL that serves the same
   bytes without credentials; CORS preflight from a listed origin.
5. OIDC (a second ingest): RS256 and ES256 tokens from a JWKS file are accepted; expired, not
   yet valid, wrong audience, wrong issuer, unknown kid and tampered tokens are 401; a principal
   over its upload rate gets 429 with Retry-After and is admitted again after it.

Broker and topics as in replay_e2e.py. Needs FOTOGAL_TEST_S3_ENDPOINT and AWS_* (set by CTest).
usage: edge_e2e.py --bin DIR --corpus DIR --work DIR
"""
import hashlib
import http.client
import json
import os
import secrets
import socket
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from edge_tokens import TokenMaker  # noqa: E402
from replay_e2e import log, test_main, wait_for  # noqa: E402
from s3_e2e import s3  # noqa: E402


def poll(what, condition, timeout):
    """Like wait_for, but slower: each try here is a real upload."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def request(port, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request(method, path, body=body, headers=headers or {})
    res = conn.getresponse()
    data = res.read()
    conn.close()
    return res.status, {k.lower(): v for k, v in res.getheaders()}, data


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def upload(port, photo, headers, query=""):
    return request(port, "POST", f"/v1/images{query}", photo,
                   dict(headers, **{"Content-Type": "image/jpeg"}))


def check_slow_clients(port, photo, key):
    # The first upload opens the store's and the broker's connections: not what is measured.
    started = time.monotonic()
    assert upload(port, photo, bearer(key))[0] == 202
    log(f"first upload {(time.monotonic() - started) * 1000:.0f} ms")
    slow = []
    for _ in range(200):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"POST /v1/images HTTP/1.1\r\nHost: fotogal\r\nX-Trickle: ")
        slow.append(s)
    for s in slow:
        s.sendall(b"a")
    started = time.monotonic()
    status, _, _ = request(port, "GET", "/healthz", timeout=5)
    health_s = time.monotonic() - started
    started = time.monotonic()
    code, _, _ = upload(port, photo, bearer(key))
    upload_s = time.monotonic() - started
    log(f"with 200 slow connections: /healthz {health_s * 1000:.0f} ms, "
        f"upload {upload_s * 1000:.0f} ms")
    assert status == 200 and code == 202, (status, code)
    assert health_s < 1 and upload_s < 1, (health_s, upload_s)
    for s in slow:
        s.close()


def keys_file(path, keys):
    """Rewritten whole and renamed into place, as a Secret update swaps the mounted file."""
    text = "".join(f"{kid} {hashlib.sha256(secret.encode()).hexdigest()} upload,read\n"
                   for kid, secret in keys.items())
    tmp = path.with_suffix(".new")
    tmp.write_text("# key id, SHA-256 of the secret, scopes\n" + text)
    tmp.replace(path)


def check_api_keys(port, photo, keys, path):
    status, headers, body = upload(port, photo, {})
    assert status == 401, status
    assert headers["www-authenticate"].startswith("Bearer"), headers
    assert json.loads(body)["error"]["code"], body
    status, _, body = upload(port, photo, bearer("not-a-key"))
    assert status == 401, status
    assert b"not-a-key" not in body
    carol = secrets.token_hex(16)
    keys_file(path, dict(keys, carol=carol))
    poll("the new key to be accepted", lambda: upload(port, photo, bearer(carol))[0] == 202, 15)
    keys_file(path, {k: v for k, v in keys.items() if k != "bob"})
    poll("the removed key to be refused",
         lambda: upload(port, photo, bearer(keys["bob"]))[0] == 401, 15)
    keys_file(path, keys)
    poll("the restored key", lambda: upload(port, photo, bearer(keys["bob"]))[0] == 202, 15)
    log("API keys: 401 without or with a wrong key; rotation picked up without a restart")


def check_serving(port, bucket, endpoint, private_id, public_id, alice, bob):
    status, _, body = request(port, "GET", f"/v1/images/{private_id}", headers=bearer(alice))
    assert status == 200, (status, body)
    manifest = json.loads(body)
    assert manifest["owner"] == "alice" and manifest["visibility"] == "private", manifest
    assert request(port, "GET", f"/v1/images/{private_id}", headers=bearer(bob))[0] == 403
    output = manifest["outputs"][0]
    url = output["url"]
    assert "?v=" in url, output
    status, headers, body = request(port, "GET", url)
    assert status == 401, status
    assert request(port, "GET", url, headers=bearer(bob))[0] == 403
    status, headers, whole = request(port, "GET", url, headers=bearer(alice))
    assert status == 200, status
    code, stored = s3("GET", endpoint, f"/{bucket}/{output['key']}")
    assert code == 200 and stored == whole, "served bytes differ from the stored rendition"
    etag = headers["etag"]
    assert etag.startswith('"') and headers["content-type"].startswith("image/"), headers
    assert headers["cache-control"] == "private, max-age=31536000, immutable", headers
    assert headers.get("accept-ranges") == "bytes", headers
    status, headers304, body = request(port, "GET", url, headers=dict(bearer(alice),
                                                                      **{"If-None-Match": etag}))
    assert status == 304 and body == b"" and headers304["etag"] == etag, status
    status, headers, part = request(port, "GET", url, headers=dict(bearer(alice),
                                                                   **{"Range": "bytes=10-109"}))
    assert status == 206 and part == whole[10:110], status
    assert headers["content-range"] == f"bytes 10-109/{len(whole)}", headers
    status, headers, _ = request(port, "GET", url, headers=dict(
        bearer(alice), **{"Range": f"bytes={len(whole) + 5}-"}))
    assert status == 416 and headers["content-range"] == f"bytes */{len(whole)}", status
    status, headers, _ = request(port, "GET", url + "&redirect=1", headers=bearer(alice))
    assert status == 302, status
    location = headers["location"]
    host, _, rest = location.partition("//")[2].partition("/")
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("GET", "/" + rest)
    presigned = conn.getresponse()
    assert presigned.status == 200 and presigned.read() == whole, presigned.status
    log(f"private rendition: ETag {etag}, 304, 206, 416, 302 to a presigned URL")

    status, _, body = request(port, "GET", f"/v1/images/{public_id}")
    public_url = json.loads(body)["outputs"][0]["url"] if status == 200 else None
    assert public_url, (status, body)
    status, headers, _ = request(port, "GET", public_url)
    assert status == 200, status
    assert headers["cache-control"] == "public, max-age=31536000, immutable", headers

    status, headers, _ = request(port, "OPTIONS", "/v1/images", headers={
        "Origin": "https://gallery.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert status == 204, status
    assert headers["access-control-allow-origin"] == "https://gallery.example", headers
    log("public rendition readable by anyone; CORS preflight answered")


def check_oidc(h, photo, bucket_env):
    tokens = TokenMaker(h.work / "jwks.json", issuer="https://id.example/", audience="fotogal")
    ingest = h.start("ingest-oidc", "fotogal-ingest", FOTOGAL_AUTH="oidc",
                     FOTOGAL_OIDC_ISSUER="https://id.example/", FOTOGAL_OIDC_AUDIENCE="fotogal",
                     FOTOGAL_OIDC_JWKS=str(tokens.jwks_path), FOTOGAL_OIDC_CLOCK_SKEW="30",
                     FOTOGAL_RATE_UPLOADS="1", FOTOGAL_RATE_UPLOADS_BURST="2", **bucket_env)
    port = ingest.port
    for alg in ("RS256", "ES256"):
        status, _, body = upload(port, photo, bearer(tokens.make(alg, sub=f"user-{alg}")))
        assert status == 202, (alg, status, body)
    now = int(time.time())
    bad = {
        "expired": tokens.make("RS256", sub="u", exp=now - 300),
        "not yet valid": tokens.make("RS256", sub="u", nbf=now + 300),
        "wrong audience": tokens.make("RS256", sub="u", aud="someone-else"),
        "wrong issuer": tokens.make("ES256", sub="u", iss="https://evil.example/"),
        "unknown kid": tokens.make("RS256", sub="u", kid="no-such-key"),
        "tampered": tokens.tamper(tokens.make("ES256", sub="u")),
        "alg none": tokens.unsigned(sub="u"),
    }
    for what, token in bad.items():
        status, headers, body = upload(port, photo, bearer(token))
        assert status == 401, (what, status, body)
        assert "invalid_token" in headers.get("www-authenticate", ""), (what, headers)
        assert token.encode() not in body
    log(f"OIDC: RS256 and ES256 accepted; {', '.join(bad)} refused with 401")

    rated = tokens.make("ES256", sub="busy-user")
    codes = [upload(port, photo, bearer(rated)) for _ in range(3)]
    assert [c[0] for c in codes[:2]] == [202, 202], [c[0] for c in codes]
    status, headers, body = codes[2]
    assert status == 429, (status, body)
    retry_after = int(headers["retry-after"])
    assert 1 <= retry_after <= 2, retry_after
    # Another principal is not held back by this one's bucket.
    assert upload(port, photo, bearer(tokens.make("RS256", sub="other-user")))[0] == 202
    time.sleep(retry_after)  # what the client is told to do, not a synchronisation
    status, _, body = upload(port, photo, bearer(rated))
    assert status == 202, (status, body)
    log(f"rate limit: 429 with Retry-After {retry_after}, admitted again after it")
    h.stop(ingest)


def run(h, photo, endpoint):
    h.ensure_broker()
    h.kafka_sh("topics", "--partitions", "2", *h.topics.values())
    bucket = f"fotogal-edge-{uuid.uuid4().hex[:12]}"
    code, body = s3("PUT", endpoint, f"/{bucket}")
    assert code == 200, (code, body)
    bucket_env = {"FOTOGAL_STORAGE": f"s3://{bucket}?endpoint={endpoint}&region=us-east-1"}
    keys = {"alice": secrets.token_hex(16), "bob": secrets.token_hex(16)}
    path = h.work / "keys"
    keys_file(path, keys)
    worker = h.start("worker", "fotogal-worker", FOTOGAL_TOPIC=h.topics["uploads"],
                     FOTOGAL_GROUP=f"{h.prefix}-main", **bucket_env)
    ingest = h.start("ingest", "fotogal-ingest", FOTOGAL_AUTH="api_key",
                     FOTOGAL_API_KEYS_FILE=str(path),
                     FOTOGAL_CORS_ORIGINS="https://gallery.example", **bucket_env)
    check_slow_clients(ingest.port, photo, keys["alice"])
    check_api_keys(ingest.port, photo, keys, path)
    status, _, body = upload(ingest.port, photo, bearer(keys["alice"]))
    assert status == 202, status
    private_id = json.loads(body)["id"]
    status, _, body = upload(ingest.port, photo, bearer(keys["bob"]), "?visibility=public")
    assert status == 202, status
    public_id = json.loads(body)["id"]

    def processed(image_id, key):
        status, _, body = request(ingest.port, "GET", f"/v1/images/{image_id}",
                                  headers=bearer(key))
        return status == 200 and json.loads(body).get("status") == "processed"

    wait_for("both manifests", lambda: processed(private_id, keys["alice"])
             and processed(public_id, keys["bob"]), 120, h.procs)
    check_serving(ingest.port, bucket, endpoint, private_id, public_id, keys["alice"],
                  keys["bob"])
    check_oidc(h, photo, bucket_env)
    h.stop(ingest)
    h.stop(worker)


def main():
    return test_main(lambda h, args: run(
        h, (args.corpus / "photos" / "exif_gps_DSCN0010.jpg").read_bytes(),
        os.environ["FOTOGAL_TEST_S3_ENDPOINT"]))


if __name__ == "__main__":
    sys.exit(main())
