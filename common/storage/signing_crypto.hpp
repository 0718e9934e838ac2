// The few primitives request signing needs (OpenSSL 3): SHA-256, SHA-1, HMAC-SHA256, MD5,
// base64 (both ways) and hex. Raw digests are returned as byte strings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fotogal::storage::crypto {

std::string sha256(std::span<const std::uint8_t> bytes);
std::string sha256(std::string_view text);
// SHA-256 of `length` bytes of a file from `offset`, read in blocks (never all in memory).
std::string sha256_file(const std::filesystem::path& file, std::uint64_t offset,
                        std::uint64_t length);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string md5(std::string_view data);
std::string sha1(std::string_view data);
std::string base64(std::string_view raw);
// Standard or URL-safe alphabet, padding optional (JWT segments have none); whitespace is
// skipped. nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);
std::string hex(std::string_view raw);

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace fotogal::storage::crypto
