#include "workers/pipeline/pixel_layout.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace fotogal::pipeline {

namespace {

using Bytes = std::span<const std::uint8_t>;
using formats::ImageFormat;

std::optional<std::uint32_t> read_be(Bytes b, std::size_t at, int size) {
    if (at > b.size() || b.size() - at < static_cast<std::size_t>(size)) return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 0; i < size; ++i) v = (v << 8) | b[at + i];
    return v;
}

std::optional<std::uint64_t> read_endian(Bytes b, std::uint64_t at, int size, bool little) {
    if (at > b.size() || b.size() - at < static_cast<std::uint64_t>(size)) return std::nullopt;
    std::uint64_t v = 0;
    for (int i = 0; i < size; ++i) {
        auto byte = b[static_cast<std::size_t>(at) + (little ? size - 1 - i : i)];
        v = (v << 8) | byte;
    }
    return v;
}

// libpng reads an ancillary chunk (tEXt, sPLT, pCAL, ...) into a buffer of its declared
// length before it can tell the chunk is cut short or junk: a 100-byte file declaring a 2 GB
// tEXt chunk makes it allocate and fill 2 GB. Image data (IDAT) is streamed, not buffered.
std::uint64_t largest_ancillary_chunk(Bytes b) {
    std::uint64_t largest = 0;
    std::size_t pos = 8;
    while (auto length = read_be(b, pos, 4)) {
        auto type = read_be(b, pos + 4, 4);
        if (!type || *type == 0x49454E44) break;                                       // IEND
        if (*type != 0x49444154) largest = std::max<std::uint64_t>(largest, *length);  // IDAT
        std::uint64_t next = std::uint64_t{pos} + 12 + *length;
        if (next >= b.size()) break;
        pos = static_cast<std::size_t>(next);
    }
    return largest;
}

// IHDR: bit depth at 24, colour type at 25. OpenCV (and libpng with its expansions) turn
// palette and grey + alpha into BGR(A) and keep 16 bits.
PixelLayout png_layout(Bytes b) {
    PixelLayout l{4, 2, true};
    l.decoder_full_size_bytes = largest_ancillary_chunk(b);
    if (b.size() < 26) return l;
    int depth = b[24], type = b[25];
    l.bytes_per_sample = depth == 16 ? 2 : 1;
    switch (type) {
        case 0:
            l.channels = 1, l.alpha = false;
            break;
        case 2:
            l.channels = 3, l.alpha = false;
            break;
        case 3:  // palette: 3 or 4 (tRNS) channels; counted as 4
        case 4:  // grey + alpha: decoded as BGRA first
        case 6:
            l.channels = 4, l.alpha = true;
            break;
        default:
            break;
    }
    return l;
}

// The frame header (SOFn) gives the components and their sampling; a progressive frame
// (SOF2, 6, 10, 14) is decoded from coefficients kept for the whole full-size picture.
PixelLayout jpeg_layout(Bytes b, std::uint64_t width, std::uint64_t height) {
    PixelLayout l{3, 1, false, true, 0};
    std::size_t pos = 2;
    while (auto marker = read_be(b, pos, 2)) {
        if ((*marker >> 8) != 0xFF) break;
        int code = static_cast<int>(*marker & 0xFF);
        if (code == 0xD8 || (code >= 0xD0 && code <= 0xD7) || code == 0xFF) {
            pos += code == 0xFF ? 1 : 2;
            continue;
        }
        auto length = read_be(b, pos + 2, 2);
        if (!length || code == 0xDA || code == 0xD9) break;
        bool sof = code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
        if (sof) {
            auto components = read_be(b, pos + 2 + 7, 1);
            if (!components || *components == 0) break;
            l.channels = *components >= 4 ? 4 : *components >= 3 ? 3 : 1;
            bool progressive = code == 0xC2 || code == 0xC6 || code == 0xCA || code == 0xCE;
            if (!progressive) break;
            int hmax = 1, vmax = 1;
            std::vector<std::pair<int, int>> sampling;
            for (std::uint32_t c = 0; c < *components; ++c) {
                auto hv = read_be(b, pos + 2 + 8 + c * 3 + 1, 1);
                int h = hv ? std::max(1, int(*hv >> 4)) : 1,
                    v = hv ? std::max(1, int(*hv & 15)) : 1;
                sampling.emplace_back(h, v);
                hmax = std::max(hmax, h), vmax = std::max(vmax, v);
            }
            // One 16-bit coefficient per sample, in whole 8x8 blocks of each component.
            for (auto [h, v] : sampling) {
                std::uint64_t cw = (width * h + hmax - 1) / hmax,
                              ch = (height * v + vmax - 1) / vmax;
                l.decoder_full_size_bytes += ((cw + 7) / 8 * 8) * ((ch + 7) / 8 * 8) * 2;
            }
            break;
        }
        pos += 2 + *length;
    }
    return l;
}

