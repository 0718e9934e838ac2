#include "replay/time_spec.hpp"

#include <charconv>
#include <ctime>
#include <optional>
#include <string>

#include "common/config.hpp"

namespace fotogal::replay {

namespace {

// Reads exactly `digits` decimal digits at `pos`, advancing it.
bool read_int(std::string_view s, std::size_t& pos, int digits, int& out) {
    if (pos + digits > s.size()) return false;
    auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + digits, out);
    if (ec != std::errc{} || end != s.data() + pos + digits) return false;
    pos += digits;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

std::optional<std::int64_t> relative(std::string_view s, std::int64_t now_ms) {
    if (s == "now") return now_ms;
    if (s.size() < 3 || s[0] != '-') return std::nullopt;
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data() + 1, s.data() + s.size() - 1, n);
    if (ec != std::errc{} || end != s.data() + s.size() - 1 || n < 0) return std::nullopt;
    std::int64_t unit = 0;
    switch (s.back()) {
        case 's':
            unit = 1000;
            break;
        case 'm':
            unit = 60'000;
            break;
        case 'h':
            unit = 3'600'000;
            break;
        case 'd':
            unit = 86'400'000;
            break;
        default:
            return std::nullopt;
    }
    if (n > 365LL * 100) return std::nullopt;  // keeps the product in range
    return now_ms - n * unit;
}

std::optional<std::int64_t> absolute(std::string_view s) {
    std::size_t pos = 0;
    int year, month, day, hour = 0, minute = 0, second = 0, millis = 0;
    if (!read_int(s, pos, 4, year) || !expect(s, pos, '-') || !read_int(s, pos, 2, month) ||
        !expect(s, pos, '-') || !read_int(s, pos, 2, day))
        return std::nullopt;
    int offset_minutes = 0;
    if (pos < s.size()) {
        if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
        ++pos;
        if (!read_int(s, pos, 2, hour) || !expect(s, pos, ':') || !read_int(s, pos, 2, minute) ||
            !expect(s, pos, ':') || !read_int(s, pos, 2, second))
            return std::nullopt;
        if (pos < s.size() && s[pos] == '.') {
            ++pos;
            int scale = 100, digits = 0;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                millis += (s[pos] - '0') * scale;
                scale /= 10;
                ++pos;
                ++digits;
            }
            if (digits == 0) return std::nullopt;
        }
        if (pos < s.size()) {
            char z = s[pos++];
            if (z == 'Z' || z == 'z') {
                if (pos != s.size()) return std::nullopt;
            } else if (z == '+' || z == '-') {
                int oh, om;
                if (!read_int(s, pos, 2, oh) || !expect(s, pos, ':') || !read_int(s, pos, 2, om) ||
                    pos != s.size() || oh > 23 || om > 59)
                    return std::nullopt;
                offset_minutes = (z == '+' ? 1 : -1) * (oh * 60 + om);
            } else {
                return std::nullopt;
            }
        }
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    std::time_t t = timegm(&tm);
    if (tm.tm_mday != day) return std::nullopt;  // timegm normalised an impossible date
    return (static_cast<std::int64_t>(t) - offset_minutes * 60LL) * 1000 + millis;
}

}  // namespace

std::int64_t parse_time(std::string_view text, std::int64_t now_ms, std::string_view what) {
    if (auto t = relative(text, now_ms)) return *t;
    if (auto t = absolute(text)) return *t;
    throw ConfigError(std::string(what) + " must be a time like 2026-11-27T10:00:00Z, " +
                      "2026-11-27, -2h or -7d; got '" + std::string(text) + "'");
}

}  // namespace fotogal::replay
