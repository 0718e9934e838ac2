// The small HTTP server every binary runs (cpp-httplib): /healthz, /readyz and /metrics
// come built in; ingest adds its API routes. Errors are JSON {"error": {"code","message"}}.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace fotogal::http {

// Writes {"error": {"code", "message"}} with `status`.
void send_error(httplib::Response& res, int status, std::string_view code,
                std::string_view message);

class HttpServer {
  public:
    // `ready` answers /readyz; /healthz only says the process serves requests.
    HttpServer(const std::string& listen, std::function<bool()> ready);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    httplib::Server& routes() { return server_; }
    // Binds (port 0 picks a free one) and serves on a background thread. Throws on failure.
    void start();
    int port() const { return port_; }
    void stop();

  private:
    httplib::Server server_;
    std::string host_;
    int requested_port_ = 0;
    int port_ = 0;
    std::thread thread_;
};

}  // namespace fotogal::http
