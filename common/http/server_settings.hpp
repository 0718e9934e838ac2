// The settings that bound what clients may hold of an HTTP server (ServerLimits), for the
// binaries that face clients.
#pragma once

#include <vector>

#include "common/config.hpp"
#include "common/http/server_limits.hpp"

namespace fotogal::http {

// FOTOGAL_HEADER_TIMEOUT, FOTOGAL_IDLE_TIMEOUT, FOTOGAL_MIN_BODY_RATE, FOTOGAL_BODY_GRACE,
// FOTOGAL_MAX_CONNECTIONS, FOTOGAL_HTTP_THREADS.
std::vector<SettingSpec> server_settings();
ServerLimits limits_from(const Config& config);

}  // namespace fotogal::http
