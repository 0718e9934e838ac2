// SHA-256 (OpenSSL) as lowercase hex, for originals' checksums and recipe fingerprints.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace fotogal {

std::string sha256_hex(std::span<const std::uint8_t> bytes);
std::string sha256_hex(std::string_view text);

// SHA-256 over bytes that arrive in pieces (an upload streamed to disk).
class Sha256Stream {
  public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;
    void update(std::span<const std::uint8_t> bytes);
    std::string hex();  // once, at the end

  private:
    void* context_;  // EVP_MD_CTX, kept out of this header
};

}  // namespace fotogal
