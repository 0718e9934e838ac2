// Request headers of a rendition fetch (common/http/http_conditionals, http_ranges): Range,
// If-None-Match, If-Range, If-Match against a representation length. Input lines: length,
// Range, If-None-Match, If-Range, If-Match, method (a missing line: header absent). The
// decision must be a status the route knows, and a 200/206 must send bytes inside the
// representation, with a Content-Range that says exactly which.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/http_conditionals.hpp"

namespace h = fotogal::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> lines;
    while (!in.empty() && lines.size() < 6) {
        auto nl = in.find('\n');
        lines.emplace_back(in.substr(0, nl));
        in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    }
    if (lines.empty()) return 0;
    std::uint64_t length = 0;
    for (char c : lines[0].substr(0, 12))
        if (c >= '0' && c <= '9') length = length * 10 + static_cast<std::uint64_t>(c - '0');
    h::ConditionalRequest r;
    if (lines.size() > 1) r.range = lines[1];
    if (lines.size() > 2) r.if_none_match = lines[2];
    if (lines.size() > 3) r.if_range = lines[3];
    if (lines.size() > 4) r.if_match = lines[4];
    if (lines.size() > 5) r.method = lines[5];
    h::ServeDecision d = h::decide(r, "\"0123456789abcdef\"", length);
    switch (d.status) {
        case 200:
            if (d.offset != 0 || d.length != length || !d.content_range.empty()) std::abort();
            break;
        case 206:
            if (d.length == 0 || d.offset + d.length > length || d.offset + d.length < d.offset ||
                d.content_range != h::content_range({d.offset, d.length}, length))
                std::abort();
            break;
        case 416:
            if (d.length != 0 || d.content_range != h::unsatisfied_content_range(length))
                std::abort();
            break;
        case 304:
        case 412:
            if (d.length != 0) std::abort();
            break;
        default:
            std::abort();
    }
    if (lines.size() > 1) {  // the parser alone agrees with the decision's bounds
        h::RangeRequest p = h::parse_range(lines[1], length);
        if (p.kind == h::RangeRequest::Kind::partial &&
            (p.range.length == 0 || p.range.offset >= length ||
             p.range.length > length - p.range.offset))
            std::abort();
    }
    return 0;
}
