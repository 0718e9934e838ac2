#include "common/http/body_reader.hpp"

#include <algorithm>
#include <charconv>

namespace fotogal::http {

namespace {
constexpr std::size_t kMaxChunkLine = 4096;
}

BodyReader::BodyReader(Connection& connection, BodyFraming framing, bool expect_continue,
                       BodyLimits limits)
    : connection_(connection),
      framing_(framing),
      expect_continue_(expect_continue),
      limits_(limits),
      finished_(framing.kind == BodyFraming::Kind::none) {}

std::optional<std::uint64_t> BodyReader::declared_length() const {
    switch (framing_.kind) {
        case BodyFraming::Kind::none:
            return 0;
        case BodyFraming::Kind::length:
            return framing_.length;
        case BodyFraming::Kind::chunked:
            break;
    }
    return std::nullopt;
}

void BodyReader::begin() {
    if (started_) return;
    started_ = true;
    start_ = Clock::now();
    if (expect_continue_ && connection_.pending().empty()) {
        try {
            connection_.send_all("HTTP/1.1 100 Continue\r\n\r\n", start_ + limits_.grace);
        } catch (const ConnectionError& e) {
            throw BodyError(400, "client_gone", e.what());
        }
    }
}

// Bytes must keep coming at the minimum rate once the grace period is over: the read that
// would leave the client below it fails at the moment it falls behind.
Clock::time_point BodyReader::deadline() const {
    auto owed = std::chrono::milliseconds(limits_.min_bytes_per_second == 0
                                              ? 24 * 3600 * 1000ull
                                              : wire_bytes_ * 1000 / limits_.min_bytes_per_second);
    return start_ + limits_.grace + owed;
}

std::size_t BodyReader::read_raw(std::span<char> out) {
    std::size_t n = 0;
    try {
        n = connection_.receive(out, deadline());
    } catch (const ConnectionError&) {
        throw BodyError(408, "too_slow",
                        "the request body arrived slower than " +
                            std::to_string(limits_.min_bytes_per_second) +
                            " bytes/s; send it faster or in a smaller request");
    }
    if (n == 0)
        throw BodyError(400, "incomplete_body", "the client closed the connection mid-body");
    wire_bytes_ += n;
    return n;
}

std::string BodyReader::read_line() {
    std::string line;
    char c = 0;
    while (line.size() < kMaxChunkLine) {
        read_raw({&c, 1});
        if (c == '\n') {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        line += c;
    }
    throw BodyError(400, "bad_chunking", "a chunk header line is too long");
}

std::size_t BodyReader::read(std::span<char> out) {
    if (finished_ || out.empty()) return 0;
    begin();
    if (framing_.kind == BodyFraming::Kind::length) {
        auto want = static_cast<std::size_t>(
            std::min<std::uint64_t>(out.size(), framing_.length - bytes_read_));
        std::size_t n = read_raw(out.first(want));
        bytes_read_ += n;
        if (bytes_read_ == framing_.length) finished_ = true;
        return n;
    }
    if (chunk_left_ == 0) {
        if (bytes_read_ > 0 || wire_bytes_ > 0) {
            // The CRLF after the previous chunk's data.
            if (!read_line().empty())
                throw BodyError(400, "bad_chunking", "chunk data is longer than its size");
        }
        std::string line = read_line();
        std::string_view size_text = std::string_view(line).substr(0, line.find(';'));
        while (!size_text.empty() && (size_text.back() == ' ' || size_text.back() == '\t'))
            size_text.remove_suffix(1);
        std::uint64_t size = 0;
        auto [end, ec] =
            std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (size_text.empty() || ec != std::errc{} || end != size_text.data() + size_text.size())
            throw BodyError(400, "bad_chunking", "a chunk size is not a hexadecimal number");
        if (size == 0) {
            // Trailer fields are read and ignored up to the final empty line.
            while (!read_line().empty()) {
            }
            finished_ = true;
            return 0;
        }
        chunk_left_ = size;
    }
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), chunk_left_));
    std::size_t n = read_raw(out.first(want));
    chunk_left_ -= n;
    bytes_read_ += n;
    return n;
}

bool BodyReader::discard_rest(std::uint64_t max_bytes) {
    if (finished_) return true;
    if (!started_ && expect_continue_) return false;  // never asked for: the client holds it
    if (framing_.kind == BodyFraming::Kind::length && framing_.length - bytes_read_ > max_bytes)
        return false;
    char buffer[16384];
    std::uint64_t start = bytes_read_;
    try {
        while (!finished_) {
            if (read(buffer) == 0 && !finished_) return false;
            if (bytes_read_ - start > max_bytes) return false;
        }
    } catch (const BodyError&) {
        return false;
    }
    return true;
}

}  // namespace fotogal::http
