// The ingest's one question before it does any work: who is calling, and may they do this?
// An Authenticator answers it from the Authorization header alone; it never logs or echoes a
// credential.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "ingest/auth/auth_settings.hpp"

namespace fotogal::ingest::auth {

inline constexpr std::string_view kScopeUpload = "upload";
inline constexpr std::string_view kScopeRead = "read";

struct Principal {
    std::string id;      // key id, the token's principal claim, or "" (anonymous)
    std::string method;  // "api_key" | "oidc" | "none"
    std::set<std::string> scopes;
};

// What the caller answers instead of doing the work. `www_authenticate` is the header value
// (RFC 6750) to send with it.
struct AuthFailure {
    int status = 401;  // 401: no usable credential; 403: a principal without the scope
    std::string code;
    std::string message;
    std::string www_authenticate;
};

using AuthResult = std::variant<Principal, AuthFailure>;

class Authenticator {
  public:
    virtual ~Authenticator() = default;
    // `authorization` is the raw Authorization header value ("" when absent); `needed_scope`
    // is "upload" or "read". Thread-safe.
    virtual AuthResult authenticate(std::string_view authorization,
                                    std::string_view needed_scope) = 0;
};

// Throws fotogal::ConfigError with what to fix for an unknown mode, a missing setting, a
// missing or malformed keys file, or a JWKS that cannot be loaded at start.
std::unique_ptr<Authenticator> make_authenticator(const AuthSettings& settings);

}  // namespace fotogal::ingest::auth
