#include <doctest/doctest.h>

#include <opencv2/imgcodecs.hpp>

#include "pipeline_support.hpp"
#include "workers/pipeline/decoders/decoder.hpp"

using fotogal::test::corpus_through;

namespace {

const fotogal::pipeline::Output& output(const fotogal::pipeline::Job& job, const std::string& n) {
    for (const auto& o : job.outputs)
        if (o.name == n) return o;
    throw std::logic_error("no output " + n);
}

cv::Mat decode(const fotogal::pipeline::Output& o) {
    return cv::imdecode(o.bytes, cv::IMREAD_UNCHANGED);
}

}  // namespace

TEST_CASE("encode: every rendition becomes a file of its recorded size, without EXIF") {
    auto staged = corpus_through("encode", "photos/exif_gps_DSCN0010.jpg");
    REQUIRE(staged->job->outputs.size() == staged->recipe.renditions.size());
    for (const auto& o : staged->job->outputs) {
        CAPTURE(o.name);
        CHECK(o.format == "jpeg");
        CHECK(o.media_type == "image/jpeg");
        cv::Mat m = decode(o);
        CHECK(m.cols == o.width);
        CHECK(m.rows == o.height);
        std::string bytes(o.bytes.begin(), o.bytes.end());
        CHECK(bytes.find(std::string("Exif\0\0", 6)) == std::string::npos);
    }
}

TEST_CASE("encode: transparency is flattened on white for JPEG and kept by auto") {
    auto recipe = fotogal::pipeline::default_recipe();
    recipe.renditions[1].format = fotogal::pipeline::OutputFormat::automatic;
    recipe.renditions[2].format = fotogal::pipeline::OutputFormat::png;
    auto staged = corpus_through("encode", "formats/png8_rgba_transparent.png", recipe);
    const auto& job = *staged->job;
    cv::Mat jpeg = decode(output(job, recipe.renditions[0].name));
    CHECK(jpeg.channels() == 3);
    cv::Mat webp = decode(output(job, recipe.renditions[1].name));
    CHECK(output(job, recipe.renditions[1].name).format == "webp");
    CHECK(webp.channels() == 4);
    cv::Mat png = decode(output(job, recipe.renditions[2].name));
    CHECK(output(job, recipe.renditions[2].name).extension == "png");
    REQUIRE(png.channels() == 4);
    // Where the PNG is fully transparent, the JPEG shows white.
    bool found = false;
    for (int y = 0; y < png.rows && !found; ++y)
        for (int x = 0; x < png.cols && !found; ++x)
            if (png.at<cv::Vec4b>(y, x)[3] == 0) {
                found = true;
                cv::Vec3b p = jpeg.at<cv::Vec3b>(y, x);
                CHECK(p[0] > 240);
                CHECK(p[1] > 240);
                CHECK(p[2] > 240);
            }
    CHECK(found);
}

TEST_CASE("encode: an avif rendition is an AVIF file of its recorded size") {
    auto recipe = fotogal::pipeline::default_recipe();
    recipe.renditions[2].format = fotogal::pipeline::OutputFormat::avif;
    auto staged = corpus_through("encode", "photos/exif_gps_DSCN0010.jpg", recipe);
    const auto& o = output(*staged->job, recipe.renditions[2].name);
    CHECK(o.format == "avif");
    CHECK(o.extension == "avif");
    CHECK(o.media_type == "image/avif");
    cv::Mat m = fotogal::pipeline::decode_heif(o.bytes, {0, 0, 0}).pixels;
    CHECK(m.cols == o.width);
    CHECK(m.rows == o.height);
}
