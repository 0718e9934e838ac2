#include <doctest/doctest.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "pipeline_support.hpp"
#include "workers/pipeline/saliency.hpp"
#include "workers/pipeline/smart_crop.hpp"

using fotogal::pipeline::choose_crop;
using fotogal::test::corpus_through;

namespace {

const cv::Mat& thumb(const fotogal::pipeline::Job& job) {
    for (const auto& r : job.renditions)
        if (r.spec->name == "thumb") return r.pixels;
    throw std::logic_error("no thumbnail");
}

// The largest face's box, as fractions of the picture.
cv::Rect2d largest_face(const fotogal::pipeline::Job& job) {
    REQUIRE_FALSE(job.faces.empty());
    return job.faces.front();
}

}  // namespace

TEST_CASE("thumbnail: the box is filled exactly, landscape or portrait") {
    for (const char* file : {"photos/exif_HMD_Nokia_8.3_5G.jpg", "photos/mei_Nexus_4.jpg",
                             "orientation/Portrait_6.jpg"}) {
        CAPTURE(file);
        auto staged = corpus_through("thumbnail", file);
        CHECK(thumb(*staged->job).size() == cv::Size(256, 256));
    }
}

TEST_CASE("thumbnail: the crop keeps the largest face of every photo of faces/") {
    for (const auto& e : std::filesystem::directory_iterator(fotogal::test::corpus_file("faces"))) {
        std::string file = "faces/" + e.path().filename().string();
        CAPTURE(file);
        auto staged = corpus_through("thumbnail", file);
        const auto& job = *staged->job;
        const auto& crop = job.crops.at("thumb");
        CHECK(crop.at("reason") == "faces");
        // The scaled picture the crop was cut from.
        double sw =
            job.oriented_width * std::max(256.0 / job.oriented_width, 256.0 / job.oriented_height);
        double sh =
            job.oriented_height * std::max(256.0 / job.oriented_width, 256.0 / job.oriented_height);
        if (sw > job.oriented_width) sw = job.oriented_width, sh = job.oriented_height;
        cv::Rect2d face = largest_face(job);
        cv::Rect2d in_scaled(face.x * sw, face.y * sh, face.width * sw, face.height * sh);
        cv::Rect2d window(crop.at("x"), crop.at("y"), crop.at("width"), crop.at("height"));
        // A collage of ~30 faces: any window cuts some; one whole face is kept at least.
        if (file == "faces/dlib_bald_guys.jpg") {
            bool whole = false;
            for (const auto& f : job.faces) {
                cv::Rect2d s(f.x * sw, f.y * sh, f.width * sw, f.height * sh);
                whole = whole || (s & window).area() >= 0.99 * s.area();
            }
            CHECK(whole);
            continue;
        }
        CHECK((in_scaled & window).area() >= 0.95 * in_scaled.area());
    }
}

TEST_CASE("thumbnail: a portrait whose face a centre crop would cut keeps it") {
    auto staged = corpus_through("thumbnail", "faces/fr_obama.jpg");  // 910x1137, face high
    const auto& job = *staged->job;
    double scaled_h = 1137.0 * 256 / 910;
    cv::Rect2d face = largest_face(job);
    double centre_y = (scaled_h - 256) / 2;
    REQUIRE(face.y * scaled_h < centre_y);  // the middle cut would lose the top of the head
    CHECK(job.crops.at("thumb").at("y").get<int>() <= face.y * scaled_h);
}

TEST_CASE("smart crop: saliency moves the window to the object, a plain picture stays centred") {
    // A plain grey field with one bright disc near the left edge.
    cv::Mat scene(300, 900, CV_8UC3, cv::Scalar(90, 100, 110));
    cv::circle(scene, {120, 150}, 60, cv::Scalar(30, 200, 250), cv::FILLED);
    auto choice = choose_crop({768, 256}, {256, 256}, {},
                              fotogal::pipeline::spectral_residual_saliency(scene));
    CHECK(choice.reason == "saliency");
    double disc_x = 120.0 / 900 * 768;
    CHECK(choice.rect.x <= disc_x);
    CHECK(choice.rect.x + 256 >= disc_x);

    cv::Mat plain(300, 900, CV_8UC3, cv::Scalar(90, 100, 110));
    auto centred = choose_crop({768, 256}, {256, 256}, {},
                               fotogal::pipeline::spectral_residual_saliency(plain));
    CHECK(centred.reason == "centre");
    CHECK(centred.rect.x == 256);
}

TEST_CASE("smart crop: faces win over saliency, and an uncut picture is left whole") {
    cv::Mat map(64, 192, CV_32F, cv::Scalar(0));
    map(cv::Rect(150, 0, 40, 64)).setTo(1);                   // salient on the right
    std::vector<cv::Rect2d> faces = {{0.05, 0.2, 0.1, 0.3}};  // a face on the left
    auto choice = choose_crop({768, 256}, {256, 256}, faces, map);
    CHECK(choice.reason == "faces");
    CHECK(choice.rect.x <= 0.05 * 768);
    CHECK(choose_crop({256, 256}, {256, 256}, faces, map).rect == cv::Rect(0, 0, 256, 256));
}

TEST_CASE("thumbnail: a picture smaller than the box is not upscaled") {
    auto staged = corpus_through("thumbnail", "formats/jpeg_progressive_peacock.jpeg");  // 100x75
    CHECK(thumb(*staged->job).size() == cv::Size(100, 75));
}
