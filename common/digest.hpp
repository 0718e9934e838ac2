// SHA-256 (OpenSSL) as lowercase hex, for originals' checksums and recipe fingerprints.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace fotogal {

std::string sha256_hex(std::span<const std::uint8_t> bytes);
std::string sha256_hex(std::string_view text);

}  // namespace fotogal
