#include <doctest/doctest.h>

#include "pipeline_support.hpp"

using fotogal::test::failure_code;

TEST_CASE("limits: decompression bombs are refused from the header, before any decode") {
    for (const char* bomb : {"bad/bomb_png_65536x65536.png", "bad/bomb_png_16384x16384.png",
                             "bad/bomb_bmp_3000000x2000000.bmp", "bad/bomb_gif.gif",
                             "bad/huge_jpeg_20000x14000.jpg"}) {
        CAPTURE(bomb);
        CHECK(failure_code("limits", bomb) == "too_many_pixels");
    }
}

TEST_CASE("limits: the recipe's byte and pixel limits apply") {
    auto recipe = fotogal::pipeline::default_recipe();
    CHECK(failure_code("limits", "photos/exif_gps_DSCN0010.jpg", recipe).empty());
    recipe.limits.max_bytes = 1000;
    CHECK(failure_code("limits", "photos/exif_gps_DSCN0010.jpg", recipe) == "too_large");
    recipe = fotogal::pipeline::default_recipe();
    recipe.limits.max_pixels = 640 * 480 - 1;  // the photo is exactly 640x480
    CHECK(failure_code("limits", "photos/exif_gps_DSCN0010.jpg", recipe) == "too_many_pixels");
    recipe.limits.max_pixels = 640 * 480;
    CHECK(failure_code("limits", "photos/exif_gps_DSCN0010.jpg", recipe).empty());
}
