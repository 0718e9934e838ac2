#include "common/http/http_conditionals.hpp"

#include "common/http/http_message.hpp"

#include <vector>

namespace fotogal::http {

namespace {

struct EntityTag {
    bool weak = false;
    std::string_view opaque;  // with its quotes
};

bool etagc(unsigned char c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80;
}

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, from the front of `s`; advances `s`.
std::optional<EntityTag> take_tag(std::string_view& s) {
    EntityTag tag;
    if (s.starts_with("W/")) {
        tag.weak = true;
        s.remove_prefix(2);
    }
    if (s.empty() || s.front() != '"') return std::nullopt;
    std::size_t end = 1;
    while (end < s.size() && s[end] != '"') {
        if (!etagc(static_cast<unsigned char>(s[end]))) return std::nullopt;
        ++end;
    }
    if (end == s.size()) return std::nullopt;
    tag.opaque = s.substr(0, end + 1);
    s.remove_prefix(end + 1);
    return tag;
}

std::optional<std::vector<EntityTag>> tag_list(std::string_view s) {
    std::vector<EntityTag> tags;
    s = trim_ows(s);
    while (!s.empty()) {
        if (s.front() == ',') {  // empty list element
            s = trim_ows(s.substr(1));
            continue;
        }
        auto tag = take_tag(s);
        if (!tag) return std::nullopt;
        tags.push_back(*tag);
        s = trim_ows(s);
        if (!s.empty() && s.front() != ',') return std::nullopt;
    }
    return tags;
}

}  // namespace

bool etag_list_matches(std::string_view field, std::string_view etag, bool weak) {
    if (trim_ows(field) == "*") return true;  // the representation exists
    std::string_view own_view = etag;
    auto own = take_tag(own_view);
    if (!own) return false;
    auto tags = tag_list(field);
    if (!tags) return false;
    for (const auto& t : *tags) {
        if (t.opaque != own->opaque) continue;
        if (weak || (!t.weak && !own->weak)) return true;
    }
    return false;
}

bool if_range_holds(std::string_view field, std::string_view etag) {
    field = trim_ows(field);
    auto tag = take_tag(field);
    if (!tag || !trim_ows(field).empty() || tag->weak) return false;  // a date, or a weak tag
    std::string_view own_view = etag;
    auto own = take_tag(own_view);
    return own && !own->weak && own->opaque == tag->opaque;
}

ServeDecision decide(const ConditionalRequest& r, std::string_view etag, std::uint64_t length) {
    ServeDecision d;
    if (r.if_match && !etag_list_matches(*r.if_match, etag, /*weak=*/false)) {
        d.status = 412;
        return d;
    }
    if (r.if_none_match && etag_list_matches(*r.if_none_match, etag, /*weak=*/true)) {
        d.status = r.method == "GET" || r.method == "HEAD" ? 304 : 412;
        return d;
    }
    d.length = length;
    if (!r.range || (r.method != "GET" && r.method != "HEAD")) return d;
    if (r.if_range && !if_range_holds(*r.if_range, etag)) return d;
    RangeRequest range = parse_range(*r.range, length);
    switch (range.kind) {
        case RangeRequest::Kind::whole:
            break;
        case RangeRequest::Kind::partial:
            d.status = 206;
            d.offset = range.range.offset;
            d.length = range.range.length;
            d.content_range = content_range(range.range, length);
            break;
        case RangeRequest::Kind::unsatisfiable:
            d.status = 416;
            d.length = 0;
            d.content_range = unsatisfied_content_range(length);
            break;
    }
    return d;
}

}  // namespace fotogal::http
