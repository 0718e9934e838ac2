// FOTOGAL_AUTH=oidc: `Authorization: Bearer <JWT>` from any OIDC provider (OCI IAM identity
// domains included). RS256/ES256 signature against the provider's JWKS, then issuer,
// audience, expiry and not-before (with a clock skew), then the scope.
//
// The JWKS is loaded at start and cached. A token whose `kid` is not in the cache makes it
// fetch the JWKS again (the provider rotated its keys), at most once per kRefreshInterval
// however many unknown kids arrive, so forged kids cannot hammer the provider. The cache is
// also renewed after kMaxAge, so a key the provider withdrew stops being trusted.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ingest/auth/authenticator.hpp"
#include "ingest/auth/jwk_set.hpp"
#include "ingest/auth/jwt.hpp"

namespace fotogal::ingest::auth {

class OidcAuthenticator final : public Authenticator {
  public:
    using Clock = std::chrono::system_clock;
    using Now = std::function<Clock::time_point()>;
    // Returns the JWKS text at `location`; throws std::runtime_error. Default: fetch_jwks.
    using FetchJwks = std::function<std::string(const std::string& location)>;
    static constexpr std::chrono::seconds kRefreshInterval{30};
    static constexpr std::chrono::seconds kMaxAge{3600};

    // Loads the JWKS. Throws ConfigError for a missing setting or a JWKS that cannot be
    // fetched or holds no usable key.
    explicit OidcAuthenticator(AuthSettings settings, Now now = Clock::now, FetchJwks fetch = {});

    AuthResult authenticate(std::string_view authorization, std::string_view needed_scope) override;

    // JWKS fetches so far, the one at start included.
    std::size_t jwks_fetches();

  private:
    using Keys = std::shared_ptr<const JwkSet>;

    Keys current_keys();
    // Fetches and installs a new JWKS, unless one was fetched less than kRefreshInterval ago.
    // Call with refresh_mutex_ held.
    void refresh_locked(const char* why);
    bool verify(const Jwt& jwt, const JwkSet& keys) const;
    AuthResult check_claims(const nlohmann::json& claims, std::string_view needed_scope) const;

    AuthSettings settings_;
    Now now_;
    FetchJwks fetch_;
    std::mutex refresh_mutex_;  // one fetch at a time; held during the fetch
    std::mutex keys_mutex_;     // guards the members below, never held during a fetch
    Keys keys_;
    Clock::time_point loaded_at_;     // when keys_ was fetched
    Clock::time_point last_attempt_;  // the last fetch, successful or not
    std::size_t fetches_ = 0;
};

}  // namespace fotogal::ingest::auth
