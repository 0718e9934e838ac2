#include "ingest/edge_settings.hpp"

#include <string>

namespace fotogal::ingest {

std::vector<SettingSpec> edge_settings() {
    return {
        {"FOTOGAL_AUTH", "api_key",
         "who may call: api_key (keys file), oidc (bearer JWTs) or none (anyone; local demos "
         "only)"},
        {"FOTOGAL_API_KEYS_FILE", "/etc/fotogal/api-keys/keys",
         "API keys: lines '<key id> <sha256 hex of the secret> [upload,read]'; re-read when it "
         "changes"},
        {"FOTOGAL_OIDC_ISSUER", "", "OIDC: the issuer ('iss') tokens must carry"},
        {"FOTOGAL_OIDC_AUDIENCE", "", "OIDC: a value the tokens' 'aud' must contain"},
        {"FOTOGAL_OIDC_JWKS", "", "OIDC: the signing keys, a JWKS file path or http(s) URL"},
        {"FOTOGAL_OIDC_CLOCK_SKEW", "60", "OIDC: seconds of leeway on 'exp' and 'nbf'"},
        {"FOTOGAL_OIDC_PRINCIPAL_CLAIM", "sub", "OIDC: the claim that names the principal"},
        {"FOTOGAL_RATE_UPLOADS", "10", "uploads per second per principal (0: no limit)"},
        {"FOTOGAL_RATE_UPLOADS_BURST", "20", "uploads a principal may make at once"},
        {"FOTOGAL_RATE_BYTES", "104857600", "upload bytes per second per principal (0: no limit)"},
        {"FOTOGAL_RATE_BYTES_BURST", "209715200", "upload bytes a principal may send at once"},
        {"FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL", "16",
         "uploads one principal may have in progress at once (429 above; 0: no limit)"},
        {"FOTOGAL_MAX_INFLIGHT_BYTES", "1073741824",
         "upload bytes being received at once, all clients together (503 above; 0: no cap)"},
        {"FOTOGAL_PRESIGN_TTL", "300",
         "seconds a presigned rendition URL stays valid (GET .../renditions/NAME?redirect=1)"},
    };
}

auth::AuthSettings auth_settings_from(const Config& config) {
    auth::AuthSettings s;
    s.mode = config.str("FOTOGAL_AUTH");
    s.api_keys_file = config.str("FOTOGAL_API_KEYS_FILE");
    s.oidc_issuer = config.str("FOTOGAL_OIDC_ISSUER");
    s.oidc_audience = config.str("FOTOGAL_OIDC_AUDIENCE");
    s.oidc_jwks = config.str("FOTOGAL_OIDC_JWKS");
    s.clock_skew =
        std::chrono::duration_cast<std::chrono::seconds>(config.seconds("FOTOGAL_OIDC_CLOCK_SKEW"));
    s.principal_claim = config.str("FOTOGAL_OIDC_PRINCIPAL_CLAIM");
    return s;
}

quotas::RateLimits rate_limits_from(const Config& config) {
    auto number = [&](const char* name) { return static_cast<double>(config.integer(name)); };
    return {number("FOTOGAL_RATE_UPLOADS"), number("FOTOGAL_RATE_UPLOADS_BURST"),
            number("FOTOGAL_RATE_BYTES"), number("FOTOGAL_RATE_BYTES_BURST")};
}

}  // namespace fotogal::ingest
