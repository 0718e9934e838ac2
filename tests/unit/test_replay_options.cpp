#include <doctest/doctest.h>

#include "replay/offset_spec.hpp"
#include "replay/replay_options.hpp"
#include "replay/time_spec.hpp"

using namespace fotogal;
using namespace fotogal::replay;

namespace {

constexpr std::int64_t kNow = 1'795'000'000'000;  // a fixed "now" for relative times

ReplayOptions options(std::vector<const char*> args) {
    args.insert(args.begin(), "fotogal-replay");
    auto expanded = expand_switches(static_cast<int>(args.size()), args.data());
    std::vector<const char*> ptrs;
    for (const auto& a : expanded) ptrs.push_back(a.c_str());
    Config config("fotogal-replay", replay_settings(), static_cast<int>(ptrs.size()), ptrs.data());
    return read_options(config, kNow);
}

}  // namespace

TEST_CASE("replay time: RFC 3339, dates and spans back from now") {
    CHECK(parse_time("2026-11-27T10:00:00Z", kNow, "--since") == 1'795'773'600'000);
    CHECK(parse_time("2026-11-27T12:00:00.250+02:00", kNow, "--since") == 1'795'773'600'250);
    CHECK(parse_time("2026-11-27 10:00:00", kNow, "--since") == 1'795'773'600'000);
    CHECK(parse_time("2026-11-27", kNow, "--since") == 1'795'737'600'000);
    CHECK(parse_time("-2h", kNow, "--since") == kNow - 7'200'000);
    CHECK(parse_time("-7d", kNow, "--since") == kNow - 7 * 86'400'000LL);
    CHECK(parse_time("now", kNow, "--until") == kNow);
    for (auto bad : {"", "yesterday", "2026-13-01", "2026-02-30", "2026-11-27T25:00:00Z",
                     "2026-11-27T10:00:00+2", "-2w", "-h", "2026-11-27T10:00:00Zjunk"})
        CHECK_THROWS_AS(parse_time(bad, kNow, "--since"), ConfigError);
}

TEST_CASE("replay offsets: earliest or PARTITION:OFFSET pairs") {
    CHECK(parse_offset_spec("earliest").earliest);
    auto spec = parse_offset_spec("0:120,3:0");
    CHECK_FALSE(spec.earliest);
    CHECK(spec.offsets == std::map<std::int32_t, std::int64_t>{{0, 120}, {3, 0}});
    for (auto bad : {"", "latest", "0", "0:", ":5", "0:-1", "0:1,0:2", "a:b", "0:1,"})
        CHECK_THROWS_AS(parse_offset_spec(bad), ConfigError);
}

TEST_CASE("replay options: switches, modes and what cannot be combined") {
    auto o = options({"--since", "-1h", "--force", "--rate", "200/s"});
    CHECK(o.mode == Mode::stream);
    CHECK(o.since_ms == kNow - 3'600'000);
    CHECK(o.force);
    CHECK_FALSE(o.dry_run);
    CHECK(o.rate == 200);
    CHECK(o.group == "fotogal-replay");

    auto b = options({"--backfill", "--dry-run", "--prefix", "incoming/"});
    CHECK(b.mode == Mode::backfill);
    CHECK(b.dry_run);
    CHECK(b.prefix == "incoming/");

    CHECK(options({"--force", "false", "--from-offsets", "earliest"}).force == false);
    CHECK_THROWS_AS(options({}), ConfigError);
    CHECK_THROWS_AS(options({"--since", "-1h", "--from-offsets", "earliest"}), ConfigError);
    CHECK_THROWS_AS(options({"--backfill", "--from-offsets", "earliest"}), ConfigError);
    CHECK_THROWS_AS(options({"--since", "-1h", "--prefix", "x/"}), ConfigError);
    CHECK_THROWS_AS(options({"--since", "-1h", "--until", "-2h"}), ConfigError);
    CHECK_THROWS_AS(options({"--since", "-1h", "--rate", "fast"}), ConfigError);
    CHECK_THROWS_AS(options({"--since", "-1h", "stray"}), ConfigError);
}
