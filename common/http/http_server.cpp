#include "common/http/http_server.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "common/config.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"

namespace fotogal::http {

void send_error(httplib::Response& res, int status, std::string_view code,
                std::string_view message) {
    res.status = status;
    nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
    res.set_content(body.dump(), "application/json");
}

HttpServer::HttpServer(const std::string& listen, std::function<bool()> ready) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos)
        throw ConfigError("FOTOGAL_LISTEN must be host:port, got '" + listen + "'");
    host_ = listen.substr(0, colon);
    try {
        requested_port_ = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
        throw ConfigError("FOTOGAL_LISTEN port is not a number in '" + listen + "'");
    }
    server_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(R"({"status":"ok"})", "application/json");
    });
    server_.Get("/readyz",
                [ready = std::move(ready)](const httplib::Request&, httplib::Response& res) {
                    bool ok = !ready || ready();
                    res.status = ok ? 200 : 503;
                    res.set_content(ok ? R"({"status":"ready"})" : R"({"status":"not ready"})",
                                    "application/json");
                });
    server_.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics::render(), "text/plain; version=0.0.4");
    });
    server_.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unexpected error";
            try {
                std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            log::error("request failed", {{"error", what}});
            send_error(res, 500, "internal", what);
        });
}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::start() {
    if (requested_port_ == 0) {
        port_ = server_.bind_to_any_port(host_);
    } else {
        port_ = server_.bind_to_port(host_, requested_port_) ? requested_port_ : -1;
    }
    if (port_ <= 0)
        throw std::runtime_error("cannot listen on " + host_ + ":" +
                                 std::to_string(requested_port_) + " (address in use?)");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // httplib 0.11 has no wait_until_ready(); is_running() turns true inside listen.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void HttpServer::stop() {
    if (thread_.joinable()) {
        server_.stop();
        thread_.join();
    }
}

}  // namespace fotogal::http
