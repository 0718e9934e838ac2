#include "common/http/connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace fotogal::http {

Connection::Connection(int fd, std::string remote, std::atomic<std::size_t>* open_count)
    : fd_(fd), remote_(std::move(remote)), open_count_(open_count) {
    if (open_count_) open_count_->fetch_add(1);
}

Connection::~Connection() {
    if (fd_ >= 0) ::close(fd_);
    if (open_count_) open_count_->fetch_sub(1);
}

bool Connection::fill_nonblocking(std::size_t max_pending) {
    char buffer[16384];
    while (pending_.size() < max_pending) {
        ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n > 0) {
            pending_.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) return false;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    return true;
}

bool Connection::wait(short events, Clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, events, 0};
        int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (r > 0) return true;
        if (r < 0 && errno != EINTR) throw ConnectionError(std::strerror(errno));
    }
}

std::size_t Connection::receive(std::span<char> out, Clock::time_point deadline) {
    if (out.empty()) return 0;
    if (!pending_.empty()) {
        std::size_t n = std::min(out.size(), pending_.size());
        std::memcpy(out.data(), pending_.data(), n);
        pending_.erase(0, n);
        return n;
    }
    for (;;) {
        ssize_t n = ::recv(fd_, out.data(), out.size(), 0);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            throw ConnectionError(std::string("receive failed: ") + std::strerror(errno));
        if (!wait(POLLIN, deadline)) throw ConnectionError("the client sent nothing in time");
    }
}

void Connection::send_all(std::string_view bytes, Clock::time_point deadline) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            throw ConnectionError(std::string("send failed: ") + std::strerror(errno));
        if (!wait(POLLOUT, deadline)) throw ConnectionError("the client stopped reading");
    }
}

void Connection::shutdown_write() {
    ::shutdown(fd_, SHUT_WR);
}

}  // namespace fotogal::http
