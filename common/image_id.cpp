#include "common/image_id.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/object_keys.hpp"

namespace fotogal {

namespace {

std::string format_uuid(const std::array<std::uint8_t, 16>& b) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += kHex[b[i] >> 4];
        out += kHex[b[i] & 15];
    }
    return out;
}

}  // namespace

std::string new_image_id() {
    std::array<std::uint8_t, 16> b{};
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1)
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    auto ms = static_cast<std::uint64_t>(unix_millis_now());
    for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
    b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0f));
    b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3f));
    return format_uuid(b);
}

std::string image_id_for_key(std::string_view object_key) {
    if (object_key.starts_with(keys::kOriginalsPrefix)) {
        std::string_view rest = object_key.substr(keys::kOriginalsPrefix.size());
        if (is_valid_image_id(rest)) return std::string(rest);
    }
    std::string hex = sha256_hex("fotogal-object-key:" + std::string(object_key));
    std::array<std::uint8_t, 16> b{};
    for (std::size_t i = 0; i < b.size(); ++i)
        b[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    b[6] = static_cast<std::uint8_t>(0x80 | (b[6] & 0x0f));
    b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3f));
    return format_uuid(b);
}

bool is_valid_image_id(std::string_view id) {
    if (id.size() != 36) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        char c = id[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

std::optional<std::int64_t> uuidv7_unix_millis(std::string_view id) {
    if (!is_valid_image_id(id) || id[14] != '7') return std::nullopt;
    std::int64_t ms = 0;
    for (char c : id.substr(0, 13)) {
        if (c == '-') continue;
        ms = ms * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return ms;
}

std::string uuidv7_time_prefix(std::int64_t unix_millis) {
    static constexpr char kHex[] = "0123456789abcdef";
    auto ms = static_cast<std::uint64_t>(std::max<std::int64_t>(unix_millis, 0));
    std::string out;
    for (int i = 11; i >= 0; --i) {
        out += kHex[(ms >> (4 * i)) & 15];
        if (i == 4) out += '-';
    }
    return out;
}

}  // namespace fotogal
