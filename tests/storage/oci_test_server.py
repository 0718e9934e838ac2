#!/usr/bin/env python3
"""A local, plain-HTTP stand-in for OCI Object Storage's native API, for the OCI backend's
integration test. It VERIFIES every request's signature the way OCI documents it (draft-
cavage HTTP signatures, RSASSA-PKCS1-v1_5 + SHA-256 over the listed headers, the required
header sets and the Object Storage PUT exception, x-content-sha256 against the body, a
5-minute clock-skew window) with the user's public key, and answers 401 NotAuthenticated to
anything else. Objects live in memory.

Besides the OCI paths it has two unsigned test-control paths:
  POST /_test/faults  {"status": 503, "code": "...", "count": N, "after": M}  after M more
                      signed requests, the next N fail so
  GET  /_test/stats   counters: requests, rejected, connections, commits, aborts, uploads,
                      events (createobject events published)
  POST /_test/advance {"seconds": N}  moves the clock pre-authenticated requests expire by
  GET  /_test/pars    the PARs created: [{"name", "accessType", "objectName", "timeExpires",
                      "secondsLeft"}], so a test sees what was asked for
Pre-authenticated requests: created with a signed POST /n/{ns}/b/{bucket}/p/ (ObjectRead or
ObjectWrite for one object), then used without any signature at the accessUri,
/p/{token}/n/{ns}/b/{bucket}/o/{object}: GET or PUT as the access type allows, until they
expire; anything else there is 404 NotAuthorizedOrNotFound, as OCI answers.

With --events-brokers/--events-topic it also announces every object it creates on a Kafka
topic, as OCI Events does (oci_bucket_events.py, which uses kcat).

usage: oci_test_server.py --public-key PEM --key-id ID [--port 0]
                          [--events-brokers HOST:PORT --events-topic TOPIC]
Prints "port N" on stdout once listening. Standard library only, plus kcat for events.
"""
import argparse
import base64
import datetime
import email.utils
import hashlib
import json
import secrets
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import oci_bucket_events
from oci_rsa import (SignatureError, rsa_public_numbers, rsa_sha256_verify, signature_params,
                     signing_lines)

