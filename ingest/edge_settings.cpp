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
        {"FOTOGAL_UPLOAD_URLS", "store",
         "what POST /v1/uploads hands out: store (the bucket's presigned PUT URL; ingest's own "
         "signed PUT /v1/uploads/ID for file://), ingest (always ingest's URL) or off"},
        {"FOTOGAL_UPLOAD_URL_TTL", "900", "seconds an upload URL stays valid (60 to 604800)"},
        {"FOTOGAL_UPLOAD_URL_SECRET", "",
         "key signing ingest's own upload URLs; every replica needs the same one (default: a "
         "random key, so only the replica that issued a URL accepts it)"},
        {"FOTOGAL_PUBLIC_URL", "",
         "scheme://host[:port] clients reach ingest at, for its own upload URLs (default: "
         "from the request's Host and X-Forwarded-Proto)"},
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

UploadUrlPolicy upload_url_policy_from(const Config& config) {
    UploadUrlPolicy p{UploadUrlMode::store, std::chrono::seconds(900), "",
                      UploadUrlSigner(config.str("FOTOGAL_UPLOAD_URL_SECRET"))};
    const std::string& mode = config.str("FOTOGAL_UPLOAD_URLS");
    if (mode == "ingest")
        p.mode = UploadUrlMode::ingest;
    else if (mode == "off")
        p.mode = UploadUrlMode::off;
    else if (mode != "store")
        throw ConfigError("FOTOGAL_UPLOAD_URLS is store, ingest or off, not '" + mode + "'");
    p.ttl =
        std::chrono::duration_cast<std::chrono::seconds>(config.seconds("FOTOGAL_UPLOAD_URL_TTL"));
    // S3 refuses presigned URLs valid for more than 7 days; under a minute is no use to anyone.
    if (p.ttl < std::chrono::seconds(60) || p.ttl > std::chrono::seconds(604800))
        throw ConfigError("FOTOGAL_UPLOAD_URL_TTL is 60 to 604800 seconds");
    p.public_url = config.str("FOTOGAL_PUBLIC_URL");
    while (p.public_url.ends_with('/')) p.public_url.pop_back();
    if (!p.public_url.empty() && !p.public_url.starts_with("http://") &&
        !p.public_url.starts_with("https://"))
        throw ConfigError("FOTOGAL_PUBLIC_URL starts with http:// or https://");
    return p;
}

}  // namespace fotogal::ingest
