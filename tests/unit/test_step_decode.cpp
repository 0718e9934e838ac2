#include <doctest/doctest.h>

#include "pipeline_support.hpp"
#include "workers/pipeline/decoders/decoder.hpp"

using fotogal::pipeline::ColourModel;
using fotogal::test::corpus_through;
using fotogal::test::failure_code;

namespace {

// The default recipe without its 2048 px rendition: 1024 px is the largest size left, so
// photos of the corpus (up to 6000 px) leave room to shrink on load.
fotogal::pipeline::Recipe recipe_up_to_1024() {
    auto recipe = fotogal::pipeline::default_recipe();
    REQUIRE(recipe.renditions.front().width == 2048);
    recipe.renditions.erase(recipe.renditions.begin());
    return recipe;
}

}  // namespace

TEST_CASE("decode: JPEGs shrink on load by 1/2, 1/4 or 1/8, leaving twice every rendition") {
    // 4608x3456 with a 1024 box: 4/8 gives 2304x1728, at least twice 1024x768.
    auto big =
        corpus_through("decode", "photos/mei_Kodak_Easyshare_M5370.jpg", recipe_up_to_1024());
    CHECK(big->job->decode_numerator == 1);
    CHECK(big->job->decode_denominator == 2);
    CHECK(big->job->image.cols == 2304);
    CHECK(big->job->image.rows == 1728);
    // 3648x2736: 4/8 would give 1824, under twice 1024, so it decodes at full size.
    auto s90 = corpus_through("decode", "photos/mei_Canon_Powershot_S90.jpg", recipe_up_to_1024());
    CHECK(s90->job->decode_numerator == 1);
    CHECK(s90->job->decode_denominator == 1);
    CHECK(s90->job->image.cols == 3648);
    // With the 2048 px rendition no photo of the corpus is large enough to shrink.
    auto full = corpus_through("decode", "photos/mei_Kodak_Easyshare_M5370.jpg");
    CHECK(full->job->decode_numerator == 1);
    CHECK(full->job->decode_denominator == 1);
    CHECK(full->job->image.cols == 4608);
}

TEST_CASE("decode: the scale is chosen in stored orientation for rotated photos") {
    // Stored 4928x3264 with orientation 8, seen as 3264x4928: medium is 678x1024, so the
    // stored width must stay >= 2048 and the height >= 1356: 4/8 gives 2464x1632. Taken in the
    // upright orientation, 1632 would fall short of twice 1024 and it would not shrink.
    auto leica = corpus_through("decode", "photos/mei_Leica_T_Typ_701.jpg", recipe_up_to_1024());
    CHECK(leica->job->image.cols == 2464);
    CHECK(leica->job->image.rows == 1632);
}

TEST_CASE("jpeg_scale_eighths: the smallest of 1/8, 2/8, 4/8 leaving twice the need, else 8/8") {
    using fotogal::pipeline::jpeg_scale_eighths;
    CHECK(jpeg_scale_eighths(4608, 3456, 2048, 1536) == 8);  // 4/8 leaves only 1.1x
    CHECK(jpeg_scale_eighths(8192, 6144, 2048, 1536) == 4);
    CHECK(jpeg_scale_eighths(16384, 12288, 2048, 1536) == 2);  // exactly twice is enough
    CHECK(jpeg_scale_eighths(16385, 12288, 2048, 1537) == 4);
    CHECK(jpeg_scale_eighths(1800, 1200, 1800, 1200) == 8);
    CHECK(jpeg_scale_eighths(100, 100, 0, 0) == 1);
    CHECK(jpeg_scale_eighths(48, 48, 3, 3) == 1);  // 48/8 = 6, twice 3
    CHECK(jpeg_scale_eighths(41, 41, 3, 3) == 1);  // 41/8 rounds up to 6
    CHECK(jpeg_scale_eighths(40, 40, 3, 3) == 2);  // 40/8 = 5 falls short; 80/8 = 10
}

