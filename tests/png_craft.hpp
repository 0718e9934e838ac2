// Hand-made PNG files for the decoder tests: a valid 1x1 RGB picture with any chunks before
// or after its pixels, including chunks whose declared length lies about what follows.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace fotogal::test {

using ByteVector = std::vector<std::uint8_t>;

inline void put_be32(ByteVector& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// One chunk: length (the real one unless `declared_length` lies), type, data, CRC.
inline ByteVector png_chunk(const std::string& type, const ByteVector& data,
                            std::optional<std::uint32_t> declared_length = {}) {
    ByteVector out;
    put_be32(out, declared_length.value_or(static_cast<std::uint32_t>(data.size())));
    ByteVector body(type.begin(), type.end());
    body.insert(body.end(), data.begin(), data.end());
    out.insert(out.end(), body.begin(), body.end());
    put_be32(out,
             static_cast<std::uint32_t>(crc32(0, body.data(), static_cast<uInt>(body.size()))));
    return out;
}

inline ByteVector zlib_compress(const ByteVector& in) {
    uLongf size = compressBound(static_cast<uLong>(in.size()));
    ByteVector out(size);
    if (compress2(out.data(), &size, in.data(), static_cast<uLong>(in.size()), 9) != Z_OK)
        throw std::runtime_error("compress2 failed");
    out.resize(size);
    return out;
}

// A zlib stream of `size` zero bytes, made in 1 MB pieces: a test can build a 256 MB bomb
// without holding 256 MB itself (which would also raise its children's measured peak RSS).
inline ByteVector zlib_zeros(std::size_t size) {
    z_stream z{};
    if (deflateInit(&z, 9) != Z_OK) throw std::runtime_error("deflateInit failed");
    ByteVector zeros(1 << 20, 0), out, buf(1 << 16);
    for (std::size_t left = size;;) {
        std::size_t n = std::min(left, zeros.size());
        left -= n;
        z.next_in = zeros.data();
        z.avail_in = static_cast<uInt>(n);
        int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        int rc = Z_OK;
        do {
            z.next_out = buf.data();
            z.avail_out = static_cast<uInt>(buf.size());
            rc = deflate(&z, flush);
            out.insert(out.end(), buf.begin(), buf.end() - z.avail_out);
        } while (z.avail_out == 0);
        if (flush == Z_FINISH) {
            deflateEnd(&z);
            if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
            return out;
        }
    }
}

// A 1x1 8-bit RGB PNG whose one pixel is (r, g, b), with extra chunks around its IDAT.
inline ByteVector png_1x1(const ByteVector& before_idat = {}, const ByteVector& after_idat = {},
                          std::uint8_t r = 10, std::uint8_t g = 200, std::uint8_t b = 30) {
    ByteVector png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    ByteVector ihdr;
    put_be32(ihdr, 1);
    put_be32(ihdr, 1);
    ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit RGB, deflate, filter 0, no interlace
    auto append = [&](const ByteVector& bytes) {
        png.insert(png.end(), bytes.begin(), bytes.end());
    };
    append(png_chunk("IHDR", ihdr));
    append(before_idat);
    append(png_chunk("IDAT", zlib_compress({0, r, g, b})));  // filter byte, then the pixel
    append(after_idat);
    append(png_chunk("IEND", {}));
    return png;
}

}  // namespace fotogal::test
