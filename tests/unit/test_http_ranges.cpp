// common/http/http_ranges: Range requests against a representation length (RFC 9110 §14).
#include <doctest/doctest.h>

#include "common/http/http_ranges.hpp"

using namespace fotogal::http;
using Kind = RangeRequest::Kind;

namespace {

// "offset+length" of a partial answer, "whole" or "416", for compact checks.
std::string outcome(std::string_view header, std::uint64_t length) {
    RangeRequest r = parse_range(header, length);
    if (r.kind == Kind::whole) return "whole";
    if (r.kind == Kind::unsatisfiable) return "416";
    return std::to_string(r.range.offset) + "+" + std::to_string(r.range.length);
}

}  // namespace

TEST_CASE("ranges: single, open and suffix ranges, end clamped") {
    CHECK(outcome("bytes=0-499", 10000) == "0+500");
    CHECK(outcome("bytes=500-999", 10000) == "500+500");
    CHECK(outcome("bytes=9500-", 10000) == "9500+500");
    CHECK(outcome("bytes=-500", 10000) == "9500+500");
    CHECK(outcome("bytes=0-0", 10000) == "0+1");
    CHECK(outcome("bytes=9999-", 10000) == "9999+1");
    CHECK(outcome("bytes=9000-20000", 10000) == "9000+1000");               // clamped to length-1
    CHECK(outcome("bytes=0-99999999999999999999999", 10000) == "0+10000");  // saturates
    CHECK(outcome("bytes=-20000", 10000) == "0+10000");  // suffix longer than the whole
    CHECK(outcome("Bytes = 1-2", 10) == "1+2");          // unit is case-insensitive
}

TEST_CASE("ranges: unsatisfiable ones give 416 with bytes */length") {
    CHECK(outcome("bytes=10000-", 10000) == "416");
    CHECK(outcome("bytes=10000-10005", 10000) == "416");
    CHECK(outcome("bytes=99999999999999999999999-", 10000) == "416");
    CHECK(outcome("bytes=-0", 10000) == "416");
    CHECK(outcome("bytes=0-", 0) == "416");  // nothing to send of an empty representation
    CHECK(outcome("bytes=-5", 0) == "416");
    CHECK(outcome("bytes=20000-,30000-", 10000) == "416");
    CHECK(unsatisfied_content_range(10000) == "bytes */10000");
}

TEST_CASE("ranges: malformed headers and other units are ignored (the whole is sent)") {
    for (const char* h :
         {"", "bytes", "bytes=", "bytes=abc", "bytes=5-1", "bytes=1-2-3", "bytes=--5", "bytes=1 -2",
          "items=0-5", "bytes 0-5", "bytes=0x1-5", "bytes=,", "bytes=0-5,x"})
        CHECK_MESSAGE(outcome(h, 10000) == "whole", h);
}

TEST_CASE("ranges: several ranges coalesce when they overlap or touch, else the whole") {
    CHECK(outcome("bytes=0-99,50-199", 1000) == "0+200");
    CHECK(outcome("bytes=100-199,0-99", 1000) == "0+200");  // touching, any order
    CHECK(outcome("bytes=0-9, ,5-", 1000) == "0+1000");     // empty element allowed
    CHECK(outcome("bytes=0-99,-100", 1000) == "whole");     // apart: 200
    CHECK(outcome("bytes=0-9,20-29", 1000) == "whole");
    CHECK(outcome("bytes=0-9,5000-", 1000) == "0+10");  // unsatisfiable one dropped
    std::string many = "bytes=0-0";
    for (int i = 1; i < 100; ++i) many += "," + std::to_string(i) + "-" + std::to_string(i);
    CHECK(outcome(many, 1000) == "whole");  // over the limit of ranges
}

TEST_CASE("ranges: Content-Range of a partial answer") {
    CHECK(content_range({0, 500}, 10000) == "bytes 0-499/10000");
    CHECK(content_range({9999, 1}, 10000) == "bytes 9999-9999/10000");
}
