// One request on a handler thread: route it, run the handler with its body reader, map what
// it throws to an answer (never internal detail: that goes to the log under the request id),
// write the response, and hand the connection back to the loop or close it.
#include <random>

#include "common/http/body_reader.hpp"
#include "common/http/http_server.hpp"
#include "common/http/response_writer.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"

namespace fotogal::http {

namespace {

// Unread body bytes worth reading to keep the connection; beyond this, closing is cheaper.
constexpr std::uint64_t kDiscardLimit = 256 * 1024;

// A client's own X-Request-Id is kept when it is short and plain, so its logs and ours join.
std::string request_id_for(const Request& req) {
    std::string_view given = req.header("x-request-id");
    bool plain = !given.empty() && given.size() <= 64;
    for (char c : given)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            plain = false;
    if (plain) return std::string(given);
    thread_local std::mt19937_64 random{std::random_device{}()};
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(random()));
    return buffer;
}

void observe(const std::string& route, int status, Clock::duration took) {
    metrics::histogram(
        "fotogal_http_request_duration_seconds",
        "HTTP requests by route and status code, from head to response sent",
        {{"route", route.empty() ? "unmatched" : route}, {"code", std::to_string(status)}})
        .observe(std::chrono::duration<double>(took).count());
}

}  // namespace

void HttpServer::run_handler(Request& req, Response& res, const Router::Match& match) {
    try {
        if (cors_.answer_preflight(req, match.allow, res)) return;
        if (match.status == 404) {
            send_error(res, 404, "not_found", "no such route");
        } else if (req.method == "OPTIONS") {
            res.status = 204;
            res.set_header("Allow", match.allow);
        } else if (match.status == 405) {
            res.set_header("Allow", match.allow);
            send_error(res, 405, "method_not_allowed", req.method + " is not served here");
        } else {
            req.params = match.params;
            (*match.handler)(req, res);
        }
    } catch (const BodyError& e) {
        res = Response{};
        send_error(res, e.status(), e.code(), e.what());
        res.close = true;
    } catch (const std::exception& e) {
        log::error("request failed",
                   {{"request_id", req.request_id}, {"route", match.route}, {"error", e.what()}});
        res = Response{};
        res.set_json(500, {{"error",
                            {{"code", "internal"},
                             {"message", "internal error; quote request id " + req.request_id},
                             {"request_id", req.request_id}}}});
    }
}

void HttpServer::serve(ConnectionPtr connection, RequestHead head) {
    auto started = Clock::now();
    Request& req = head.request;
    req.remote = connection->remote();
    req.request_id = request_id_for(req);
    Router::Match match = router_.match(req.method, req.path);
    BodyReader body(*connection, head.framing, head.expect_continue, limits_.body);
    req.body = &body;
    Response res;
    run_handler(req, res, match);
    cors_.decorate(req, res);
    bool keep_alive = head.keep_alive && !res.close && !stopping_;
    if (keep_alive && !body.discard_rest(kDiscardLimit)) keep_alive = false;
    std::string bytes = serialize_response(res, req.method == "HEAD", keep_alive, req.request_id);
    try {
        auto allowed =
            limits_.body.grace + std::chrono::milliseconds(
                                     bytes.size() * 1000 /
                                     std::max<std::uint64_t>(1, limits_.body.min_bytes_per_second));
        connection->send_all(bytes, Clock::now() + allowed);
    } catch (const ConnectionError&) {
        observe(match.route, res.status, Clock::now() - started);
        return;  // the client is gone or stopped reading: dropping the pointer closes it
    }
    observe(match.route, res.status, Clock::now() - started);
    give_back(std::move(connection), !keep_alive);
}

}  // namespace fotogal::http
