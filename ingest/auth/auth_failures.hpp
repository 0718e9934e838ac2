// The 401 and 403 answers every authenticator gives, worded the same way. Descriptions go
// into a WWW-Authenticate header, so they are kept to the characters RFC 6750 allows there.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ingest/auth/authenticator.hpp"

namespace fotogal::ingest::auth {

// No credential at all, or one in another scheme: a bare challenge (RFC 6750 section 3.1).
AuthFailure missing_credential(std::string_view message);
// A credential was sent and is no good: error="invalid_token".
AuthFailure invalid_credential(std::string code, std::string_view message);
// The header is not `Bearer <token>`: error="invalid_request".
AuthFailure malformed_header(std::string_view message);
// nullopt when `principal` holds `needed_scope`, else a 403 naming the scope.
std::optional<AuthFailure> check_scope(const Principal& principal, std::string_view needed_scope);

// The token of `Bearer <token>` (scheme case-insensitive, surrounding blanks dropped), or the
// failure to answer: missing header, another scheme, an empty or malformed token.
using BearerToken = std::variant<std::string_view, AuthFailure>;
BearerToken bearer_token(std::string_view authorization);

}  // namespace fotogal::ingest::auth
