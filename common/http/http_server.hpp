// The HTTP/1.1 server every binary runs: /healthz, /readyz and /metrics built in, ingest adds
// its API. One event-loop thread owns every connection that is idle or still sending its
// request head, so slow or idle clients cost a socket and a small buffer, never a thread;
// a complete head goes to a handler thread (API or control lane), and the connection comes
// back to the loop for its next request. ServerLimits bounds everything a client can hold.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/http/connection.hpp"
#include "common/http/cors.hpp"
#include "common/http/http_message.hpp"
#include "common/http/request_head.hpp"
#include "common/http/router.hpp"
#include "common/http/server_limits.hpp"
#include "common/http/task_pool.hpp"

namespace fotogal::http {

class HttpServer {
  public:
    // `ready` answers /readyz; /healthz only says the process serves requests.
    HttpServer(const std::string& listen, std::function<bool()> ready, ServerLimits limits = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    Router& routes() { return router_; }
    void set_cors(CorsPolicy cors) { cors_ = std::move(cors); }
    // Binds (port 0 picks a free one) and serves on background threads. Throws on failure.
    void start();
    int port() const { return port_; }
    void stop();
    std::size_t open_connections() const { return open_.load(); }

  private:
    using ConnectionPtr = std::shared_ptr<Connection>;
    struct Parked {
        ConnectionPtr connection;
        bool lingering = false;
        Clock::time_point since;
        std::optional<Clock::time_point> head_started;
    };

    void loop();
    void accept_all();
    void park(ConnectionPtr connection, bool linger);
    void on_readable(int fd);
    void try_parse(int fd, bool peer_open);
    void refuse(int fd, int status, const std::string& code, const std::string& message);
    void close_parked(int fd);
    void sweep();
    void take_returned();
    void serve(ConnectionPtr connection, RequestHead head);  // on a handler thread
    void run_handler(Request& req, Response& res, const Router::Match& match);
    void give_back(ConnectionPtr connection, bool linger);  // from a handler thread

    Router router_;
    CorsPolicy cors_;
    ServerLimits limits_;
    std::string host_;
    int requested_port_ = 0;
    int port_ = 0;
    int listen_fd_ = -1;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> open_{0};
    std::map<int, Parked> parked_;  // the loop thread's alone
    std::mutex returned_mutex_;
    std::vector<std::pair<ConnectionPtr, bool>> returned_;
    std::unique_ptr<TaskPool> api_pool_;
    std::unique_ptr<TaskPool> control_pool_;
    std::thread thread_;
};

}  // namespace fotogal::http
