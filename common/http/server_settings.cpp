#include "common/http/server_settings.hpp"

namespace fotogal::http {

std::vector<SettingSpec> server_settings() {
    return {
        {"FOTOGAL_HEADER_TIMEOUT", "10",
         "seconds a client has to send a request's head once it started (408 after)"},
        {"FOTOGAL_IDLE_TIMEOUT", "75",
         "seconds an idle keep-alive connection stays open (above the load balancer's idle "
         "timeout)"},
        {"FOTOGAL_MIN_BODY_RATE", "10240",
         "bytes per second a request body must keep up after FOTOGAL_BODY_GRACE (408 below)"},
        {"FOTOGAL_BODY_GRACE", "10", "seconds before FOTOGAL_MIN_BODY_RATE applies"},
        {"FOTOGAL_MAX_CONNECTIONS", "1024",
         "open connections at most; more are answered 503 and closed"},
        {"FOTOGAL_HTTP_THREADS", "64", "threads serving API requests (health has its own)"},
    };
}

ServerLimits limits_from(const Config& config) {
    auto positive = [&](const char* name) {
        auto v = config.integer(name);
        if (v <= 0) throw ConfigError(std::string(name) + " must be positive");
        return static_cast<std::size_t>(v);
    };
    ServerLimits limits;
    limits.header_timeout = config.seconds("FOTOGAL_HEADER_TIMEOUT");
    limits.idle_timeout = config.seconds("FOTOGAL_IDLE_TIMEOUT");
    limits.body.min_bytes_per_second = positive("FOTOGAL_MIN_BODY_RATE");
    limits.body.grace = config.seconds("FOTOGAL_BODY_GRACE");
    limits.max_connections = positive("FOTOGAL_MAX_CONNECTIONS");
    limits.api_threads = positive("FOTOGAL_HTTP_THREADS");
    return limits;
}

}  // namespace fotogal::http
