// The event loop: accepting, parking idle connections, reading request heads against their
// deadline, lingering after a refusal. Serving a request is in http_exchange.cpp.
#include "common/http/http_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/config.hpp"
#include "common/http/response_writer.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"

namespace fotogal::http {

namespace {

constexpr int kSweepMillis = 100;

metrics::Counter& refused_connections() {
    static auto& c = metrics::counter("fotogal_http_connections_refused_total",
                                      "connections closed at once: the connection cap was reached");
    return c;
}

metrics::Counter& head_timeouts() {
    static auto& c =
        metrics::counter("fotogal_http_header_timeouts_total",
                         "connections closed because the request head came too slowly");
    return c;
}

std::string peer_name(const sockaddr_storage& addr) {
    char host[INET6_ADDRSTRLEN] = "?";
    if (addr.ss_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, host, sizeof host);
    else if (addr.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, host,
                  sizeof host);
    return host;
}

// Descriptors are what a connection flood exhausts first: take all the hard limit allows.
void raise_descriptor_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

int open_listener(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    if (getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0)
        throw ConfigError("FOTOGAL_LISTEN: cannot resolve the host '" + host + "'");
    int fd = -1;
    for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 1024) != 0) {
            ::close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd < 0)
        throw std::runtime_error("cannot listen on " + host + ":" + service + " (address in use?)");
    return fd;
}

}  // namespace

HttpServer::HttpServer(const std::string& listen, std::function<bool()> ready, ServerLimits limits)
    : limits_(limits) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos)
        throw ConfigError("FOTOGAL_LISTEN must be host:port, got '" + listen + "'");
    host_ = listen.substr(0, colon);
    if (host_.size() > 1 && host_.front() == '[' && host_.back() == ']')
        host_ = host_.substr(1, host_.size() - 2);
    try {
        requested_port_ = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
        throw ConfigError("FOTOGAL_LISTEN port is not a number in '" + listen + "'");
    }
    router_.get(
        "/healthz",
        [](Request&, Response& res) { res.set_content(R"({"status":"ok"})", "application/json"); },
        Lane::control);
    router_.get(
        "/readyz",
        [ready = std::move(ready)](Request&, Response& res) {
            bool ok = !ready || ready();
            res.status = ok ? 200 : 503;
            res.set_content(ok ? R"({"status":"ready"})" : R"({"status":"not ready"})",
                            "application/json");
        },
        Lane::control);
    router_.get(
        "/metrics",
        [](Request&, Response& res) {
            res.set_content(metrics::render(), "text/plain; version=0.0.4");
        },
        Lane::control);
}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::start() {
    raise_descriptor_limit();
    listen_fd_ = open_listener(host_, requested_port_);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
    port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                              : reinterpret_cast<sockaddr_in&>(bound).sin_port);
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0)
        throw std::runtime_error(std::string("cannot start the HTTP event loop: ") +
                                 std::strerror(errno));
    for (int fd : {listen_fd_, wake_fd_}) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
    api_pool_ = std::make_unique<TaskPool>(limits_.api_threads, "api");
    control_pool_ = std::make_unique<TaskPool>(limits_.control_threads, "control");
    thread_ = std::thread([this] { loop(); });
}

void HttpServer::stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
    thread_.join();
    api_pool_.reset();  // lets handlers already running finish
    control_pool_.reset();
    returned_.clear();
    for (int fd : {listen_fd_, epoll_fd_, wake_fd_})
        if (fd >= 0) ::close(fd);
    listen_fd_ = epoll_fd_ = wake_fd_ = -1;
}

