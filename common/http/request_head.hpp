// Parsing a request's head (request line and header fields) from the bytes received so far.
// Strict where leniency lets requests be smuggled past a proxy (RFC 9112 §6.3, §11.2): both
// Content-Length and Transfer-Encoding, conflicting lengths, folded lines and spaces before
// the colon are refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/http/http_message.hpp"

namespace fotogal::http {

struct BodyFraming {
    enum class Kind { none, length, chunked } kind = Kind::none;
    std::uint64_t length = 0;  // for Kind::length
};

struct RequestHead {
    Request request;
    BodyFraming framing;
    bool keep_alive = true;
    bool expect_continue = false;
    std::size_t head_bytes = 0;  // bytes the head took, terminating blank line included
};

struct HeadError {
    int status = 400;
    std::string message;
};

struct HeadParse {
    enum class State { incomplete, complete, invalid } state = State::incomplete;
    RequestHead head;
    HeadError error;
};

// `buffer` holds bytes from the start of the request; `max_head_bytes` bounds the head.
HeadParse parse_request_head(std::string_view buffer, std::size_t max_head_bytes);

}  // namespace fotogal::http
