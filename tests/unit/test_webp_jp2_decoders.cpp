// The WebP (libwebp) and JPEG 2000 (OpenJPEG) decoders against OpenCV's reading of the corpus.
#include <doctest/doctest.h>

#include "decoder_oracle.hpp"
#include "workers/pipeline/processing_error.hpp"

using fotogal::formats::ImageFormat;
using fotogal::pipeline::ProcessingError;

namespace {

std::string failure(ImageFormat format, std::vector<std::uint8_t> bytes) {
    try {
        fotogal::pipeline::decode_image(format, bytes, {0, 0, 100'000'000});
    } catch (const ProcessingError& e) {
        return e.code();
    }
    return "";
}

}  // namespace

TEST_CASE("webp decoder: still pictures decode to exactly what OpenCV's imread gives") {
    for (const char* f :
         {"formats/webp_alpha_transparent.webp", "formats/webp_exif_orientation_6.webp",
          "formats/webp_lossless_hibiscus.webp", "formats/webp_lossy_1024.webp",
          "formats/webp_lossy_alpha.webp", "formats/webp_lossy_flower.webp", "bad/fuzz_panic.webp",
          "bad/looks-like-svg.webp"}) {
        CAPTURE(f);
        auto decoded = fotogal::test::decode_corpus(ImageFormat::webp, f);
        CHECK(fotogal::test::max_diff_from_opencv(decoded.pixels, f) == 0.0);
    }
    auto alpha = fotogal::test::decode_corpus(ImageFormat::webp, "formats/webp_lossy_alpha.webp");
    CHECK(alpha.colour.has_alpha);
    CHECK(alpha.pixels.type() == CV_8UC4);
}

TEST_CASE("webp decoder: animations and cut-off files fail with a reason") {
    CHECK(failure(ImageFormat::webp, fotogal::test::read_corpus("formats/webp_animated.webp")) ==
          "undecodable");
    auto cut = fotogal::test::read_corpus("formats/webp_lossy_flower.webp");
    cut.resize(cut.size() / 2);
    CHECK(failure(ImageFormat::webp, cut) == "undecodable");
    cut.resize(20);
    CHECK(failure(ImageFormat::webp, cut) == "truncated");
}

TEST_CASE("jp2 decoder: JPEG 2000 decodes to exactly what OpenCV's imread gives") {
    auto decoded = fotogal::test::decode_corpus(ImageFormat::jp2, "formats/jpeg2000.jp2");
    CHECK(decoded.pixels.size() == cv::Size(800, 400));
    CHECK(fotogal::test::max_diff_from_opencv(decoded.pixels, "formats/jpeg2000.jp2") == 0.0);
}

TEST_CASE("jp2 decoder: cut-off files and oversized headers fail with a reason") {
    auto jp2 = fotogal::test::read_corpus("formats/jpeg2000.jp2");
    auto cut = jp2;
    cut.resize(cut.size() / 3);
    CHECK(failure(ImageFormat::jp2, cut) == "undecodable");
    cut.resize(40);
    CHECK(failure(ImageFormat::jp2, cut) == "undecodable");
    try {
        fotogal::pipeline::decode_image(ImageFormat::jp2, jp2, {0, 0, 800 * 399});
        FAIL("over the limit");
    } catch (const ProcessingError& e) {
        CHECK(e.code() == "too_many_pixels");
    }
}

TEST_CASE("decode_image: a format without a decoder fails as unsupported_format") {
    CHECK(failure(static_cast<ImageFormat>(200), {0, 1, 2, 3}) == "unsupported_format");
}
