#include "common/trace/trace_context.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace fotogal::trace {

namespace {

constexpr std::size_t kTraceIdHex = 32;
constexpr std::size_t kSpanIdHex = 16;
constexpr std::size_t kVersion00Length = 55;  // 2 + 1 + 32 + 1 + 16 + 1 + 2
constexpr std::size_t kMaxTracestate = 512;
constexpr std::uint8_t kSampled = 0x01;

bool is_lower_hex(std::string_view s) {
    return std::ranges::all_of(
        s, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view s) {
    return std::ranges::all_of(s, [](char c) { return c == '0'; });
}

int hex_value(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

std::string random_hex(std::size_t digits) {
    std::array<unsigned char, kTraceIdHex / 2> bytes{};
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    do {
        if (RAND_bytes(bytes.data(), static_cast<int>(digits / 2)) != 1)
            throw std::runtime_error("OpenSSL RAND_bytes failed");
        out.clear();
        for (std::size_t i = 0; i < digits / 2; ++i) {
            out += kDigits[bytes[i] >> 4];
            out += kDigits[bytes[i] & 0x0f];
        }
    } while (all_zero(out));  // all zero is the invalid id
    return out;
}

// list-member: key "=" value, key of lower-case letters, digits and _-*/@ (a vendor's key has
// one @), value of printable ASCII without ',' and '=' not ending in a space. Empty members
// (",,") are allowed; at most 32 members.
bool valid_member(std::string_view m) {
    auto eq = m.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq > 256) return false;
    std::string_view key = m.substr(0, eq), value = m.substr(eq + 1);
    if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
    bool key_ok = std::ranges::all_of(key, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
               c == '*' || c == '/' || c == '@';
    });
    bool value_ok = std::ranges::all_of(
        value, [](char c) { return c >= 0x20 && c <= 0x7e && c != ',' && c != '='; });
    return key_ok && value_ok && std::ranges::count(key, '@') <= 1;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool valid_tracestate(std::string_view state) {
    if (state.size() > kMaxTracestate) return false;
    int members = 0;
    while (!state.empty()) {
        auto comma = state.find(',');
        std::string_view member = trim(state.substr(0, comma));
        if (!member.empty()) {
            if (!valid_member(member) || ++members > 32) return false;
        }
        if (comma == std::string_view::npos) break;
        state.remove_prefix(comma + 1);
    }
    return true;
}

}  // namespace

bool TraceContext::valid() const {
    return trace_id.size() == kTraceIdHex && is_lower_hex(trace_id) && !all_zero(trace_id) &&
           span_id.size() == kSpanIdHex && is_lower_hex(span_id) && !all_zero(span_id);
}

std::string TraceContext::traceparent() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string flag_hex{kDigits[flags >> 4], kDigits[flags & 0x0f]};
    return "00-" + trace_id + "-" + span_id + "-" + flag_hex;
}

std::optional<TraceContext> parse_traceparent(std::string_view value, std::string_view state) {
    if (value.size() < kVersion00Length) return std::nullopt;
    std::string_view version = value.substr(0, 2);
    if (!is_lower_hex(version) || version == "ff") return std::nullopt;
    // Version 00 is exactly its four fields; a later version may append fields after a '-'.
    if (version == "00" ? value.size() != kVersion00Length
                        : value.size() > kVersion00Length && value[kVersion00Length] != '-')
        return std::nullopt;
    if (value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
    std::string_view trace_id = value.substr(3, kTraceIdHex);
    std::string_view span_id = value.substr(36, kSpanIdHex);
    std::string_view flags = value.substr(53, 2);
    if (!is_lower_hex(trace_id) || all_zero(trace_id) || !is_lower_hex(span_id) ||
        all_zero(span_id) || !is_lower_hex(flags))
        return std::nullopt;
    TraceContext context;
    context.trace_id = std::string(trace_id);
    context.span_id = std::string(span_id);
    context.flags = static_cast<std::uint8_t>(hex_value(flags[0]) * 16 + hex_value(flags[1]));
    state = trim(state);
    if (valid_tracestate(state)) context.tracestate = std::string(state);
    return context;
}

TraceContext start_trace() {
    return {random_hex(kTraceIdHex), random_hex(kSpanIdHex), 0, ""};
}

TraceContext child_of(const TraceContext& parent) {
    // Level 1 defines only the sampled bit; the others are passed on as zero.
    return {parent.trace_id, random_hex(kSpanIdHex),
            static_cast<std::uint8_t>(parent.flags & kSampled), parent.tracestate};
}

TraceContext continue_or_start(std::string_view traceparent, std::string_view tracestate) {
    if (auto parent = parse_traceparent(traceparent, tracestate)) return child_of(*parent);
    return start_trace();
}

}  // namespace fotogal::trace
