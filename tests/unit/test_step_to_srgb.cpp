#include <doctest/doctest.h>

#include <opencv2/imgcodecs.hpp>

#include "image_compare.hpp"
#include "pipeline_support.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"
#include "workers/pipeline/steps/steps.hpp"

using fotogal::test::corpus_file;
using fotogal::test::corpus_through;

namespace {

// The oracle: libvips converts the file to sRGB through its embedded profile (or its
// built-in CMYK profile), then we apply the same EXIF orientation check by size only.
cv::Mat vips_srgb(const std::string& relative, const char* intent = "relative") {
    fotogal::test::TempDir dir;
    auto out = (dir.path() / "ref.png").string();
    auto r = fotogal::test::run_program({"vips", "icc_transform", corpus_file(relative).string(),
                                         out, "srgb", "--embedded", "--intent", intent});
    REQUIRE_MESSAGE(r.exit_code == 0, "vips failed on " << relative);
    cv::Mat m = cv::imread(out, cv::IMREAD_COLOR);
    REQUIRE_FALSE(m.empty());
    return m;
}

cv::Mat ours(const std::string& relative) {
    // Through to_srgb, but without the EXIF rotation so the oracle's pixels line up.
    auto staged = corpus_through("decode", relative);
    auto& job = *staged->job;
    job.orientation = 1;
    fotogal::pipeline::steps::to_srgb(job);
    cv::Mat bgr = job.image;
    if (bgr.channels() == 4) cv::cvtColor(bgr, bgr, cv::COLOR_BGRA2BGR);
    return bgr;
}

}  // namespace

TEST_CASE("to_srgb: everything becomes 8-bit BGR or BGRA") {
    struct Case {
        const char* file;
        int type;
    };
    for (auto [file, type] :
         {Case{"formats/png16_rgb_vips_sample.png", CV_8UC3},
          Case{"formats/png8_grey_alpha.png", CV_8UC4},
          Case{"formats/png16_grey_alpha.png", CV_8UC4}, Case{"formats/jpeg_grey.jpg", CV_8UC3},
          Case{"formats/jpeg_cmyk_adobe.jpg", CV_8UC3}, Case{"formats/tiff16_rgb.tif", CV_8UC3},
          Case{"formats/pfm_float.pfm", CV_8UC3}, Case{"formats/radiance.hdr", CV_8UC3},
          Case{"formats/gif_transparent.gif", CV_8UC4},
          Case{"formats/pgm_p5_16bit.pgm", CV_8UC3}}) {
        CAPTURE(file);
        auto staged = corpus_through("to_srgb", file);
        CHECK(staged->job->image.type() == type);
    }
}

TEST_CASE("to_srgb: ICC and CMYK files match libvips' rendering within a small colour error") {
    struct Case {
        const char* file;
        const char* intent;
    };
    // Profiles with perceptual tables only (a colour-space profile with just A2B0, jpegli's
    // XYB profile): libvips asked for "relative" would pass their pixels through unconverted.
    for (auto [file, intent] : {Case{"formats/jpeg_cmyk_swop_icc.jpg", "relative"},
                                Case{"formats/jpeg_icc_adobergb.jpg", "relative"},
                                Case{"formats/jpeg_icc_big_multisegment.jpg", "perceptual"},
                                Case{"formats/jpeg_grey_icc.jpg", "relative"},
                                Case{"formats/jpeg_xyb_icc.jpg", "perceptual"},
                                Case{"formats/png_iccp.png", "relative"}}) {
        std::string name = file;
        CAPTURE(name);
        cv::Mat reference = vips_srgb(file, intent), mine = ours(file);
        REQUIRE(mine.size() == reference.size());
        // Mean CIE76 delta E; about 2.3 is a just noticeable difference.
        double de = fotogal::test::mean_delta_e(mine, reference);
        CAPTURE(de);
        CHECK(de < 2.0);
    }
}

TEST_CASE("to_srgb: the bound above tells a skipped conversion apart") {
    // Reading the Adobe RGB and CMYK files' numbers as if they were sRGB is visibly off.
    auto staged = corpus_through("decode", "formats/jpeg_cmyk_swop_icc.jpg");
    auto& job = *staged->job;
    job.colour.icc_profile.clear();  // naive CMYK instead of the SWOP profile
    fotogal::pipeline::steps::to_srgb(job);
    double de = fotogal::test::mean_delta_e(job.image, vips_srgb("formats/jpeg_cmyk_swop_icc.jpg"));
    CHECK(de > 4.0);
}
