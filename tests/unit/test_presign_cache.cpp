// ingest/presign_cache: one presigned URL per rendition for half its life, then a new one.
#include <doctest/doctest.h>

#include "ingest/presign_cache.hpp"

using namespace fotogal::ingest;
using namespace std::chrono_literals;

TEST_CASE("presign cache: a URL is reused for half its life, then made anew") {
    auto now = PresignCache::Clock::now();
    PresignCache cache(300s, 10, [&] { return now; });
    int made = 0;
    auto make = [&]() -> std::optional<std::string> { return "url-" + std::to_string(++made); };
    CHECK(cache.get("a", make) == "url-1");
    now += 149s;
    CHECK(cache.get("a", make) == "url-1");
    now += 2s;  // past half of 300 s: the URL may not live long enough for a client
    CHECK(cache.get("a", make) == "url-2");
    CHECK(cache.get("b", make) == "url-3");
    CHECK(made == 3);
}

TEST_CASE("presign cache: stores that cannot presign cache nothing; capacity is bounded") {
    auto now = PresignCache::Clock::now();
    PresignCache cache(300s, 3, [&] { return now; });
    int calls = 0;
    auto none = [&]() -> std::optional<std::string> {
        ++calls;
        return std::nullopt;
    };
    CHECK_FALSE(cache.get("a", none));
    CHECK_FALSE(cache.get("a", none));
    CHECK(calls == 2);
    int made = 0;
    auto make = [&]() -> std::optional<std::string> { return "url-" + std::to_string(++made); };
    for (const char* key : {"k1", "k2", "k3", "k4"}) {
        cache.get(key, make);
        now += 1s;
    }
    CHECK(cache.get("k4", make) == "url-4");  // the newest stays
    CHECK(cache.get("k1", make) == "url-5");  // the oldest went to make room
}
