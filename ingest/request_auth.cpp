#include "ingest/request_auth.hpp"

#include "common/log.hpp"
#include "common/metrics.hpp"

namespace fotogal::ingest {

std::optional<auth::Principal> authorize(const http::Request& req, http::Response& res,
                                         auth::Authenticator& authenticator,
                                         std::string_view scope) {
    auto result = authenticator.authenticate(req.header("authorization"), scope);
    if (auto* principal = std::get_if<auth::Principal>(&result)) return *principal;
    const auto& failure = std::get<auth::AuthFailure>(result);
    metrics::counter("fotogal_ingest_auth_failures_total", "requests refused by authentication",
                     {{"status", std::to_string(failure.status)}})
        .inc();
    // The reason, never the credential: the request id joins this line to the client's view.
    log::info("request refused",
              {{"request_id", req.request_id}, {"status", failure.status}, {"code", failure.code}});
    if (!failure.www_authenticate.empty())
        res.set_header("WWW-Authenticate", failure.www_authenticate);
    http::send_error(res, failure.status, failure.code, failure.message);
    return std::nullopt;
}

}  // namespace fotogal::ingest
