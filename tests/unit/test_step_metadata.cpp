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
    const auto& meta = staged->job->metadata;
    CHECK(meta.at("camera").at("make").get<std::string>().find("NIKON") != std::string::npos);
    CHECK(meta.at("camera").at("model").get<std::string>().find("D90") != std::string::npos);
    std::string taken = meta.at("taken_at");
    CHECK(taken.size() >= 19);
    CHECK(taken[4] == '-');
    CHECK(taken[10] == 'T');
    const auto& exposure = meta.at("exposure");
    CHECK(exposure.at("exposure_time_s").get<double>() > 0);
    CHECK(exposure.at("exposure_time_s").get<double>() < 30);
    CHECK(exposure.at("f_number").get<double>() >= 1);
    CHECK(exposure.at("iso").get<int>() >= 50);
    CHECK(exposure.at("focal_length_mm").get<double>() > 0);
    CHECK_FALSE(meta.contains("gps"));
}

TEST_CASE("metadata: GPS position as signed decimal degrees and metres") {
    auto staged = corpus_through("metadata", "photos/exif_gps_DSCN0010.jpg");
    const auto& gps = staged->job->metadata.at("gps");
    // The gaia-gis sample was taken in Tuscany: about 43.47 N, 11.88 E.
    CHECK(gps.at("latitude").get<double>() == doctest::Approx(43.47).epsilon(0.01));
    CHECK(gps.at("longitude").get<double>() == doctest::Approx(11.88).epsilon(0.01));
    CHECK(staged->job->metadata.at("camera").at("model").get<std::string>().find("P6000") !=
          std::string::npos);
}
