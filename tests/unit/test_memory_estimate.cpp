#include <doctest/doctest.h>

#include <vector>

#include "corpus.hpp"
#include "workers/pipeline/memory_estimate.hpp"
#include "workers/pipeline/pixel_layout.hpp"

using namespace fotogal;
using namespace fotogal::pipeline;

namespace {

formats::ImageHeader header(formats::ImageFormat f, std::uint32_t w, std::uint32_t h) {
    formats::ImageHeader out{};
    out.format = f;
    out.width = w;
    out.height = h;
    return out;
}

// The first 26 bytes of a PNG: signature, IHDR length and type, size, depth, colour type.
std::vector<std::uint8_t> png_start(std::uint32_t w, std::uint32_t h, int depth, int type) {
    std::vector<std::uint8_t> b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                   0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    for (std::uint32_t v : {w, h})
        for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
    b.push_back(static_cast<std::uint8_t>(depth));
    b.push_back(static_cast<std::uint8_t>(type));
    return b;
}

}  // namespace

TEST_CASE("memory estimate: a 22 MP baseline JPEG, decoded at full size for the 2048 box") {
    // mei_Issue_266.jpg of the corpus: 5760 x 3840, 2,270,597 bytes. 1/2 would leave 2880,
    // under twice 2048, so it decodes at full size.
    Recipe recipe = default_recipe();
    MemoryEstimate e = estimate_memory(header(formats::ImageFormat::jpeg, 5760, 3840),
                                       PixelLayout{3, 1, false, true, 0}, recipe, 2'270'597);
    CHECK(e.decode_width == 5760);
    CHECK(e.decode_height == 3840);
    CHECK(e.decoded_bytes == 5760ull * 3840 * 3);
    CHECK(e.srgb_bytes == 5760ull * 3840 * 3);
    // analysis 512x512 + large 2048x1365 + medium 1024x683 + small 512x341 + thumb
    // (384x256 scaled, 256x256 cropped), 4 bytes a pixel.
    CHECK(e.rendition_bytes ==
          4ull * (512 * 512 + 2048 * 1365 + 1024 * 683 + 512 * 341 + 384 * 256 + 256 * 256));
    CHECK(e.total ==
          2'270'597 + 2 * e.decoded_bytes + e.srgb_bytes + e.rendition_bytes + kPerImageOverhead);
    CHECK(e.total > 210ull << 20);  // about 216 MiB: 2 such photos fit in 512 MiB, 3 do not
    CHECK(e.total < 220ull << 20);
    // Without the 2048 box, 1/2 leaves twice 1024: 2880 x 1920.
    recipe.renditions.erase(recipe.renditions.begin());
    MemoryEstimate half = estimate_memory(header(formats::ImageFormat::jpeg, 5760, 3840),
                                          PixelLayout{3, 1, false, true, 0}, recipe, 2'270'597);
    CHECK(half.decode_width == 2880);
    CHECK(half.decode_height == 1920);
}

TEST_CASE("memory estimate: a progressive JPEG keeps the full-size coefficients") {
    auto progressive = test::read_corpus("formats/jpeg_progressive.jpg");
    auto h = formats::probe_header(progressive);
    REQUIRE(h);
    PixelLayout l = pixel_layout(*h, progressive);
    CHECK(l.shrinks_on_load);
    CHECK(l.decoder_full_size_bytes >= std::uint64_t{h->width} * h->height * 2);  // Y alone
    CHECK(l.decoder_full_size_bytes <= std::uint64_t{h->width + 16} * (h->height + 16) * 6);

    auto baseline = test::read_corpus("photos/mei_Issue_266.jpg");
    auto bh = formats::probe_header(baseline);
    REQUIRE(bh);
    PixelLayout bl = pixel_layout(*bh, baseline);
    CHECK(bl.decoder_full_size_bytes == 0);
    CHECK(bl.channels == 3);

    // 6000 x 4000 progressive 4:2:0: Y 6000x4000 and two 3000x2000 chroma planes, 2 bytes each.
    PixelLayout p{3, 1, false, true, 2ull * (6000 * 4000 + 2 * 3000 * 2000)};
    MemoryEstimate pe = estimate_memory(header(formats::ImageFormat::jpeg, 6000, 4000), p,
                                        default_recipe(), 10'000'000);
    MemoryEstimate be =
        estimate_memory(header(formats::ImageFormat::jpeg, 6000, 4000),
                        PixelLayout{3, 1, false, true, 0}, default_recipe(), 10'000'000);
    CHECK(pe.total - be.total == 72'000'000);
}

