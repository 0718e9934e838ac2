// One client connection: the socket (closed on destruction), the bytes received but not yet
// consumed, and blocking reads and writes that give up at a deadline, so a slow or silent
// peer can hold a handler thread only as long as the limits allow.
#pragma once

#include <atomic>
#include <chrono>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fotogal::http {

using Clock = std::chrono::steady_clock;

// The peer did not keep up (or went away); the connection is unusable.
class ConnectionError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Connection {
  public:
    // `open_count` (optional) counts live connections: one more until this one is closed.
    Connection(int fd, std::string remote, std::atomic<std::size_t>* open_count = nullptr);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    int fd() const { return fd_; }
    const std::string& remote() const { return remote_; }
    // Received bytes not consumed yet (the start of the next request, or of a body).
    std::string& pending() { return pending_; }

    // Reads what is available without waiting into pending(); false when the peer closed
    // (or the socket failed). Used by the event loop.
    bool fill_nonblocking(std::size_t max_pending);
    // Up to out.size() bytes: pending ones first, else waits until `deadline`. 0 = peer
    // closed. Throws ConnectionError when the deadline passes.
    std::size_t receive(std::span<char> out, Clock::time_point deadline);
    // Throws ConnectionError when the peer stops reading until `deadline` or is gone.
    void send_all(std::string_view bytes, Clock::time_point deadline);
    // Half-closes our side so the peer sees the response end before the socket goes away.
    void shutdown_write();

  private:
    bool wait(short events, Clock::time_point deadline);
    int fd_;
    std::string remote_;
    std::string pending_;
    std::atomic<std::size_t>* open_count_;
};

}  // namespace fotogal::http
