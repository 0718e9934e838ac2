// How the ingest decides who is calling. The settings below are registered in ingest/main.cpp
// (names are a contract, keep them exactly):
//   FOTOGAL_AUTH                  api_key (default) | oidc | none  (none: anyone may upload
//                                 and read; only when set explicitly, e.g. the quick start)
//   FOTOGAL_API_KEYS_FILE         /etc/fotogal/api-keys/keys  (lines of
//                                 `<key_id> <sha256-hex-of-secret> [scope,scope]`; mounted
//                                 from a Kubernetes Secret; reloaded when it changes)
//   FOTOGAL_OIDC_ISSUER           the `iss` every token must carry (required for oidc)
//   FOTOGAL_OIDC_AUDIENCE         a value the token's `aud` must contain (required for oidc)
//   FOTOGAL_OIDC_JWKS             the signing keys: a file path or an http(s) URL (required)
//   FOTOGAL_OIDC_CLOCK_SKEW       60  (seconds of leeway on `exp` and `nbf`)
//   FOTOGAL_OIDC_PRINCIPAL_CLAIM  sub (the claim naming the principal)
// Quotas (ingest/quotas/), same place:
//   FOTOGAL_RATE_UPLOADS          10          uploads per second per principal (0: no limit)
//   FOTOGAL_RATE_UPLOADS_BURST    20
//   FOTOGAL_RATE_BYTES            104857600   upload bytes per second per principal (0: none)
//   FOTOGAL_RATE_BYTES_BURST      209715200
//   FOTOGAL_MAX_INFLIGHT_BYTES    1073741824  upload bytes in flight, all clients (0: none)
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace fotogal::ingest::auth {

struct AuthSettings {
    std::string mode = "api_key";  // api_key | oidc | none
    std::filesystem::path api_keys_file = "/etc/fotogal/api-keys/keys";
    std::string oidc_issuer, oidc_audience;
    std::string oidc_jwks;  // a file path or an http(s) URL
    std::chrono::seconds clock_skew{60};
    std::string principal_claim = "sub";
    std::string scope_claim = "scope";  // `scp` (an array) is read too when this is absent
};

}  // namespace fotogal::ingest::auth
