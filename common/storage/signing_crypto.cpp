#include "common/storage/signing_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace fotogal::storage::crypto {

namespace {

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string digest(const EVP_MD* md, const void* data, std::size_t size) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    if (EVP_Digest(data, size, out.data(), &len, md, nullptr) != 1)
        throw std::runtime_error("OpenSSL digest failed");
    return {reinterpret_cast<const char*>(out.data()), len};
}

}  // namespace

std::string sha256(std::span<const std::uint8_t> bytes) {
    return digest(EVP_sha256(), bytes.data(), bytes.size());
}

std::string sha256(std::string_view text) {
    return digest(EVP_sha256(), text.data(), text.size());
}

std::string sha256_file(const std::filesystem::path& file, std::uint64_t offset,
                        std::uint64_t length) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    in.seekg(static_cast<std::streamoff>(offset));
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL SHA-256 init failed");
    std::vector<char> buf(1 << 16);
    while (length > 0) {
        auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(length, buf.size()));
        in.read(buf.data(), want);
        if (in.gcount() != want) throw std::runtime_error("short read from " + file.string());
        EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(want));
        length -= static_cast<std::uint64_t>(want);
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
    return {reinterpret_cast<const char*>(out.data()), len};
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len))
        throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
    return {reinterpret_cast<const char*>(out.data()), len};
}

std::string md5(std::string_view data) {
    return digest(EVP_md5(), data.data(), data.size());
}

std::string sha1(std::string_view data) {
    return digest(EVP_sha1(), data.data(), data.size());
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    bool padding = false;
    for (char c : text) {
        int v;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+' || c == '-')
            v = 62;
        else if (c == '/' || c == '_')
            v = 63;
        else if (c == '=') {
            padding = true;
            continue;
        } else if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
            continue;
        else
            return std::nullopt;
        if (padding) return std::nullopt;  // data after '='
        bits = (bits << 6) | static_cast<std::uint32_t>(v);
        if (++count == 4) {
            out += static_cast<char>((bits >> 16) & 0xff);
            out += static_cast<char>((bits >> 8) & 0xff);
            out += static_cast<char>(bits & 0xff);
            bits = 0;
            count = 0;
        }
    }
    if (count == 1) return std::nullopt;
    if (count == 2) out += static_cast<char>((bits >> 4) & 0xff);
    if (count == 3) {
        out += static_cast<char>((bits >> 10) & 0xff);
        out += static_cast<char>((bits >> 2) & 0xff);
    }
    return out;
}

std::string base64(std::string_view raw) {
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(raw.data()),
                            static_cast<int>(raw.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string hex(std::string_view raw) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out;
}

}  // namespace fotogal::storage::crypto