// The first IFD's BitsPerSample (258), SamplesPerPixel (277) and ExtraSamples (338, alpha).
PixelLayout tiff_layout(Bytes b) {
    PixelLayout worst{4, 8, true};
    if (b.size() < 8) return worst;
    bool little = b[0] == 'I';
    bool big = read_endian(b, 2, 2, little).value_or(0) == 43;
    auto ifd = big ? read_endian(b, 8, 8, little) : read_endian(b, 4, 4, little);
    if (!ifd) return worst;
    auto count = read_endian(b, *ifd, big ? 8 : 2, little);
    if (!count) return worst;
    std::uint64_t bits = 0, samples = 1;
    bool extra = false;
    std::size_t entry_size = big ? 20 : 12, first = big ? 8 : 2;
    for (std::uint64_t i = 0; i < std::min<std::uint64_t>(*count, 4096); ++i) {
        std::uint64_t entry = *ifd + first + i * entry_size;
        auto tag = read_endian(b, entry, 2, little);
        auto type = read_endian(b, entry + 2, 2, little);
        if (!tag || !type) break;
        std::uint64_t field = entry + (big ? 12 : 8);
        // The first value: inline when it fits (SHORT values are left-justified).
        auto value =
            *type == 3 ? read_endian(b, field, 2, little) : read_endian(b, field, 4, little);
        auto n = read_endian(b, entry + 4, big ? 8 : 4, little).value_or(1);
        if (*tag == 258 && value) {
            if (*type == 3 && n * 2 > (big ? 8u : 4u)) {  // behind an offset
                auto at = read_endian(b, field, big ? 8 : 4, little);
                value = at ? read_endian(b, *at, 2, little) : std::nullopt;
            }
            bits = value.value_or(64);
        }
        if (*tag == 277 && value) samples = std::max<std::uint64_t>(1, *value);
        if (*tag == 338) extra = true;
    }
    PixelLayout l;
    l.bytes_per_sample =
        bits == 0 ? 1 : static_cast<int>(std::min<std::uint64_t>(8, (bits + 7) / 8));
    // OpenCV hands out 1, 3 or 4 channels (2 become BGRA).
    l.channels = samples == 1 ? 1 : samples == 3 && !extra ? 3 : 4;
    l.alpha = l.channels == 4 && (extra || samples == 2);
    // CMYK (4 samples, no ExtraSamples) becomes BGR: no alpha afterwards.
    if (samples == 4 && !extra) l.alpha = false;
    return l;
}

}  // namespace

PixelLayout pixel_layout(const formats::ImageHeader& header, Bytes bytes) {
    switch (header.format) {
        case ImageFormat::jpeg:
            return jpeg_layout(bytes, header.width, header.height);
        case ImageFormat::png:
            return png_layout(bytes);
        case ImageFormat::tiff:
            return tiff_layout(bytes);
        case ImageFormat::pfm:
        case ImageFormat::hdr:
            return {3, 4, false};
        case ImageFormat::pnm:
            return {3, 2, false};
        case ImageFormat::jp2:
        case ImageFormat::heic:
        case ImageFormat::avif:
            return {4, 2, true};  // up to 16-bit samples (10/12-bit AVIF, 16-bit JPEG 2000)
        default:                  // GIF, WebP, BMP, Sun raster: 8-bit, maybe with alpha
            return {4, 1, true};
    }
}

}  // namespace fotogal::pipeline
