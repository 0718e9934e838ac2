#!/usr/bin/env python3
"""Local plain-HTTP stand-ins for the services behind OCI's session-token identities, for the
FOTOGAL_OCI_AUTH=instance_principal and workload_identity tests. One process, one port:

  /opc/v2/...   the instance metadata service (IMDS v2): instance/regionInfo and the
                identity/cert.pem, key.pem, intermediate.pem of a CA-issued leaf made at
                start-up (oci_test_pki.py); requests without "Authorization: Bearer Oracle"
                get 401
  /v1/x509      the identity service's x509 federation endpoint: VERIFIES the request's
                signature (keyId <tenancy>/fed-x509/<SHA-1 of the current leaf>, headers date
                (request-target) content-length content-type x-content-sha256, made with the
                leaf's key), that certificate and intermediate are the current ones, and
                answers {"token": <JWT>} bound to the session public key
  /resourcePrincipalSessionTokens  the OKE proxymux token exchange: checks "Authorization:
                Bearer <the service-account token>", content type and opc-request-id, and
                answers base64 of {"token": "ST$<JWT>"} bound to the podKey
  everything else  Object Storage, exactly as oci_test_server.py, which here also accepts
                keyId "ST$<token>" for a token it issued and has not expired, verifying the
                signature with that token's session public key (401 otherwise)

Tokens are JWT-shaped (header.claims.signature, claims with exp) and live --token-lifetime
seconds. Test-control paths, unsigned:
  GET  /_test/identity  counters: metadata, federations, exchanges, session_requests,
                        expired, bad_federations, bad_exchanges
  POST /_test/rotate    a new leaf certificate and key (as OCI rotates them)
  GET  /_test/stats     the Object Storage counters of oci_test_server.py

usage: oci_identity_server.py --sa-token TOKEN [--token-lifetime S] [--region R] [--port 0]
Prints "port N" on stdout once listening.
"""
import argparse
import base64
import email.utils
import hashlib
import json
import os
import sys
import threading
import time
import uuid
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oci_test_pki  # noqa: E402
import oci_test_server  # noqa: E402
from oci_rsa import (SignatureError, rsa_public_numbers, rsa_sha256_verify,  # noqa: E402
                     signature_params, signing_lines)

TENANCY = "ocid1.tenancy.oc1..aaaaaaaafotogaltestinstancetenancy"
INSTANCE = "ocid1.instance.oc1.iad.aaaaaaaafotogaltestinstance"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Identity:
    def __init__(self, sa_token, lifetime, region):
        self.sa_token, self.lifetime, self.region = sa_token, lifetime, region
        self.pki = oci_test_pki.InstancePki(TENANCY, INSTANCE)
        self.lock = threading.Lock()
        self.tokens = {}   # token -> ((n, e) of the session key, exp)
        self.stats = {"metadata": 0, "federations": 0, "exchanges": 0, "session_requests": 0,
                      "expired": 0, "bad_federations": 0, "bad_exchanges": 0}

    def issue(self, public_key_body, principal):
        n, e = rsa_public_numbers(public_key_body)
        exp = int(time.time()) + self.lifetime
        header = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        claims = b64url(json.dumps({"sub": principal, "exp": exp, "jti": uuid.uuid4().hex,
                                    "iss": "authService.oracle.com"}).encode())
        token = f"{header}.{claims}.{b64url(os.urandom(32))}"
        self.tokens[token] = ((n, e), exp)
        return token


