// A JWT in compact form (RFC 7519): split, decoded, and its signature checked with RS256 or
// ES256 only. No `none`, no HMAC (a public JWKS key used as an HMAC secret is the classic
// forgery), nothing else.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ingest/auth/jwk_set.hpp"

namespace fotogal::ingest::auth {

// The token is malformed or uses an algorithm we refuse; the message is for the client and
// never contains the token.
class InvalidToken : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Jwt {
    std::string alg;  // RS256 or ES256
    std::string kid;  // "" when the header has none
    nlohmann::json claims;
    std::string signing_input;  // header.payload, as sent
    std::string signature;      // raw bytes (ES256: r||s, 64 bytes)
};

// Throws InvalidToken.
Jwt parse_jwt(std::string_view compact);

// True when `key` (of the right type for the alg, and allowed that alg) signed the token.
bool signature_valid(const Jwt& jwt, const VerificationKey& key);

}  // namespace fotogal::ingest::auth
