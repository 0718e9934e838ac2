// The X.509 and key handling that OCI's session-token identities need: the session key pair
// made in memory (its public half is what a session token is bound to), the PEM bodies the
// federation and proxymux calls carry, and what the instance's leaf certificate says (its
// tenancy and SHA-1 fingerprint, which make the federation call's keyId).
#pragma once

#include <string>

#include "common/storage/oci_signer.hpp"

namespace fotogal::storage {

// A fresh 2048-bit RSA key pair, never written anywhere.
PrivateKey generate_session_key();

// The SubjectPublicKeyInfo PEM of `key`'s public half, without the BEGIN/END lines and
// newlines: the form OCI's token endpoints expect.
std::string public_key_pem_body(EVP_PKEY* key);

// A PEM document's base64 body, without BEGIN/END lines and newlines.
std::string pem_body(const std::string& pem);

struct LeafCertificate {
    std::string tenancy;           // from the subject's "opc-tenant:<OCID>" attribute
    std::string sha1_fingerprint;  // lower-case hex pairs with colons, of the DER
    std::string pem_body;
};

// Throws StorageError naming `source` when the PEM is not a certificate or carries no tenancy.
LeafCertificate read_leaf_certificate(const std::string& pem, const std::string& source);

}  // namespace fotogal::storage
