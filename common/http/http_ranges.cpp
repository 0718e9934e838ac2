#include "common/http/http_ranges.hpp"

#include "common/http/http_message.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <vector>

namespace fotogal::http {

namespace {

// A client sending more than this many ranges is not fetching an image; answered whole.
constexpr std::size_t kMaxRanges = 64;
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// 1*DIGIT, saturating at the largest value (a position past any length means the same).
std::optional<std::uint64_t> digits(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        auto d = static_cast<std::uint64_t>(c - '0');
        v = v > (kMax - d) / 10 ? kMax : v * 10 + d;
    }
    return v;
}

struct Spec {
    bool satisfiable = false;
    std::uint64_t first = 0, last = 0;  // inclusive
};

// One range-spec; nullopt when malformed.
std::optional<Spec> parse_spec(std::string_view s, std::uint64_t length) {
    auto dash = s.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    std::string_view a = s.substr(0, dash), b = s.substr(dash + 1);
    if (a.empty()) {  // suffix-range: the last n bytes
        auto n = digits(b);
        if (!n) return std::nullopt;
        if (*n == 0 || length == 0) return Spec{};
        return Spec{true, length - std::min(*n, length), length - 1};
    }
    auto first = digits(a);
    if (!first) return std::nullopt;
    std::uint64_t last = kMax;
    if (!b.empty()) {
        auto l = digits(b);
        if (!l || *l < *first) return std::nullopt;  // last-pos < first-pos is invalid
        last = *l;
    }
    if (*first >= length) return Spec{};
    return Spec{true, *first, std::min(last, length - 1)};
}

}  // namespace

RangeRequest parse_range(std::string_view header, std::uint64_t length) {
    header = trim_ows(header);
    auto eq = header.find('=');
    if (eq == std::string_view::npos || !iequals(trim_ows(header.substr(0, eq)), "bytes"))
        return {};
    std::string_view set = header.substr(eq + 1);
    std::vector<Spec> satisfiable;
    std::size_t count = 0;
    while (true) {
        auto comma = set.find(',');
        std::string_view item = trim_ows(set.substr(0, comma));
        if (!item.empty()) {  // empty list elements are allowed (RFC 9110 §5.6.1)
            if (++count > kMaxRanges) return {};
            auto spec = parse_spec(item, length);
            if (!spec) return {};
            if (spec->satisfiable) satisfiable.push_back(*spec);
        }
        if (comma == std::string_view::npos) break;
        set.remove_prefix(comma + 1);
    }
    if (count == 0) return {};
    if (satisfiable.empty()) return {RangeRequest::Kind::unsatisfiable, {}};
    std::sort(satisfiable.begin(), satisfiable.end(),
              [](const Spec& x, const Spec& y) { return x.first < y.first; });
    Spec merged = satisfiable.front();
    for (std::size_t i = 1; i < satisfiable.size(); ++i) {
        if (satisfiable[i].first > merged.last + 1) return {};  // apart: answered whole
        merged.last = std::max(merged.last, satisfiable[i].last);
    }
    return {RangeRequest::Kind::partial, {merged.first, merged.last - merged.first + 1}};
}

std::string content_range(const ByteRange& range, std::uint64_t length) {
    return "bytes " + std::to_string(range.offset) + "-" +
           std::to_string(range.offset + range.length - 1) + "/" + std::to_string(length);
}

std::string unsatisfied_content_range(std::uint64_t length) {
    return "bytes */" + std::to_string(length);
}

}  // namespace fotogal::http
