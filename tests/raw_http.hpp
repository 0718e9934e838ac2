// A deliberately low-level HTTP client for server tests: a socket that sends exactly the
// bytes a test chooses (slow, malformed, pipelined) and reads responses with a deadline.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace fotogal::test {

struct RawResponse {
    int status = 0;
    std::string head;  // status line and headers
    std::string body;
    std::string header(const std::string& lower_name) const {
        std::string lowered;
        for (char c : head)
            lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto at = lowered.find("\r\n" + lower_name + ":");
        if (at == std::string::npos) return {};
        auto start = head.find_first_not_of(' ', at + 3 + lower_name.size());
        return head.substr(start, head.find("\r\n", start) - start);
    }
};

class RawConnection {
  public:
    explicit RawConnection(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("cannot connect to the test server");
    }
    ~RawConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // False when the peer has closed or reset the connection.
    bool send(const std::string& bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(bytes.size());
    }

    // One response (Content-Length framed; no body after HEAD); nullopt on timeout or when
    // the connection closes without a response.
    std::optional<RawResponse> read_response(std::chrono::milliseconds timeout,
                                             bool to_head = false) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto end = buffer_.find("\r\n\r\n");
            if (end != std::string::npos) {
                RawResponse r;
                r.head = buffer_.substr(0, end + 2);
                r.status = std::stoi(buffer_.substr(9, 3));
                std::string length = r.header("content-length");
                std::size_t need = length.empty() || to_head ? 0 : std::stoul(length);
                if (buffer_.size() >= end + 4 + need) {
                    r.body = buffer_.substr(end + 4, need);
                    buffer_.erase(0, end + 4 + need);
                    return r;
                }
            }
            if (!fill(deadline)) return std::nullopt;
        }
    }

    // True when the server closes the connection before `timeout`.
    bool closed_within(std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (fill(deadline)) {
        }
        return closed_;
    }

  private:
    bool fill(std::chrono::steady_clock::time_point deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || closed_) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char chunk[65536];
        ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            closed_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }
    int fd_ = -1;
    std::string buffer_;
    bool closed_ = false;
};

}  // namespace fotogal::test