TEST_CASE("decode: pixels stay as stored until to_srgb: CMYK raw, grey, 16-bit, alpha") {
    auto cmyk = corpus_through("decode", "formats/jpeg_cmyk_adobe.jpg");
    CHECK(cmyk->job->colour.model == ColourModel::cmyk);
    CHECK(cmyk->job->colour.cmyk_inverted);  // Photoshop's Adobe APP14 marker
    CHECK(cmyk->job->image.type() == CV_8UC4);
    auto grey = corpus_through("decode", "formats/jpeg_grey.jpg");
    CHECK(grey->job->colour.model == ColourModel::grey);
    CHECK(grey->job->image.type() == CV_8UC1);
    auto png16 = corpus_through("decode", "formats/png16_rgb_vips_sample.png");
    CHECK(png16->job->image.type() == CV_16UC3);
    auto rgba = corpus_through("decode", "formats/png8_rgba.png");
    CHECK(rgba->job->colour.has_alpha);
}

TEST_CASE("decode: embedded ICC profiles are read from JPEG APP2, PNG iCCP and HEIF") {
    // Split over many APP2 segments: all of them are joined.
    auto big = corpus_through("decode", "formats/jpeg_icc_big_multisegment.jpg");
    CHECK(big->job->colour.icc_profile.size() > 100'000);
    auto adobe = corpus_through("decode", "formats/jpeg_icc_adobergb.jpg");
    REQUIRE(adobe->job->colour.icc_profile.size() > 128);
    // An ICC profile says "acsp" at byte 36.
    CHECK(std::string(adobe->job->colour.icc_profile.begin() + 36,
                      adobe->job->colour.icc_profile.begin() + 40) == "acsp");
    auto png = corpus_through("decode", "formats/png_iccp.png");
    CHECK(png->job->colour.icc_profile.size() > 128);
    auto none = corpus_through("decode", "formats/jpeg_cmyk_adobe.jpg");
    CHECK(none->job->colour.icc_profile.empty());
}

TEST_CASE("decode: GIF first frame (giflib), HEIC and AVIF (libheif)") {
    auto gif = corpus_through("decode", "formats/gif_hopper.gif");
    CHECK(gif->job->image.size() == cv::Size(128, 128));
    auto transparent = corpus_through("decode", "formats/gif_transparent.gif");
    CHECK(transparent->job->colour.has_alpha);
    CHECK(transparent->job->image.type() == CV_8UC4);
    auto animated = corpus_through("decode", "formats/gif_animated.gif");
    CHECK(animated->job->image.size() == cv::Size(245, 245));
    auto heic = corpus_through("decode", "formats/heic_unsupported.heic");
    CHECK(heic->job->image.size() == cv::Size(256, 256));
    auto avif = corpus_through("decode", "formats/avif_unsupported.avif");
    CHECK(avif->job->image.size() == cv::Size(128, 128));
    // The colours are right, not just the size: hopper's GIF and AVIF agree on average.
    cv::Scalar g = cv::mean(gif->job->image), a = cv::mean(avif->job->image);
    for (int c = 0; c < 3; ++c) CHECK(std::abs(g[c] - a[c]) < 8.0);
}

TEST_CASE("decode: damaged but complete JPEG data is processed, with the warning kept") {
    auto olympus = corpus_through("decode", "bad/corrupted_olympus.jpg");
    CHECK_FALSE(olympus->job->warnings.empty());
    CHECK(olympus->job->warnings.front().find("libjpeg") == 0);
    auto clean = corpus_through("decode", "photos/mei_Nikon_D90.jpg");
    CHECK(clean->job->warnings.empty());
}

TEST_CASE("decode: unreadable files fail with a reason instead of a grey picture") {
    CHECK(failure_code("decode", "bad/truncated_10000B.jpg") == "truncated");
    CHECK(failure_code("decode", "bad/truncated_progressive.jpg") == "truncated");
    CHECK(failure_code("decode", "bad/broken_data_stream.png") == "undecodable");
    CHECK(failure_code("decode", "bad/fuzz_libtiff_segfault.tif") == "undecodable");
    CHECK(failure_code("decode", "bad/corrupt_header.jpg") != "");
    CHECK(failure_code("decode", "bad/fuzz_oss-fuzz-36829.jpeg") != "");
}
