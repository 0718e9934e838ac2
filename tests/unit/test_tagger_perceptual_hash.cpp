#include <doctest/doctest.h>

#include <bitset>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "pipeline_support.hpp"
#include "tagger_support.hpp"

using fotogal::test::run_tagger;
namespace taggers = fotogal::pipeline::taggers;

namespace {

int distance(const nlohmann::json& a, const nlohmann::json& b) {
    auto bits = std::stoull(a.get<std::string>(), nullptr, 16) ^
                std::stoull(b.get<std::string>(), nullptr, 16);
    return static_cast<int>(std::bitset<64>(bits).count());
}

cv::Mat analysis_of(const std::string& file) {
    return fotogal::test::corpus_through("analysis", file)->job->analysis;
}

}  // namespace

TEST_CASE("tagger perceptual hash: 16 hex digits, stable under resizing and recompression") {
    cv::Mat photo = analysis_of("photos/mei_Nikon_D90.jpg");
    auto hash = run_tagger(taggers::perceptual_hash, photo);
    REQUIRE(hash.get<std::string>().size() == 16);
    cv::Mat smaller, recompressed;
    cv::resize(photo, smaller, {}, 0.4, 0.4, cv::INTER_AREA);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", photo, jpeg, {cv::IMWRITE_JPEG_QUALITY, 40});
    recompressed = cv::imdecode(jpeg, cv::IMREAD_COLOR);
    CHECK(distance(hash, run_tagger(taggers::perceptual_hash, smaller)) <= 4);
    CHECK(distance(hash, run_tagger(taggers::perceptual_hash, recompressed)) <= 4);
}

TEST_CASE("tagger perceptual hash: different photos are far apart") {
    const char* files[] = {"photos/mei_Nikon_D90.jpg", "photos/mei_HTC_One.jpg",
                           "photos/exif_jolla.jpg", "faces/fr_obama.jpg",
                           "orientation/Landscape_1.jpg"};
    std::vector<nlohmann::json> hashes;
    for (const char* f : files)
        hashes.push_back(run_tagger(taggers::perceptual_hash, analysis_of(f)));
    for (std::size_t i = 0; i < hashes.size(); ++i)
        for (std::size_t j = i + 1; j < hashes.size(); ++j) {
            CAPTURE(files[i]);
            CAPTURE(files[j]);
            CHECK(distance(hashes[i], hashes[j]) >= 16);
        }
}

TEST_CASE("tagger perceptual hash: the same picture whatever its stored orientation") {
    auto a = fotogal::test::corpus_through("tags", "orientation/Landscape_1.jpg")->job->tags;
    auto b = fotogal::test::corpus_through("tags", "orientation/Landscape_6.jpg")->job->tags;
    CHECK(distance(a.at("perceptual_hash"), b.at("perceptual_hash")) <= 4);
}