void HttpServer::loop() {
    epoll_event events[256];
    auto next_sweep = Clock::now();
    while (!stopping_) {
        int n = epoll_wait(epoll_fd_, events, 256, kSweepMillis);
        for (int i = 0; i < n; ++i) {
            int fd = events[i].data.fd;
            if (fd == listen_fd_) {
                accept_all();
            } else if (fd == wake_fd_) {
                std::uint64_t count = 0;
                [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
                take_returned();
            } else {
                on_readable(fd);
            }
        }
        if (Clock::now() >= next_sweep) {
            sweep();
            next_sweep = Clock::now() + std::chrono::milliseconds(kSweepMillis);
        }
    }
    parked_.clear();
    take_returned();
    parked_.clear();
}

void HttpServer::accept_all() {
    for (;;) {
        sockaddr_storage addr{};
        socklen_t length = sizeof addr;
        int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE)
                log::warn("out of file descriptors; connections wait in the backlog");
            return;  // EAGAIN: nothing left to accept
        }
        if (open_.load() >= limits_.max_connections) {
            refused_connections().inc();
            static const std::string full = [] {
                Response res;
                send_error(res, 503, "too_many_connections",
                           "the server has as many connections as it takes; retry shortly");
                res.set_header("Retry-After", "1");
                return serialize_response(res, false, false, "");
            }();
            [[maybe_unused]] auto sent =
                ::send(fd, full.data(), full.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            ::close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        park(std::make_shared<Connection>(fd, peer_name(addr), &open_), false);
        // A new connection owes its first request head at once: connecting and sending
        // nothing is the cheapest way to fill the connection cap.
        parked_[fd].head_started = Clock::now();
    }
}

void HttpServer::park(ConnectionPtr connection, bool linger) {
    int fd = connection->fd();
    if (linger) {
        connection->shutdown_write();
        connection->pending().clear();
    }
    parked_[fd] = Parked{std::move(connection), linger, Clock::now(), std::nullopt};
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    if (!linger && !parked_[fd].connection->pending().empty()) {
        parked_[fd].head_started = Clock::now();
        try_parse(fd, true);  // a pipelined request already received
    }
}

void HttpServer::close_parked(int fd) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    parked_.erase(fd);
}

void HttpServer::on_readable(int fd) {
    auto it = parked_.find(fd);
    if (it == parked_.end()) return;
    Parked& p = it->second;
    bool open = p.connection->fill_nonblocking(limits_.max_head_bytes + 1);
    if (p.lingering) {
        p.connection->pending().clear();
        if (!open) close_parked(fd);
        return;
    }
    if (!open && p.connection->pending().empty()) {
        close_parked(fd);
        return;
    }
    if (!p.head_started && !p.connection->pending().empty()) p.head_started = Clock::now();
    try_parse(fd, open);
}

void HttpServer::try_parse(int fd, bool peer_open) {
    Parked& p = parked_.at(fd);
    HeadParse parse = parse_request_head(p.connection->pending(), limits_.max_head_bytes);
    switch (parse.state) {
        case HeadParse::State::incomplete:
            if (!peer_open) close_parked(fd);
            return;
        case HeadParse::State::invalid:
            refuse(fd, parse.error.status,
                   parse.error.status == 431 ? "head_too_large" : "bad_request",
                   parse.error.message);
            return;
        case HeadParse::State::complete:
            break;
    }
    ConnectionPtr connection = std::move(p.connection);
    close_parked(fd);
    connection->pending().erase(0, parse.head.head_bytes);
    Router::Match match = router_.match(parse.head.request.method, parse.head.request.path);
    TaskPool& pool = match.lane == Lane::control ? *control_pool_ : *api_pool_;
    pool.post([this, connection, head = std::move(parse.head)]() mutable {
        serve(std::move(connection), std::move(head));
    });
}

// Answers from the loop itself (the response is small enough for the socket buffer), then
// lingers so the client reads the answer instead of a reset.
void HttpServer::refuse(int fd, int status, const std::string& code, const std::string& message) {
    Response res;
    send_error(res, status, code, message);
    std::string bytes = serialize_response(res, false, false, "");
    Parked& p = parked_.at(fd);
    [[maybe_unused]] auto sent =
        ::send(fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ConnectionPtr connection = std::move(p.connection);
    close_parked(fd);
    park(std::move(connection), true);
}

void HttpServer::sweep() {
    auto now = Clock::now();
    std::vector<int> idle;
    std::vector<int> slow;
    for (auto& [fd, p] : parked_) {
        if (p.lingering) {
            if (now - p.since > limits_.linger) idle.push_back(fd);
        } else if (p.head_started) {
            if (now - *p.head_started > limits_.header_timeout) slow.push_back(fd);
        } else if (now - p.since > limits_.idle_timeout) {
            idle.push_back(fd);
        }
    }
    for (int fd : idle) close_parked(fd);
    for (int fd : slow) {
        head_timeouts().inc();
        refuse(fd, 408, "head_timeout",
               "the request head did not arrive within " +
                   std::to_string(limits_.header_timeout.count() / 1000) + " s");
    }
}

void HttpServer::give_back(ConnectionPtr connection, bool linger) {
    {
        std::lock_guard lock(returned_mutex_);
        returned_.emplace_back(std::move(connection), linger);
    }
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void HttpServer::take_returned() {
    std::vector<std::pair<ConnectionPtr, bool>> returned;
    {
        std::lock_guard lock(returned_mutex_);
        returned.swap(returned_);
    }
    if (stopping_) return;  // dropping them closes them
    for (auto& [connection, linger] : returned) park(std::move(connection), linger);
}

}  // namespace fotogal::http
