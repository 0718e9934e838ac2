// Conditional and range requests for a stored representation with a strong ETag (RFC 9110
// §13, §14): what status to answer and which bytes to send. Pure; the route applies it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/http/http_ranges.hpp"

namespace fotogal::http {

// The request headers that matter (absent: nullopt), and the method (GET or HEAD).
struct ConditionalRequest {
    std::string method = "GET";
    std::optional<std::string> if_match;
    std::optional<std::string> if_none_match;
    std::optional<std::string> if_range;
    std::optional<std::string> range;
};

struct ServeDecision {
    int status = 200;          // 200, 206, 304, 412 or 416
    std::uint64_t offset = 0;  // bytes to send: [offset, offset + length); none for 304/412/416
    std::uint64_t length = 0;
    std::string content_range;  // for 206 ("bytes a-b/n") and 416 ("bytes */n"); else empty
};

// RFC 9110 §13.2.2's order: If-Match (strong; false → 412), If-None-Match (weak; a match →
// 304 for GET/HEAD, 412 otherwise), then If-Range (strong; a date or a weak tag never
// matches, since the route has no Last-Modified) decides whether Range applies, then
// Range (parse_range). `etag` is the representation's strong ETag, quotes included.
ServeDecision decide(const ConditionalRequest& request, std::string_view etag,
                     std::uint64_t length);

// An If-None-Match / If-Match field value: "*" or a list of entity tags. `weak`: the weak
// comparison (W/ ignored on both sides); otherwise the strong one (both must be strong).
// A malformed list matches nothing.
bool etag_list_matches(std::string_view field, std::string_view etag, bool weak);

// If-Range: true when Range is to be honoured (the field is this strong ETag exactly).
bool if_range_holds(std::string_view field, std::string_view etag);

}  // namespace fotogal::http
