#include "common/http/cors.hpp"

#include <algorithm>

namespace fotogal::http {

namespace {

constexpr const char* kAllowedHeaders =
    "Authorization, Content-Type, If-None-Match, If-Range, Range, X-Request-Id, traceparent, "
    "tracestate";
constexpr const char* kExposedHeaders =
    "ETag, Location, Retry-After, Content-Range, Content-Length, Accept-Ranges, X-Request-Id, "
    "WWW-Authenticate, traceparent";

}  // namespace

CorsPolicy::CorsPolicy(const std::string& origins) {
    std::string_view rest = origins;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view one = trim_ows(rest.substr(0, comma));
        while (!one.empty() && one.back() == '/') one.remove_suffix(1);
        if (one == "*")
            any_ = true;
        else if (!one.empty())
            origins_.emplace_back(one);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
}

bool CorsPolicy::allows(std::string_view origin) const {
    if (origin.empty()) return false;
    return any_ || std::any_of(origins_.begin(), origins_.end(),
                               [&](const std::string& o) { return iequals(o, origin); });
}

void CorsPolicy::decorate(const Request& req, Response& res) const {
    std::string_view origin = req.header("origin");
    if (!allows(origin)) return;
    res.set_header("Access-Control-Allow-Origin", std::string(origin));
    res.set_header("Access-Control-Expose-Headers", kExposedHeaders);
    res.set_header("Vary", "Origin");
}

bool CorsPolicy::answer_preflight(const Request& req, const std::string& allow,
                                  Response& res) const {
    std::string_view method = req.header("access-control-request-method");
    if (req.method != "OPTIONS" || !req.has_header("origin") || method.empty()) return false;
    res.set_header("Vary", "Origin");
    if (!allows(req.header("origin"))) {
        send_error(res, 403, "origin_not_allowed",
                   "this origin may not call the API; the operator lists allowed origins in "
                   "FOTOGAL_CORS_ORIGINS");
        return true;
    }
    if (allow.find(std::string(method)) == std::string::npos) {
        send_error(res, 403, "method_not_allowed",
                   "this path does not take " + std::string(method));
        return true;
    }
    std::string_view requested = req.header("access-control-request-headers");
    while (!requested.empty()) {
        auto comma = requested.find(',');
        std::string_view name = trim_ows(requested.substr(0, comma));
        if (!name.empty() && !list_contains(kAllowedHeaders, name)) {
            send_error(res, 403, "header_not_allowed",
                       "the header '" + std::string(name) + "' may not be sent cross-origin");
            return true;
        }
        if (comma == std::string_view::npos) break;
        requested.remove_prefix(comma + 1);
    }
    res.status = 204;
    res.set_header("Access-Control-Allow-Origin", std::string(req.header("origin")));
    res.set_header("Access-Control-Allow-Methods", allow);
    res.set_header("Access-Control-Allow-Headers", kAllowedHeaders);
    res.set_header("Access-Control-Max-Age", "600");
    return true;
}

}  // namespace fotogal::http
