// The TIME of --since / --until: an RFC 3339 instant, a date, or a span back from now.
#pragma once

#include <cstdint>
#include <string_view>

namespace fotogal::replay {

// Accepts "2026-11-27T10:00:00Z", "2026-11-27T10:00:00.250+02:00", "2026-11-27 10:00:00"
// (no zone: UTC, as Kafka's own tools read it), "2026-11-27" (midnight UTC), "-90m", "-2h",
// "-7d", "-30s" (that long before `now_ms`) and "now". Returns Unix milliseconds; throws
// ConfigError naming `what` (the option) for anything else.
std::int64_t parse_time(std::string_view text, std::int64_t now_ms, std::string_view what);

}  // namespace fotogal::replay
