// common/http/http_conditionals: If-None-Match, If-Match, If-Range and Range together, in
// RFC 9110 §13.2.2's order, for a representation with a strong ETag.
#include <doctest/doctest.h>

#include "common/http/http_conditionals.hpp"

using namespace fotogal::http;

namespace {

constexpr const char* kTag = "\"abc123\"";

ConditionalRequest get() {
    return {};
}

}  // namespace

TEST_CASE("conditionals: no conditions means 200 with every byte") {
    ServeDecision d = decide(get(), kTag, 1234);
    CHECK(d.status == 200);
    CHECK(d.offset == 0);
    CHECK(d.length == 1234);
    CHECK(d.content_range.empty());
}

TEST_CASE("conditionals: If-None-Match uses the weak comparison, lists and *") {
    CHECK(etag_list_matches("\"abc123\"", kTag, true));
    CHECK(etag_list_matches("W/\"abc123\"", kTag, true));
    CHECK(etag_list_matches("\"x\", W/\"abc123\"", kTag, true));
    CHECK(etag_list_matches("\"x\",\"abc123\"", kTag, true));
    CHECK(etag_list_matches(" * ", kTag, true));
    CHECK_FALSE(etag_list_matches("\"abc12\"", kTag, true));
    CHECK_FALSE(etag_list_matches("abc123", kTag, true));  // unquoted: malformed
    CHECK_FALSE(etag_list_matches("\"abc123", kTag, true));
    CHECK_FALSE(etag_list_matches("", kTag, true));
    CHECK_FALSE(etag_list_matches("W/\"abc123\"", kTag, false));  // strong comparison

    for (const char* inm : {"\"abc123\"", "W/\"abc123\"", "\"zz\", \"abc123\"", "*"}) {
        ConditionalRequest r = get();
        r.if_none_match = inm;
        r.range = "bytes=0-1";  // 304 wins over Range
        ServeDecision d = decide(r, kTag, 100);
        CHECK_MESSAGE(d.status == 304, inm);
        CHECK(d.length == 0);
    }
    ConditionalRequest other = get();
    other.if_none_match = "\"old-version\"";
    CHECK(decide(other, kTag, 100).status == 200);
    other.method = "HEAD";
    other.if_none_match = kTag;
    CHECK(decide(other, kTag, 100).status == 304);
}

TEST_CASE("conditionals: If-Match failing gives 412 before anything else") {
    ConditionalRequest r = get();
    r.if_match = "\"another\"";
    r.if_none_match = kTag;
    CHECK(decide(r, kTag, 100).status == 412);
    r.if_match = "W/\"abc123\"";  // never matches strongly
    CHECK(decide(r, kTag, 100).status == 412);
    r.if_match = kTag;
    r.if_none_match.reset();
    CHECK(decide(r, kTag, 100).status == 200);
}

TEST_CASE("conditionals: Range gives 206 with Content-Range, or 416") {
    ConditionalRequest r = get();
    r.range = "bytes=10-19";
    ServeDecision d = decide(r, kTag, 100);
    CHECK(d.status == 206);
    CHECK(d.offset == 10);
    CHECK(d.length == 10);
    CHECK(d.content_range == "bytes 10-19/100");
    r.range = "bytes=100-";
    d = decide(r, kTag, 100);
    CHECK(d.status == 416);
    CHECK(d.length == 0);
    CHECK(d.content_range == "bytes */100");
    r.range = "pages=1-2";
    CHECK(decide(r, kTag, 100).status == 200);
}

TEST_CASE("conditionals: If-Range with the strong ETag lets Range apply; anything else, 200") {
    ConditionalRequest r = get();
    r.range = "bytes=-10";
    r.if_range = kTag;
    ServeDecision d = decide(r, kTag, 100);
    CHECK(d.status == 206);
    CHECK(d.offset == 90);
    for (const char* stale : {"\"old\"", "W/\"abc123\"", "Sat, 29 Oct 1994 19:43:31 GMT", ""}) {
        r.if_range = stale;
        d = decide(r, kTag, 100);
        CHECK_MESSAGE(d.status == 200, stale);
        CHECK(d.length == 100);
    }
    CHECK(if_range_holds(" \"abc123\" ", kTag));
    CHECK_FALSE(if_range_holds("\"abc123\", \"x\"", kTag));
    r.range.reset();  // If-Range without Range changes nothing
    r.if_range = "\"old\"";
    CHECK(decide(r, kTag, 100).status == 200);
}
