// The settings of the public edge (authentication, quotas) and what they build: the
// catalogue entries for --help and the objects ingest's routes use.
#pragma once

#include <vector>

#include "common/config.hpp"
#include "ingest/auth/auth_settings.hpp"
#include "ingest/quotas/rate_limiter.hpp"
#include "ingest/upload_url_policy.hpp"

namespace fotogal::ingest {

// FOTOGAL_AUTH, FOTOGAL_API_KEYS_FILE, FOTOGAL_OIDC_*, FOTOGAL_RATE_*, FOTOGAL_MAX_INFLIGHT_BYTES,
// FOTOGAL_UPLOAD_URL*, FOTOGAL_PUBLIC_URL.
std::vector<SettingSpec> edge_settings();
auth::AuthSettings auth_settings_from(const Config& config);
quotas::RateLimits rate_limits_from(const Config& config);
// Throws ConfigError for an unknown mode, a TTL outside 60 s..7 days or a bad public URL.
UploadUrlPolicy upload_url_policy_from(const Config& config);

}  // namespace fotogal::ingest
