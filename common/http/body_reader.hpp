// Reading a request body as the handler asks for it, never more: Content-Length or chunked
// framing, `Expect: 100-continue` answered only when the handler starts reading (so a request
// refused on its head never makes the client send its body), and a minimum transfer rate
// after a grace period, so a client trickling bytes loses its connection instead of holding a
// thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "common/http/connection.hpp"
#include "common/http/request_head.hpp"

namespace fotogal::http {

struct BodyLimits {
    std::uint64_t min_bytes_per_second = 10 * 1024;
    std::chrono::milliseconds grace{10'000};  // before the minimum rate applies
};

// The body could not be read: too slow, malformed chunking, or the client went away.
class BodyError : public std::runtime_error {
  public:
    BodyError(int status, std::string code, const std::string& message)
        : std::runtime_error(message), status_(status), code_(std::move(code)) {}
    int status() const { return status_; }
    const std::string& code() const { return code_; }

  private:
    int status_;
    std::string code_;
};

class BodyReader {
  public:
    BodyReader(Connection& connection, BodyFraming framing, bool expect_continue,
               BodyLimits limits);

    // Up to out.size() bytes of the body; 0 once it has all been read. Throws BodyError.
    std::size_t read(std::span<char> out);
    // Content-Length when the client declared one (0 for no body); nullopt when chunked.
    std::optional<std::uint64_t> declared_length() const;
    bool finished() const { return finished_; }
    std::uint64_t bytes_read() const { return bytes_read_; }
    // Reads and discards what is left when that is at most `max_bytes`; false otherwise (the
    // connection then cannot carry another request).
    bool discard_rest(std::uint64_t max_bytes);

  private:
    std::size_t read_raw(std::span<char> out);
    std::string read_line();
    void begin();
    Clock::time_point deadline() const;

    Connection& connection_;
    BodyFraming framing_;
    bool expect_continue_;
    BodyLimits limits_;
    bool started_ = false;
    bool finished_ = false;
    Clock::time_point start_{};
    std::uint64_t bytes_read_ = 0;  // body bytes handed out
    std::uint64_t wire_bytes_ = 0;  // bytes received, framing included (for the rate)
    std::uint64_t chunk_left_ = 0;  // chunked: bytes left in the current chunk
};

}  // namespace fotogal::http