TEST_CASE("memory estimate: 16-bit and float pictures need more than 8-bit ones") {
    Recipe recipe = default_recipe();
    auto png8 = png_start(8000, 6000, 8, 2);
    auto png16 = png_start(8000, 6000, 16, 6);
    auto h = header(formats::ImageFormat::png, 8000, 6000);
    PixelLayout l8 = pixel_layout(h, png8), l16 = pixel_layout(h, png16);
    CHECK(l8.channels == 3);
    CHECK(l8.bytes_per_sample == 1);
    CHECK(l16.channels == 4);
    CHECK(l16.bytes_per_sample == 2);
    MemoryEstimate e8 = estimate_memory(h, l8, recipe, 1000);
    MemoryEstimate e16 = estimate_memory(h, l16, recipe, 1000);
    CHECK(e8.decode_width == 8000);  // PNG cannot shrink on load
    CHECK(e8.decoded_bytes == 144'000'000ull);
    CHECK(e16.decoded_bytes == 384'000'000ull);
    // 48 MP of 16-bit RGBA: more than a 512 MiB budget can ever give one image.
    CHECK(e16.total > 512ull << 20);
    CHECK(e16.total > e8.total + 2 * 240'000'000ull);

    PixelLayout pfm = pixel_layout(header(formats::ImageFormat::pfm, 100, 100), {});
    CHECK(pfm.bytes_per_sample == 4);
}

TEST_CASE("memory estimate: a float TIFF's sample size comes from its BitsPerSample tag") {
    for (const char* file : {"formats/tiff16_rgb.tif", "formats/tiff_bigtiff.tif"}) {
        CAPTURE(file);
        auto bytes = test::read_corpus(file);
        auto h = formats::probe_header(bytes);
        REQUIRE(h);
        PixelLayout l = pixel_layout(*h, bytes);
        CHECK(l.bytes_per_sample >= 1);
        CHECK(l.channels >= 1);
        if (std::string(file) == "formats/tiff16_rgb.tif") {
            CHECK(l.bytes_per_sample == 2);
            CHECK(l.channels == 3);
        }
    }
    // A TIFF whose IFD cannot be read is taken at its worst: 4 samples of 8 bytes.
    std::vector<std::uint8_t> cut = {'I', 'I', 42, 0, 0xff, 0xff, 0, 0};
    PixelLayout worst = pixel_layout(header(formats::ImageFormat::tiff, 10, 10), cut);
    CHECK(worst.bytes_per_sample == 8);
    CHECK(worst.channels == 4);
}

TEST_CASE("memory estimate: thin pictures estimate their renditions of at least 1 pixel") {
    MemoryEstimate e = estimate_memory(header(formats::ImageFormat::png, 10000, 1),
                                       PixelLayout{1, 1, false}, default_recipe(), 100);
    CHECK(e.decoded_bytes == 10000);
    CHECK(e.rendition_bytes > 0);
    CHECK(e.total < kPerImageOverhead + 200'000);
}

TEST_CASE("memory estimate: a PNG chunk declaring a huge length counts at that length") {
    // libpng buffers an ancillary chunk whole before checking it: a 2 GB tEXt declared in a
    // file of 60 bytes is 2 GB of memory, and must not be admitted beside other work.
    auto bytes = png_start(64, 64, 8, 6);
    for (int i = 0; i < 7; ++i) bytes.push_back(0);  // rest of IHDR data + CRC
    for (std::uint8_t c : {0x7F, 0xFF, 0xFF, 0x00}) bytes.push_back(c);
    for (char c : std::string("tEXtk")) bytes.push_back(static_cast<std::uint8_t>(c));
    PixelLayout l = pixel_layout(header(formats::ImageFormat::png, 64, 64), bytes);
    CHECK(l.decoder_full_size_bytes == 0x7FFFFF00u);
    MemoryEstimate e = estimate_memory(header(formats::ImageFormat::png, 64, 64), l,
                                       default_recipe(), bytes.size());
    CHECK(e.total > 0x7FFFFF00u);
    // Image data is streamed: a big IDAT is not a buffer of its size.
    auto idat = png_start(64, 64, 8, 6);
    for (int i = 0; i < 7; ++i) idat.push_back(0);
    for (std::uint8_t c : {0x7F, 0xFF, 0xFF, 0x00}) idat.push_back(c);
    for (char c : std::string("IDATx")) idat.push_back(static_cast<std::uint8_t>(c));
    CHECK(pixel_layout(header(formats::ImageFormat::png, 64, 64), idat).decoder_full_size_bytes ==
          13);  // the IHDR chunk's own 13 bytes
}
