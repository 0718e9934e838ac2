// `Range: bytes=…` against a representation of known length (RFC 9110 §14). Pure functions:
// the rendition route decides with them what part of an object to send.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fotogal::http {

struct ByteRange {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

struct RangeRequest {
    enum class Kind {
        whole,          // no Range, a malformed one, another unit, or ranges we answer whole
        partial,        // 206 with `range`
        unsatisfiable,  // 416 with `Content-Range: bytes */length`
    };
    Kind kind = Kind::whole;
    ByteRange range;
};

// Parses the value of a Range header. `bytes=a-b` (end clamped to length-1), `bytes=a-`,
// `bytes=-n` (the last n bytes). A malformed header or another unit is ignored (whole), as
// RFC 9110 §14.2 lets a server do. Several ranges: when the satisfiable ones overlap or
// touch, they are coalesced into the one range that covers them (a 206 with a single part);
// when they stay apart the whole representation is sent (200), since this server does not
// produce multipart/byteranges — which RFC 9110 allows, and which costs the client at most
// the bytes between its ranges. Unsatisfiable ranges in a list with satisfiable ones are
// dropped; a list of only unsatisfiable ones is unsatisfiable.
RangeRequest parse_range(std::string_view header, std::uint64_t length);

// "bytes 0-99/1234" for a 206.
std::string content_range(const ByteRange& range, std::uint64_t length);
// "bytes */1234" for a 416.
std::string unsatisfied_content_range(std::uint64_t length);

}  // namespace fotogal::http
