#include <doctest/doctest.h>

#include "pipeline_support.hpp"

using fotogal::test::corpus_through;
using fotogal::test::failure_code;

TEST_CASE("decode: JPEGs shrink on load to the smallest scale covering every rendition") {
    // 4608x3456 with a 2048 box: 1/2 gives 2304x1728, 1/4 would be too small.
    auto big = corpus_through("decode", "photos/mei_Kodak_Easyshare_M5370.jpg");
    CHECK(big->job->decode_denominator == 2);
    CHECK(big->job->image.cols == 2304);
    CHECK(big->job->image.rows == 1728);
    // 1800x1200 fits the largest rendition unscaled: no reduction.
    auto small = corpus_through("decode", "orientation/Landscape_1.jpg");
    CHECK(small->job->decode_denominator == 1);
    CHECK(small->job->image.cols == 1800);
}

TEST_CASE("decode: everything becomes 8-bit BGR or BGRA") {
    auto png16 = corpus_through("decode", "formats/png16_rgb_vips_sample.png");
    CHECK(png16->job->image.type() == CV_8UC3);
    auto grey_alpha = corpus_through("decode", "formats/png8_grey_alpha.png");
    CHECK(grey_alpha->job->image.type() == CV_8UC4);
    auto grey = corpus_through("decode", "formats/jpeg_grey.jpg");
    CHECK(grey->job->image.type() == CV_8UC3);
    auto pfm = corpus_through("decode", "formats/pfm_float.pfm");
    CHECK(pfm->job->image.type() == CV_8UC3);
}

TEST_CASE("decode: unreadable files fail with a reason instead of a grey picture") {
    CHECK(failure_code("decode", "formats/gif_hopper.gif") == "no_decoder");
    CHECK(failure_code("decode", "formats/heic_unsupported.heic") == "no_decoder");
    CHECK(failure_code("decode", "bad/truncated_10000B.jpg") == "truncated");
    CHECK(failure_code("decode", "bad/truncated_progressive.jpg") == "truncated");
    CHECK(failure_code("decode", "bad/broken_data_stream.png") == "undecodable");
    CHECK(failure_code("decode", "bad/fuzz_libtiff_segfault.tif") == "undecodable");
}
