#include "replay/offset_spec.hpp"

#include <charconv>
#include <string>

#include "common/config.hpp"

namespace fotogal::replay {

namespace {

template <typename T>
bool parse_number(std::string_view s, T& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc{} && end == s.data() + s.size() && out >= 0;
}

}  // namespace

OffsetSpec parse_offset_spec(std::string_view text) {
    OffsetSpec spec;
    if (text == "earliest") {
        spec.earliest = true;
        return spec;
    }
    auto bad = [&](const std::string& why) {
        return ConfigError(
            "--from-offsets must be 'earliest' or PARTITION:OFFSET,... (e.g. "
            "0:120,1:0); " +
            why + " in '" + std::string(text) + "'");
    };
    for (std::size_t pos = 0;;) {
        std::size_t comma = text.find(',', pos);
        std::string_view item = text.substr(pos, comma - pos);
        auto colon = item.find(':');
        if (colon == std::string_view::npos) throw bad("'" + std::string(item) + "' has no ':'");
        std::int32_t partition = 0;
        std::int64_t offset = 0;
        if (!parse_number(item.substr(0, colon), partition) ||
            !parse_number(item.substr(colon + 1), offset))
            throw bad("'" + std::string(item) + "' is not two whole numbers");
        if (!spec.offsets.emplace(partition, offset).second)
            throw bad("partition " + std::to_string(partition) + " is given twice");
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    if (spec.offsets.empty()) throw bad("nothing given");
    return spec;
}

}  // namespace fotogal::replay
