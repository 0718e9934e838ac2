// Robustness of the header probes: every prefix of every format sample and single-byte
// corruptions of every corpus file must give a header, nullopt or InvalidHeader, and nothing
// else (this also runs under AddressSanitizer, which sees any read past the end).
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "common/formats/image_header.hpp"
#include "corpus.hpp"

namespace {

using fotogal::formats::InvalidHeader;
using fotogal::formats::probe_header;
using fotogal::formats::sniff_format;
using Buffer = std::vector<std::uint8_t>;

// Empty when the probe kept its contract on `bytes`, else what it broke.
std::string contract_breach(std::span<const std::uint8_t> bytes) {
    try {
        const auto sniffed = sniff_format(bytes);
        const auto h = probe_header(bytes);
        if (!h) return sniffed ? "sniffed a format but probed nothing" : "";
        if (sniffed != h->format) return "sniff and probe disagree";
        if (h->width == 0 || h->height == 0) return "zero size returned";
        if (h->width > (1u << 31) || h->height > (1u << 31)) return "size over 2^31 returned";
        if (h->exif &&
            (h->exif->offset > bytes.size() || h->exif->size > bytes.size() - h->exif->offset)) {
            return "EXIF range outside the buffer";
        }
        return "";
    } catch (const InvalidHeader&) {
        return "";
    } catch (const std::exception& e) {
        return std::string("unexpected exception: ") + e.what();
    }
}

}  // namespace

TEST_CASE("every prefix of every formats/ file probes cleanly") {
    for (const auto& e :
         std::filesystem::directory_iterator(fotogal::test::corpus_file("formats"))) {
        CAPTURE(e.path().string());
        const Buffer bytes = fotogal::test::read_file(e.path());
        for (std::size_t n = 0; n <= std::min<std::size_t>(bytes.size(), 512); ++n) {
            // A fresh allocation of exactly n bytes, so ASan sees any read past the end.
            const Buffer prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
            CAPTURE(n);
            REQUIRE(contract_breach(prefix) == "");
        }
    }
}

TEST_CASE("single-byte corruptions of every corpus file probe cleanly") {
    for (const auto& e :
         std::filesystem::recursive_directory_iterator(fotogal::test::corpus_dir())) {
        if (!e.is_regular_file() || e.path().extension() == ".md") continue;
        CAPTURE(e.path().string());
        Buffer bytes = fotogal::test::read_file(e.path());
        if (bytes.empty()) continue;
        // Headers live at the front, so most flips go there: the first 16 bytes, 32 spots
        // in the first 4 KiB, then 16 anywhere in the file.
        std::uint32_t lcg = 12345;
        const auto next = [&lcg](std::size_t bound) {
            lcg = lcg * 1664525u + 1013904223u;
            return static_cast<std::size_t>(lcg >> 8) % bound;
        };
        for (int i = 0; i < 64; ++i) {
            const std::size_t head = std::min<std::size_t>(bytes.size(), 4096);
            const std::size_t pos = i < 16   ? static_cast<std::size_t>(i) % bytes.size()
                                    : i < 48 ? next(head)
                                             : next(bytes.size());
            const auto mask = static_cast<std::uint8_t>(i % 2 == 0 ? 0xFF : 1u << (i / 2 % 8));
            CAPTURE(pos);
            bytes[pos] ^= mask;
            REQUIRE(contract_breach(bytes) == "");
            bytes[pos] ^= mask;
        }
    }
}
