"""OIDC test tokens: an RSA and a P-256 signing key, their JWKS file, and JWTs (RS256, ES256)
with whatever claims a test needs, valid or not. Uses python3-cryptography."""
import base64
import json
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uint(n, size=None):
    return b64url(n.to_bytes(size or (n.bit_length() + 7) // 8, "big"))


class TokenMaker:
    def __init__(self, jwks_path, issuer, audience):
        self.jwks_path = jwks_path
        self.issuer = issuer
        self.audience = audience
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        r = self.rsa.public_key().public_numbers()
        e = self.ec.public_key().public_numbers()
        jwks = {"keys": [
            {"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "n": uint(r.n),
             "e": uint(r.e)},
            {"kty": "EC", "kid": "ec-1", "use": "sig", "alg": "ES256", "crv": "P-256",
             "x": uint(e.x, 32), "y": uint(e.y, 32)},
        ]}
        jwks_path.write_text(json.dumps(jwks))

    def make(self, alg, kid=None, **claims):
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.audience, "iat": now, "exp": now + 600,
                "scope": "upload read"}
        body.update(claims)
        header = {"alg": alg, "typ": "JWT", "kid": kid or ("rsa-1" if alg == "RS256" else "ec-1")}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(body).encode())).encode()
        if alg == "RS256":
            signature = self.rsa.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            r, s = decode_dss_signature(self.ec.sign(signing_input, ec.ECDSA(hashes.SHA256())))
            signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return signing_input.decode() + "." + b64url(signature)

    @staticmethod
    def tamper(token):
        """The same signature over a payload that claims another subject."""
        header, payload, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["sub"] = "admin"
        return ".".join([header, b64url(json.dumps(claims).encode()), signature])

    def unsigned(self, **claims):
        now = int(time.time())
        body = dict({"iss": self.issuer, "aud": self.audience, "exp": now + 600}, **claims)
        return (b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "." +
                b64url(json.dumps(body).encode()) + ".")