class Handler(oci_test_server.Handler):
    identity: Identity = None

    def public_key_for(self, key_id):
        if not key_id.startswith("ST$"):
            return super().public_key_for(key_id)
        ident = self.identity
        with ident.lock:
            entry = ident.tokens.get(key_id[3:])
            if entry is None:
                raise SignatureError("unknown session token")
            if time.time() >= entry[1]:
                ident.stats["expired"] += 1
                raise SignatureError("session token has expired")
            ident.stats["session_requests"] += 1
            return entry[0]

    def handle_any(self):
        path = self.path.split("?")[0]
        if path.startswith("/opc/v2/"):
            return self.metadata(path[len("/opc/v2"):])
        if path == "/v1/x509" and self.command == "POST":
            return self.federation(self.read_body())
        if path == "/resourcePrincipalSessionTokens" and self.command == "POST":
            return self.exchange(self.read_body())
        if path == "/_test/identity":
            with self.identity.lock:
                return self.reply(200, dict(self.identity.stats))
        if path == "/_test/rotate" and self.command == "POST":
            self.read_body()
            with self.identity.lock:
                self.identity.pki.rotate()
            return self.reply(200, {})
        return super().handle_any()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    def metadata(self, path):
        ident = self.identity
        if self.headers.get("authorization") != "Bearer Oracle":
            return self.error(401, "NotAuthenticated", "IMDS v2 needs Authorization: Bearer Oracle")
        with ident.lock:
            ident.stats["metadata"] += 1
            pki = ident.pki
            answers = {
                "/instance/regionInfo": json.dumps({"realmKey": "oc1",
                                                    "realmDomainComponent": "oraclecloud.com",
                                                    "regionKey": "IAD",
                                                    "regionIdentifier": ident.region}),
                "/identity/cert.pem": oci_test_pki.pem(pki.leaf),
                "/identity/key.pem": oci_test_pki.key_pem(pki.leaf_key),
                "/identity/intermediate.pem": oci_test_pki.pem(pki.intermediate),
            }
        if path not in answers:
            return self.error(404, "NotFound", "unknown metadata path")
        return self.reply(200, answers[path].encode(), content_type="text/plain")

    def check_federation(self, body):
        """The federation request's signature, made with the current leaf's key."""
        params = signature_params(self.headers)
        pki = self.identity.pki
        if params.get("keyId") != f"{TENANCY}/fed-x509/{pki.leaf_fingerprint()}":
            raise SignatureError(f"keyId {params.get('keyId')} is not the current leaf's")
        names = params.get("headers", "").split(" ")
        for h in ("date", "(request-target)", "content-length", "content-type",
                  "x-content-sha256"):
            if h not in names:
                raise SignatureError(f"header '{h}' must be signed")
        lines = signing_lines(names, "post", self.path, self.headers)
        when = email.utils.parsedate_to_datetime(self.headers.get("date")).timestamp()
        if abs(time.time() - when) > 300:
            raise SignatureError("date is more than 5 minutes off")
        if self.headers.get("x-content-sha256") != \
                base64.b64encode(hashlib.sha256(body).digest()).decode():
            raise SignatureError("x-content-sha256 does not match the body")
        n, e = pki.leaf_public_numbers()
        if not rsa_sha256_verify(n, e, "\n".join(lines).encode(),
                                 base64.b64decode(params.get("signature", ""))):
            raise SignatureError("signature does not verify with the leaf key")
        details = json.loads(body)
        body_of = lambda cert: "".join(oci_test_pki.pem(cert).splitlines()[1:-1])
        if details.get("certificate") != body_of(pki.leaf):
            raise SignatureError("certificate is not the current leaf (PEM body)")
        if details.get("intermediateCertificates") != [body_of(pki.intermediate)]:
            raise SignatureError("intermediateCertificates is not [the intermediate]")
        return details["publicKey"]

    def federation(self, body):
        ident = self.identity
        with ident.lock:
            try:
                public_key = self.check_federation(body)
                token = ident.issue(public_key, INSTANCE)
            except (SignatureError, KeyError, ValueError, TypeError) as e:
                ident.stats["bad_federations"] += 1
                return self.error(401, "NotAuthenticated", f"federation refused: {e}")
            ident.stats["federations"] += 1
        return self.reply(200, {"token": token})

    def exchange(self, body):
        ident = self.identity
        with ident.lock:
            try:
                if self.headers.get("authorization") != "Bearer " + ident.sa_token:
                    raise SignatureError("the bearer service-account token is not the pod's")
                if self.headers.get("content-type") != "application/json":
                    raise SignatureError("content type must be application/json")
                if not self.headers.get("opc-request-id"):
                    raise SignatureError("opc-request-id is missing")
                token = ident.issue(json.loads(body)["podKey"], "workload")
            except (SignatureError, KeyError, ValueError, TypeError) as e:
                ident.stats["bad_exchanges"] += 1
                return self.error(401, "NotAuthenticated", f"token exchange refused: {e}")
            ident.stats["exchanges"] += 1
        answer = base64.b64encode(json.dumps({"token": "ST$" + token}).encode())
        return self.reply(200, answer, content_type="application/octet-stream")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sa-token", required=True)
    parser.add_argument("--token-lifetime", type=int, default=3600)
    parser.add_argument("--region", default="us-ashburn-1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    Handler.identity = Identity(args.sa_token, args.token_lifetime, args.region)
    Handler.state = oci_test_server.State(0, 0, None)   # no API key: session tokens only
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
