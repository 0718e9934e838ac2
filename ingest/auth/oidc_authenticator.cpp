#include "ingest/auth/oidc_authenticator.hpp"

#include <cmath>
#include <sstream>

#include "common/config.hpp"
#include "common/log.hpp"
#include "ingest/auth/auth_failures.hpp"
#include "ingest/auth/jwks_fetch.hpp"

namespace fotogal::ingest::auth {

namespace {

void require(const std::string& value, const char* setting, const char* what) {
    if (value.empty())
        throw ConfigError(std::string(setting) + " is empty: FOTOGAL_AUTH=oidc needs " + what);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : "; ") + item;
    return out;
}

// A NumericDate (seconds since the epoch, possibly fractional), or nullopt when absent.
// Throws InvalidToken when present but not a number.
std::optional<double> numeric_date(const nlohmann::json& claims, const char* name) {
    auto it = claims.find(name);
    if (it == claims.end()) return std::nullopt;
    if (!it->is_number() || !std::isfinite(it->get<double>()))
        throw InvalidToken(std::string("the token's ") + name + " claim is not a number");
    return it->get<double>();
}

// `scope` as a space-separated string (RFC 8693, OCI IAM) or an array; `scp` likewise.
void add_scopes(const nlohmann::json& value, std::set<std::string>& out) {
    if (value.is_string()) {
        std::istringstream words(value.get<std::string>());
        for (std::string w; words >> w;) out.insert(w);
    } else if (value.is_array()) {
        for (const auto& item : value)
            if (item.is_string()) out.insert(item.get<std::string>());
    }
}

}  // namespace

OidcAuthenticator::OidcAuthenticator(AuthSettings settings, Now now, FetchJwks fetch)
    : settings_(std::move(settings)), now_(std::move(now)), fetch_(std::move(fetch)) {
    require(settings_.oidc_issuer, "FOTOGAL_OIDC_ISSUER",
            "the issuer URL your tokens carry in `iss` (the provider's discovery document "
            "names it)");
    require(settings_.oidc_audience, "FOTOGAL_OIDC_AUDIENCE",
            "the audience (`aud`) the provider puts in tokens meant for this service");
    require(settings_.oidc_jwks, "FOTOGAL_OIDC_JWKS",
            "the provider's signing keys: its jwks_uri, or a file holding that JWKS");
    require(settings_.principal_claim, "FOTOGAL_OIDC_PRINCIPAL_CLAIM",
            "the claim that names the caller (usually sub)");
    if (settings_.clock_skew.count() < 0 || settings_.clock_skew > std::chrono::minutes(10))
        throw ConfigError("FOTOGAL_OIDC_CLOCK_SKEW must be between 0 and 600 seconds");
    if (!fetch_) fetch_ = [](const std::string& location) { return fetch_jwks(location); };
    std::string text;
    try {
        ++fetches_;
        last_attempt_ = loaded_at_ = now_();
        text = fetch_(settings_.oidc_jwks);
    } catch (const std::exception& e) {
        throw ConfigError("FOTOGAL_OIDC_JWKS: " + std::string(e.what()) +
                          " (give the provider's jwks_uri or a file holding its JWKS)");
    }
    JwkSet set;
    try {
        set = parse_jwks(text);
    } catch (const std::exception& e) {
        throw ConfigError("FOTOGAL_OIDC_JWKS " + settings_.oidc_jwks + ": " + e.what());
    }
    if (set.size() == 0)
        throw ConfigError("FOTOGAL_OIDC_JWKS " + settings_.oidc_jwks +
                          " holds no RS256 or ES256 signing key (" + joined(set.skipped) + ")");
    if (!set.skipped.empty())
        log::info("JWKS keys skipped", {{"jwks", settings_.oidc_jwks}, {"why", set.skipped}});
    log::info("JWKS loaded", {{"jwks", settings_.oidc_jwks}, {"keys", set.size()}});
    keys_ = std::make_shared<const JwkSet>(std::move(set));
}

std::size_t OidcAuthenticator::jwks_fetches() {
    std::lock_guard lock(keys_mutex_);
    return fetches_;
}

OidcAuthenticator::Keys OidcAuthenticator::current_keys() {
    std::lock_guard lock(keys_mutex_);
    return keys_;
}

void OidcAuthenticator::refresh_locked(const char* why) {
    {
        std::lock_guard lock(keys_mutex_);
        auto now = now_();
        // A clock that went back (a test, an NTP step) does not lock refreshes out.
        if (now >= last_attempt_ && now - last_attempt_ < kRefreshInterval) return;
        last_attempt_ = now;
        ++fetches_;
    }
    try {
        auto set = parse_jwks(fetch_(settings_.oidc_jwks));
        if (set.size() == 0)
            throw std::runtime_error("no RS256 or ES256 signing key in it (" + joined(set.skipped) +
                                     ")");
        log::info("JWKS refreshed",
                  {{"jwks", settings_.oidc_jwks}, {"keys", set.size()}, {"why", why}});
        std::lock_guard lock(keys_mutex_);
        keys_ = std::make_shared<const JwkSet>(std::move(set));
        loaded_at_ = now_();
    } catch (const std::exception& e) {
        log::warn("JWKS refresh failed, the cached keys stay in use",
                  {{"jwks", settings_.oidc_jwks}, {"reason", e.what()}});
    }
}

