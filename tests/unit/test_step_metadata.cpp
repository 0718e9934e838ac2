#include <doctest/doctest.h>

#include "pipeline_support.hpp"

using fotogal::test::corpus_through;

TEST_CASE("metadata: EXIF orientation is read, invalid values count as 1") {
    for (int n = 0; n <= 8; ++n) {
        std::string file = "orientation/Landscape_" + std::to_string(n) + ".jpg";
        CAPTURE(file);
        auto staged = corpus_through("metadata", file);
        CHECK(staged->job->orientation == (n == 0 ? 1 : n));
        // Whatever is stored, the picture is meant to be seen 1800x1200.
        CHECK(staged->job->oriented_width == 1800);
        CHECK(staged->job->oriented_height == 1200);
    }
}

TEST_CASE("metadata: EXIF is found in WebP as well as JPEG, and files without it are upright") {
    CHECK(corpus_through("metadata", "formats/webp_exif_orientation_6.webp")->job->orientation ==
          6);
    CHECK(corpus_through("metadata", "formats/png8_rgba.png")->job->orientation == 1);
}

TEST_CASE("metadata: camera facts go into the manifest's metadata") {
    auto staged = corpus_through("metadata", "photos/mei_Nikon_D90.jpg");
    const auto& exif = staged->job->metadata.at("exif");
    CHECK(exif.at("make").get<std::string>().find("NIKON") != std::string::npos);
    CHECK(exif.at("model").get<std::string>().find("D90") != std::string::npos);
    CHECK(exif.contains("taken_at"));
}
