// base64url without padding (RFC 4648 section 5), as JWTs and JWKs carry their binary parts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fotogal::ingest::auth {

// nullopt for a character outside the alphabet or an impossible length. Trailing '=' padding
// is tolerated (some JWKS publishers add it).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace fotogal::ingest::auth
