#include "workers/pipeline/decoders/icc_chunks.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace fotogal::pipeline {

namespace {

constexpr std::size_t kMaxProfile = 16 * 1024 * 1024;  // real profiles are a few KB to 1 MB

std::uint32_t be32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}

// Inflates an ICC profile from a zlib stream. A profile states its own size in its first
// four bytes: those are inflated first, then the profile's memory is allocated once, at that
// size and never above kMaxProfile, and inflating stops there. A bomb (256 MB of zeros states
// size 0) costs nothing; a lying header at most kMaxProfile. Empty result when unusable.
std::vector<std::uint8_t> inflate_bounded(std::span<const std::uint8_t> in) {
    z_stream z;
    std::memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK) return {};
    struct End {
        z_stream* z;
        ~End() { inflateEnd(z); }
    } end{&z};
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    std::uint8_t head[4];
    z.next_out = head;
    z.avail_out = sizeof head;
    int rc = Z_OK;
    while (z.avail_out > 0 && rc == Z_OK) rc = inflate(&z, Z_NO_FLUSH);
    if (z.avail_out > 0) return {};
    std::uint32_t size = be32(head);
    if (size < 128 || size > kMaxProfile) return {};  // 128: the ICC header alone
    std::vector<std::uint8_t> out(size);
    std::memcpy(out.data(), head, sizeof head);
    z.next_out = out.data() + sizeof head;
    z.avail_out = size - static_cast<uInt>(sizeof head);
    while (z.avail_out > 0 && rc == Z_OK) rc = inflate(&z, Z_NO_FLUSH);
    if (z.avail_out > 0) return {};  // the stream ended (or broke) before the stated size
    return out;
}

}  // namespace

std::vector<std::uint8_t> png_icc_profile(std::span<const std::uint8_t> png) {
    std::size_t pos = 8;  // after the signature
    while (pos + 12 <= png.size()) {
        std::uint32_t length = be32(png.data() + pos);
        const std::uint8_t* type = png.data() + pos + 4;
        if (length > png.size() - pos - 12) return {};
        if (std::memcmp(type, "IDAT", 4) == 0 || std::memcmp(type, "IEND", 4) == 0) return {};
        if (std::memcmp(type, "iCCP", 4) == 0) {
            auto data = png.subspan(pos + 8, length);
            // Profile name (1..79 bytes), NUL, compression method 0, then the zlib stream.
            auto nul = std::find(data.begin(), data.end(), 0);
            if (nul == data.end() || nul + 2 > data.end() || nul[1] != 0) return {};
            return inflate_bounded(data.subspan(static_cast<std::size_t>(nul - data.begin()) + 2));
        }
        pos += 12 + std::size_t{length};
    }
    return {};
}

std::vector<std::uint8_t> webp_icc_profile(std::span<const std::uint8_t> webp) {
    std::size_t pos = 12;  // after "RIFF" size "WEBP"
    while (pos + 8 <= webp.size()) {
        std::uint32_t length = le32(webp.data() + pos + 4);
        if (length > webp.size() - pos - 8) return {};
        if (std::memcmp(webp.data() + pos, "ICCP", 4) == 0) {
            if (length > kMaxProfile) return {};
            auto data = webp.subspan(pos + 8, length);
            return {data.begin(), data.end()};
        }
        pos += 8 + std::size_t{length} + (length & 1);
    }
    return {};
}

}  // namespace fotogal::pipeline
