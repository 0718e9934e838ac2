"""RSA public-key checks for the OCI stand-ins, standard library only: the key in a
SubjectPublicKeyInfo PEM and RSASSA-PKCS1-v1_5 / SHA-256 verification, which OCI request
signatures use, and the request signature's header fields and signing string
(oci_test_server.py, oci_identity_server.py)."""
import base64
import hashlib

# DER DigestInfo prefix for SHA-256 (RFC 8017 section 9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def der_read(data, pos):
    """One DER TLV at pos: (tag, value bytes, next position)."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, data[pos:pos + length], pos + length


def rsa_public_numbers(pem):
    """(n, e) of a SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY")."""
    body = "".join(line for line in pem.splitlines() if line and not line.startswith("-----"))
    der = base64.b64decode(body)
    _, spki, _ = der_read(der, 0)               # SEQUENCE SubjectPublicKeyInfo
    _, _, pos = der_read(spki, 0)               # SEQUENCE AlgorithmIdentifier
    tag, bits, _ = der_read(spki, pos)          # BIT STRING subjectPublicKey
    assert tag == 0x03 and bits[0] == 0
    _, rsa_key, _ = der_read(bits[1:], 0)       # SEQUENCE RSAPublicKey
    _, n, pos = der_read(rsa_key, 0)
    _, e, _ = der_read(rsa_key, pos)
    return int.from_bytes(n, "big"), int.from_bytes(e, "big")


def rsa_sha256_verify(n, e, message, signature):
    """RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017 section 8.2.2)."""
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= n:
        return False
    em = pow(s, e, n).to_bytes(k, "big")
    t = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return em == expected


class SignatureError(Exception):
    pass


def signature_params(headers):
    """The fields of the request's 'Authorization: Signature ...' header."""
    auth = headers.get("authorization", "")
    if not auth.startswith("Signature "):
        raise SignatureError("no 'Authorization: Signature' header")
    params = {}
    for item in auth[len("Signature "):].split(","):
        name, _, value = item.partition("=")
        params[name.strip()] = value.strip().strip('"')
    return params


def signing_lines(names, method, path, headers):
    """The signing string's lines for the signed header `names`, in their order."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method} {path}")
        else:
            value = headers.get(name)
            if value is None:
                raise SignatureError(f"signed header '{name}' is missing")
            lines.append(f"{name}: {value}")
    return lines
