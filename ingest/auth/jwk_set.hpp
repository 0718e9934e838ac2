// A JSON Web Key Set (RFC 7517) turned into OpenSSL public keys: RSA keys (n, e) for RS256
// and EC P-256 keys (x, y) for ES256. Keys of other types, curves or uses are skipped, since a
// provider's JWKS may hold keys meant for someone else.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/auth/openssl_handles.hpp"

namespace fotogal::ingest::auth {

enum class KeyType { rsa, ec_p256 };

struct VerificationKey {
    KeyType type = KeyType::rsa;
    std::string alg;  // the JWK's `alg` when given ("" otherwise): the only alg it may verify
    ossl::SharedPkey key;
};

struct JwkSet {
    std::map<std::string, VerificationKey> by_kid;  // keys with a `kid`
    std::vector<VerificationKey> without_kid;
    std::vector<std::string> skipped;  // why each unusable key was left out (for the log)
    std::size_t size() const { return by_kid.size() + without_kid.size(); }
};

// Throws std::runtime_error when the text is not a JWKS at all; unusable keys are skipped.
JwkSet parse_jwks(std::string_view json);

}  // namespace fotogal::ingest::auth