class State:
    def __init__(self, n, e, key_id):
        self.n, self.e, self.key_id = n, e, key_id
        self.lock = threading.Lock()
        self.objects = {}   # name -> (bytes, content type, etag)
        self.uploads = {}   # upload id -> {"object", "parts": {num: (bytes, etag)}}
        self.faults = []    # (status, code) for the next requests
        self.fault_after = 0  # signed requests to let through before the faults
        self.stats = {"requests": 0, "rejected": 0, "commits": 0, "aborts": 0, "uploads": 0,
                      "conditional_rejects": 0}
        self.connections = set()
        self.pars = {}        # token -> {"object", "accessType", "expires" (epoch seconds)}
        self.clock_offset = 0.0  # seconds added to now when checking PAR expiry
        self.events = None  # oci_bucket_events.KafkaEventEmitter when events are on


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, so the client can reuse connections
    state: State = None

    def log_message(self, fmt, *args):
        pass

    # -- plumbing -------------------------------------------------------------------------
    def reply(self, status, body=b"", headers=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("opc-request-id", uuid.uuid4().hex)
        self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message):
        self.reply(status, {"code": code, "message": message})

    def created(self, name, etag):
        """An object was created in the request's bucket: OCI Events' createobject, if on
        (called under the state lock, so events keep the order of the writes)."""
        if self.state.events:
            self.state.events.object_created(*self.bucket_path, name, etag)
            self.state.stats["events"] = self.state.stats.get("events", 0) + 1

    def read_body(self):
        length = self.headers.get("content-length")
        if length is None:
            return b""
        return self.rfile.read(int(length))

    # -- signature verification -----------------------------------------------------------
    def public_key_for(self, key_id):  # (n, e) or None; oci_identity_server.py adds ST$ tokens
        return (self.state.n, self.state.e) if key_id == self.state.key_id else None

    def verify(self, body):
        params = signature_params(self.headers)
        if params.get("version") != "1" or params.get("algorithm") != "rsa-sha256":
            raise SignatureError("version must be 1 and algorithm rsa-sha256")
        key = self.public_key_for(params.get("keyId", ""))
        if key is None:
            raise SignatureError("unknown keyId")
        names = params.get("headers", "").split(" ")
        method = self.command.lower()
        path = urlsplit(self.path).path
        object_put = method == "put" and ("/o/" in path or ("/u/" in path and "uploadId=" in self.path))
        required = ["date", "(request-target)", "host"]
        body_headers = ["content-length", "content-type", "x-content-sha256"]
        if method in ("put", "post") and not object_put:
            required += body_headers
        if object_put:
            # Oracle: any of the usual PUT headers the request does carry must be signed too.
            required += [h for h in body_headers if self.headers.get(h) is not None]
        if self.headers.get("x-date") is not None and "x-date" not in names:
            raise SignatureError("x-date sent but not signed")
        for h in required:
            if h == "date" and "x-date" in names:
                continue
            if h not in names:
                raise SignatureError(f"header '{h}' must be signed")
        lines = signing_lines(names, method, self.path, self.headers)
        date = self.headers.get("x-date") or self.headers.get("date")
        try:
            when = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            raise SignatureError("unreadable date")
        if abs(time.time() - when) > 300:
            raise SignatureError("date is more than 5 minutes off")
        sha = self.headers.get("x-content-sha256")
        if sha is not None and sha != base64.b64encode(hashlib.sha256(body).digest()).decode():
            raise SignatureError("x-content-sha256 does not match the body")
        try:
            signature = base64.b64decode(params.get("signature", ""), validate=True)
        except ValueError:
            raise SignatureError("signature is not base64")
        if not rsa_sha256_verify(key[0], key[1], "\n".join(lines).encode(), signature):
            raise SignatureError("signature does not verify")

    # -- dispatch ---------------------------------------------------------------------------
    def handle_any(self):
        s = self.state
        body = self.read_body()
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        with s.lock:
            s.connections.add(self.client_address)
            if url.path.startswith("/_test/"):
                return self.control(url.path, body)
            if url.path.startswith("/p/"):
                return self.par_use(url.path, body)
            s.stats["requests"] += 1
        try:
            self.verify(body)
        except SignatureError as e:
            with s.lock:
                s.stats["rejected"] += 1
            return self.error(401, "NotAuthenticated", f"The required information to complete "
                              f"authentication was not provided or was incorrect: {e}")
        with s.lock:
            if s.faults and s.fault_after > 0:
                s.fault_after -= 1
            elif s.faults:
                status, code = s.faults.pop(0)
                return self.error(status, code, "injected by the test")
        parts = url.path.split("/")
        # /n/{ns}/b/{bucket}/{o|u}[/{name}]
        if len(parts) < 6 or parts[1] != "n" or parts[3] != "b":
            return self.error(404, "NotFound", "unknown path")
        kind = parts[5]
        self.bucket_path = (unquote(parts[2]), unquote(parts[4]))
        name = unquote("/".join(parts[6:])) if len(parts) > 6 else None
        with s.lock:
            if kind == "o" and name is None and self.command == "GET":
                return self.list_objects(query)
            if kind == "o" and name:
                return self.object_op(name, body)
            if kind == "u":
                return self.multipart_op(name, query, body)
            if kind == "p" and not name and self.command == "POST":
                return self.par_create(parts, body)
        return self.error(404, "NotFound", "unknown path")

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    def control(self, path, body):
        s = self.state
        if path == "/_test/faults":
            spec = json.loads(body)
            s.faults.extend([(spec["status"], spec.get("code", ""))] * spec.get("count", 1))
            s.fault_after = spec.get("after", 0)
            return self.reply(200, {})
        if path == "/_test/advance":
            s.clock_offset += json.loads(body)["seconds"]
            return self.reply(200, {})
        if path == "/_test/pars":
            now = time.time() + s.clock_offset
            return self.reply(200, [{"name": p["name"], "accessType": p["accessType"],
                                     "objectName": p["object"], "timeExpires": p["timeExpires"],
                                     "secondsLeft": p["expires"] - now}
                                    for p in s.pars.values()])
        if path == "/_test/stats":
            return self.reply(200, dict(s.stats, connections=len(s.connections),
                                        open_uploads=len(s.uploads), objects=len(s.objects)))
        return self.error(404, "NotFound", "unknown test path")

    def object_op(self, name, body):
        s = self.state
        existing = s.objects.get(name)
        if self.command == "PUT":
            if self.headers.get("if-none-match") == "*" and existing:
                s.stats["conditional_rejects"] += 1
                return self.error(412, "IfNoneMatchFailed", "object exists")
            match = self.headers.get("if-match")
            if match is not None and (not existing or existing[2] != match):
                return self.error(412, "IfMatchFailed", "etag does not match")
            etag = uuid.uuid4().hex
            s.objects[name] = (body, self.headers.get("content-type", ""), etag)
            self.created(name, etag)
            md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
            return self.reply(200, b"", {"etag": etag, "opc-content-md5": md5})
        if existing is None:
            return self.error(404, "ObjectNotFound", f"The object '{name}' does not exist")
        if self.command in ("GET", "HEAD"):
            data, content_type, etag = existing
            if self.command == "HEAD":
                self.send_response(200)
                self.send_header("opc-request-id", uuid.uuid4().hex)
                self.send_header("etag", etag)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                return None
            return self.reply(200, data, {"etag": etag}, content_type or "application/octet-stream")
        if self.command == "DELETE":
            del s.objects[name]
            return self.reply(204)
        return self.error(405, "MethodNotAllowed", self.command)

    def par_create(self, parts, body):
        s = self.state
        details = json.loads(body)
        access = details.get("accessType")
        if access not in ("ObjectRead", "ObjectWrite", "ObjectReadWrite"):
            return self.error(400, "InvalidParameter", "accessType must name one object's access")
        if not details.get("objectName") or not details.get("name"):
            return self.error(400, "InvalidParameter", "name and objectName are required")
        try:
            expires = datetime.datetime.fromisoformat(
                details["timeExpires"].replace("Z", "+00:00")).timestamp()
        except (KeyError, ValueError):
            return self.error(400, "InvalidParameter", "timeExpires must be RFC 3339")
        if expires <= time.time() + s.clock_offset:
            return self.error(400, "InvalidParameter", "timeExpires is in the past")
        token = secrets.token_urlsafe(32)
        s.pars[token] = {"object": details["objectName"], "accessType": access,
                         "expires": expires, "name": details["name"],
                         "timeExpires": details["timeExpires"]}
        s.stats["pars"] = s.stats.get("pars", 0) + 1
        access_uri = (f"/p/{token}/n/{parts[2]}/b/{parts[4]}/o/"
                      f"{quote(details['objectName'], safe='')}")
        return self.reply(200, {"id": uuid.uuid4().hex, "name": details["name"],
                                "accessUri": access_uri, "accessType": access,
                                "objectName": details["objectName"],
                                "timeExpires": details["timeExpires"],
                                "timeCreated": datetime.datetime.now(
                                    datetime.timezone.utc).isoformat()})

    def par_use(self, path, body):
        s = self.state
        parts = path.split("/")
        # /p/{token}/n/{ns}/b/{bucket}/o/{name}
        not_found = lambda: self.error(404, "NotAuthorizedOrNotFound",
                                       "Authorization failed or requested resource not found")
        if len(parts) < 9 or parts[3] != "n" or parts[5] != "b" or parts[7] != "o":
            return not_found()
        par = s.pars.get(parts[2])
        name = unquote("/".join(parts[8:]))
        if par is None or par["object"] != name or \
                par["expires"] <= time.time() + s.clock_offset:
            return not_found()
        if self.command in ("GET", "HEAD") and par["accessType"] in ("ObjectRead",
                                                                     "ObjectReadWrite"):
            existing = s.objects.get(name)
            if existing is None:
                return not_found()
            data, content_type, etag = existing
            return self.reply(200, data, {"etag": etag}, content_type or "application/octet-stream")
        if self.command == "PUT" and par["accessType"] in ("ObjectWrite", "ObjectReadWrite"):
            etag = uuid.uuid4().hex
            s.objects[name] = (body, self.headers.get("content-type", ""), etag)
            self.bucket_path = (unquote(parts[4]), unquote(parts[6]))
            self.created(name, etag)
            return self.reply(200, b"", {"etag": etag})
        return not_found()

    def list_objects(self, query):
        s = self.state
        prefix = query.get("prefix", "")
        start = query.get("start", "")
        limit = min(int(query.get("limit", "1000")), 1000)
        names = sorted(n for n in s.objects if n.startswith(prefix) and n >= start)
        page, rest = names[:limit], names[limit:]
        fields = query.get("fields", "name").split(",")
        objects = []
        for n in page:
            entry = {"name": n}
            if "size" in fields:
                entry["size"] = len(s.objects[n][0])
            objects.append(entry)
        answer = {"objects": objects, "prefixes": []}
        if rest:
            answer["nextStartWith"] = rest[0]
        return self.reply(200, answer)

    def multipart_op(self, name, query, body):
        s = self.state
        upload_id = query.get("uploadId")
        if name is None and self.command == "POST":
            details = json.loads(body)
            upload_id = uuid.uuid4().hex
            s.uploads[upload_id] = {"object": details["object"], "parts": {}}
            s.stats["uploads"] += 1
            return self.reply(200, {"uploadId": upload_id, "object": details["object"]})
        upload = s.uploads.get(upload_id)
        if upload is None or upload["object"] != name:
            return self.error(404, "NoSuchUpload", "unknown upload")
        if self.command == "PUT":
            etag = uuid.uuid4().hex
            upload["parts"][int(query["uploadPartNum"])] = (body, etag)
            return self.reply(200, b"", {"etag": etag})
        if self.command == "POST":
            commit = json.loads(body)["partsToCommit"]
            data = b""
            for part in sorted(commit, key=lambda p: p["partNum"]):
                stored = upload["parts"].get(part["partNum"])
                if stored is None or stored[1] != part["etag"]:
                    return self.error(400, "InvalidParameter", f"part {part['partNum']} etag")
                data += stored[0]
            if len(commit) != len(upload["parts"]):
                return self.error(400, "InvalidParameter", "every part must be listed")
            s.objects[name] = (data, "", uuid.uuid4().hex)
            self.created(name, s.objects[name][2])
            del s.uploads[upload_id]
            s.stats["commits"] += 1
            return self.reply(200, b"", {"etag": s.objects[name][2]})
        if self.command == "DELETE":
            del s.uploads[upload_id]
            s.stats["aborts"] += 1
            return self.reply(204)
        return self.error(405, "MethodNotAllowed", self.command)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--public-key", required=True)
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--port", type=int, default=0)
    oci_bucket_events.add_arguments(parser)
    args = parser.parse_args()
    with open(args.public_key) as f:
        n, e = rsa_public_numbers(f.read())
    Handler.state = State(n, e, args.key_id)
    Handler.state.events = oci_bucket_events.emitter_from(args)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