bool OidcAuthenticator::verify(const Jwt& jwt, const JwkSet& keys) const {
    if (!jwt.kid.empty()) {
        auto it = keys.by_kid.find(jwt.kid);
        return it != keys.by_kid.end() && signature_valid(jwt, it->second);
    }
    // No kid: any key of the set may have signed it (providers with one key often omit kid).
    for (const auto& [kid, key] : keys.by_kid)
        if (signature_valid(jwt, key)) return true;
    for (const auto& key : keys.without_kid)
        if (signature_valid(jwt, key)) return true;
    return false;
}

AuthResult OidcAuthenticator::authenticate(std::string_view authorization,
                                           std::string_view needed_scope) {
    auto token = bearer_token(authorization);
    if (auto* failure = std::get_if<AuthFailure>(&token)) return *failure;
    Jwt jwt;
    try {
        jwt = parse_jwt(std::get<std::string_view>(token));
    } catch (const InvalidToken& e) {
        return invalid_credential("invalid_token", e.what());
    }
    auto keys = current_keys();
    bool stale;
    {
        std::lock_guard lock(keys_mutex_);
        stale = now_() - loaded_at_ >= kMaxAge;
    }
    if (stale) {
        // One request renews the cache; the others go on with the keys they have.
        std::unique_lock refresh(refresh_mutex_, std::try_to_lock);
        if (refresh.owns_lock()) refresh_locked("cache older than an hour");
        keys = current_keys();
    }
    if (!jwt.kid.empty() && !keys->by_kid.count(jwt.kid)) {
        std::lock_guard refresh(refresh_mutex_);
        keys = current_keys();  // another request may have fetched it meanwhile
        if (!keys->by_kid.count(jwt.kid)) {
            refresh_locked("unknown kid");
            keys = current_keys();
        }
        if (!keys->by_kid.count(jwt.kid))
            return invalid_credential(
                "unknown_signing_key",
                "the token was signed with a key (kid) this service does not know; get a "
                "token from the configured identity provider");
    }
    if (!verify(jwt, *keys))
        return invalid_credential("invalid_token",
                                  "the token's signature does not verify; get a new token from "
                                  "the configured identity provider");
    try {
        return check_claims(jwt.claims, needed_scope);
    } catch (const InvalidToken& e) {
        return invalid_credential("invalid_token", e.what());
    }
}

AuthResult OidcAuthenticator::check_claims(const nlohmann::json& claims,
                                           std::string_view needed_scope) const {
    double now = std::chrono::duration<double>(now_().time_since_epoch()).count();
    auto skew = static_cast<double>(settings_.clock_skew.count());
    auto exp = numeric_date(claims, "exp");
    if (!exp)
        return invalid_credential("invalid_token",
                                  "the token has no expiry (exp); tokens without one are refused");
    if (now >= *exp + skew)
        return invalid_credential("token_expired", "the token has expired; get a new one");
    if (auto nbf = numeric_date(claims, "nbf"); nbf && now < *nbf - skew)
        return invalid_credential("token_not_yet_valid",
                                  "the token is not valid yet (nbf is in the future); check the "
                                  "clock of the machine that asked for it");
    auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string() || *iss != settings_.oidc_issuer)
        return invalid_credential("wrong_issuer", "the token was not issued by " +
                                                      settings_.oidc_issuer +
                                                      ", the issuer this service trusts");
    auto aud = claims.find("aud");
    bool audience_ok = aud != claims.end() &&
                       ((aud->is_string() && *aud == settings_.oidc_audience) ||
                        (aud->is_array() && std::find(aud->begin(), aud->end(),
                                                      settings_.oidc_audience) != aud->end()));
    if (!audience_ok)
        return invalid_credential("wrong_audience",
                                  "the token is not meant for this service "
                                  "(its aud does not contain " +
                                      settings_.oidc_audience + ")");
    auto id = claims.find(settings_.principal_claim);
    if (id == claims.end() || !id->is_string() || id->get<std::string>().empty())
        return invalid_credential("invalid_token", "the token has no " + settings_.principal_claim +
                                                       " claim naming the caller");
    Principal principal{id->get<std::string>(), "oidc", {}};
    bool has_scope_claim = false;
    for (const auto& name : {settings_.scope_claim, std::string("scp")}) {
        if (auto it = claims.find(name); it != claims.end()) {
            has_scope_claim = true;
            add_scopes(*it, principal.scopes);
        }
    }
    // A token with no scope claim at all comes from a provider (or an app registration) that
    // does not issue scopes; the audience check already says it is meant for this service, so
    // it may upload and read. A token that has scopes gets exactly those.
    if (!has_scope_claim) principal.scopes = {std::string(kScopeUpload), std::string(kScopeRead)};
    if (auto refused = check_scope(principal, needed_scope)) return *refused;
    return principal;
}

}  // namespace fotogal::ingest::auth
