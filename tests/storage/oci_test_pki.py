"""Certificates for the instance-principal stand-in (oci_identity_server.py), made at start-up
with the `cryptography` module (Debian: python3-cryptography): a root CA, an intermediate CA
it signs, and a leaf it signs whose subject carries the tenancy the way an OCI instance
certificate does (OU=opc-tenant:<OCID>). Nothing is written to disk."""
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issue(subject_attrs, public_key, issuer_name, issuer_key, ca):
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(oid, value) for oid, value in subject_attrs])
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer_name or subject)
               .public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


class InstancePki:
    """A CA, an intermediate and a leaf for `tenancy`; rotate() issues a new leaf and key."""

    def __init__(self, tenancy, instance):
        self.tenancy, self.instance = tenancy, instance
        self.root_key = new_key()
        self.root = issue([(NameOID.COMMON_NAME, "fotogal test root CA")],
                          self.root_key.public_key(), None, self.root_key, True)
        self.intermediate_key = new_key()
        self.intermediate = issue([(NameOID.COMMON_NAME, "fotogal test intermediate CA")],
                                  self.intermediate_key.public_key(), self.root.subject,
                                  self.root_key, True)
        self.rotate()

    def rotate(self):
        self.leaf_key = new_key()
        self.leaf = issue([(NameOID.COMMON_NAME, self.instance),
                           (NameOID.ORGANIZATIONAL_UNIT_NAME, "opc-certtype:instance"),
                           (NameOID.ORGANIZATIONAL_UNIT_NAME, "opc-instance:" + self.instance),
                           (NameOID.ORGANIZATIONAL_UNIT_NAME, "opc-tenant:" + self.tenancy)],
                          self.leaf_key.public_key(), self.intermediate.subject,
                          self.intermediate_key, False)

    def leaf_fingerprint(self):
        """SHA-1 of the leaf's DER, lower-case hex pairs with colons (the fed-x509 keyId)."""
        return ":".join(f"{b:02x}" for b in self.leaf.fingerprint(hashes.SHA1()))

    def leaf_public_numbers(self):
        numbers = self.leaf_key.public_key().public_numbers()
        return numbers.n, numbers.e
