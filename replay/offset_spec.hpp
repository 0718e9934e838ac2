// The value of --from-offsets: "earliest", or explicit PARTITION:OFFSET pairs.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>

namespace fotogal::replay {

struct OffsetSpec {
    bool earliest = false;
    std::map<std::int32_t, std::int64_t> offsets;  // partition -> first offset to read
};

// Throws ConfigError for anything but "earliest" or "0:120,3:0" (no repeated partition,
// no negative number).
OffsetSpec parse_offset_spec(std::string_view text);

}  // namespace fotogal::replay
