// common/image_id.hpp: UUIDv7 ids for uploads, deterministic ids for bucket objects, and the
// strict validity check that keeps ids safe inside object keys.
#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/image_id.hpp"

namespace {

using fotogal::image_id_for_key;
using fotogal::is_valid_image_id;
using fotogal::new_image_id;

int hex_value(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

// Version nibble: the first hex digit of the third group.
int version_of(const std::string& id) {
    return hex_value(id.at(14));
}
// Variant: the top two bits of the first hex digit of the fourth group must be 10.
bool rfc_variant(const std::string& id) {
    return (hex_value(id.at(19)) & 0xc) == 0x8;
}

// The 48-bit Unix-millisecond timestamp at the front of a UUIDv7.
std::int64_t millis_of(const std::string& id) {
    std::string hex = id.substr(0, 8) + id.substr(9, 4);
    return static_cast<std::int64_t>(std::stoull(hex, nullptr, 16));
}

}  // namespace

TEST_CASE("image_id: new_image_id is a canonical UUIDv7") {
    for (int i = 0; i < 100; ++i) {
        std::string id = new_image_id();
        CAPTURE(id);
        REQUIRE(is_valid_image_id(id));
        CHECK(id.size() == 36);
        CHECK(version_of(id) == 7);
        CHECK(rfc_variant(id));
    }
}

TEST_CASE("image_id: the UUIDv7 timestamp is the current Unix time in milliseconds") {
    std::int64_t before = fotogal::unix_millis_now();
    std::string id = new_image_id();
    std::int64_t after = fotogal::unix_millis_now();
    CHECK(millis_of(id) >= before);
    CHECK(millis_of(id) <= after);
}

TEST_CASE("image_id: ids from different milliseconds sort in time order") {
    for (int round = 0; round < 5; ++round) {
        std::string first = new_image_id();
        const std::int64_t t0 = millis_of(first);
        // Wait for the clock to move on (a condition, not a fixed sleep).
        while (fotogal::unix_millis_now() <= t0) {
        }
        std::string second = new_image_id();
        CAPTURE(first);
        CAPTURE(second);
        REQUIRE(millis_of(second) > t0);
        CHECK(first < second);
    }
}

TEST_CASE("image_id: 10,000 new ids are unique") {
    std::set<std::string> seen;
    for (int i = 0; i < 10'000; ++i) seen.insert(new_image_id());
    CHECK(seen.size() == 10'000);
}

TEST_CASE("image_id: originals/<uuid> yields that uuid") {
    std::string id = new_image_id();
    CHECK(image_id_for_key("originals/" + id) == id);
    const std::string fixed = "018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b";
    CHECK(image_id_for_key("originals/" + fixed) == fixed);
}

TEST_CASE("image_id: other keys give a valid, deterministic, distinct id") {
    const std::vector<std::string> keys = {
        "photos/cat.jpg",
        "photos/cat.JPG",
        "photos/dog.jpg",
        "cat.jpg",
        "originals/not-a-uuid",
        "originals/018F3A2B-4C5D-7E6F-8A9B-0C1D2E3F4A5B",  // uppercase is not canonical
        "originals/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b/extra",
        "x/originals/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b",
        "",
    };
    std::set<std::string> ids;
    for (const auto& key : keys) {
        CAPTURE(key);
        std::string id = image_id_for_key(key);
        CHECK(is_valid_image_id(id));
        CHECK(rfc_variant(id));
        CHECK(id == image_id_for_key(key));
        CHECK(id.find("018f3a2b") == std::string::npos);
        ids.insert(id);
    }
    CHECK(ids.size() == keys.size());
}

TEST_CASE("image_id: derived ids are not UUIDv7, so they never pose as upload ids") {
    std::string id = image_id_for_key("photos/cat.jpg");
    CHECK(version_of(id) != 7);
}

TEST_CASE("image_id: is_valid_image_id accepts only canonical lowercase UUIDs") {
    CHECK(is_valid_image_id("018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b"));
    CHECK(is_valid_image_id("00000000-0000-0000-0000-000000000000"));

    CHECK_FALSE(is_valid_image_id(""));
    CHECK_FALSE(is_valid_image_id("018F3A2B-4C5D-7E6F-8A9B-0C1D2E3F4A5B"));   // uppercase
    CHECK_FALSE(is_valid_image_id("018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5B"));   // one uppercase
    CHECK_FALSE(is_valid_image_id("018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5"));    // 35 chars
    CHECK_FALSE(is_valid_image_id("018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b0"));  // 37 chars
    CHECK_FALSE(is_valid_image_id("018f3a2b4c5d7e6f8a9b0c1d2e3f4a5b"));       // no dashes
    CHECK_FALSE(is_valid_image_id("018f3a2b4-c5d-7e6f-8a9b-0c1d2e3f4a5b"));   // dash misplaced
    CHECK_FALSE(is_valid_image_id("018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5g"));   // not hex
    CHECK_FALSE(is_valid_image_id("{18f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5}"));   // braces
    CHECK_FALSE(is_valid_image_id("../"));
    std::string climbing;
    for (int i = 0; i < 12; ++i) climbing += "../";
    REQUIRE(climbing.size() == 36);
    CHECK_FALSE(is_valid_image_id(climbing));
    CHECK_FALSE(is_valid_image_id("018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f/a5b"));
    CHECK_FALSE(is_valid_image_id(std::string("018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5\0", 36)));
}
