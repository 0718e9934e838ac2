// ingest/upload_validation.hpp against real files from the shared corpus: what ingest accepts,
// and the status and code it answers for everything it refuses (DESIGN.md §7).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "../corpus.hpp"
#include "ingest/upload_validation.hpp"

namespace {

using fotogal::formats::ImageFormat;
using fotogal::formats::ImageHeader;
using fotogal::ingest::ApiError;
using fotogal::ingest::UploadLimits;
using fotogal::ingest::validate_upload;
using fotogal::test::read_corpus;

fotogal::ingest::Validation validate(const std::string& corpus_path,
                                     const UploadLimits& limits = {}) {
    std::vector<std::uint8_t> body = read_corpus(corpus_path);
    return validate_upload(body, limits);
}

// Checks that `v` is an ApiError with this status and code and a message a user can read.
void check_error(const fotogal::ingest::Validation& v, int status, const std::string& code) {
    REQUIRE(std::holds_alternative<ApiError>(v));
    const ApiError& e = std::get<ApiError>(v);
    CHECK(e.status == status);
    CHECK(e.code == code);
    CHECK_FALSE(e.message.empty());
}

}  // namespace

TEST_CASE("upload validation: real photos are accepted with their format and size") {
    struct Case {
        const char* path;
        ImageFormat format;
        std::uint32_t width, height;
    };
    const Case cases[] = {
        {"photos/exif_gps_DSCN0010.jpg", ImageFormat::jpeg, 640, 480},
        {"photos/mei_Nikon_D90.jpg", ImageFormat::jpeg, 4288, 2848},
        {"formats/png8_rgb_hibiscus.png", ImageFormat::png, 312, 442},
        {"formats/gif_hopper.gif", ImageFormat::gif, 128, 128},
        // Named .jpg, but the bytes are WebP: the signature decides.
        {"bad/wrongext-webp-named.jpg", ImageFormat::webp, 312, 442},
        // 99.6 megapixels: just under the default 100 Mpx limit.
        {"bad/huge_jpeg_9643x10328.jpg", ImageFormat::jpeg, 9643, 10328},
    };
    for (const auto& c : cases) {
        CAPTURE(c.path);
        auto v = validate(c.path);
        REQUIRE(std::holds_alternative<ImageHeader>(v));
        const ImageHeader& h = std::get<ImageHeader>(v);
        CHECK(h.format == c.format);
        CHECK(h.width == c.width);
        CHECK(h.height == c.height);
    }
}

TEST_CASE("upload validation: an empty body is 400 empty_body") {
    std::vector<std::uint8_t> empty;
    check_error(validate_upload(empty, {}), 400, "empty_body");
    check_error(validate("bad/zero-byte.jpg"), 400, "empty_body");
}

TEST_CASE("upload validation: a body over max_bytes is 413 too_large, one at the limit is not") {
    std::vector<std::uint8_t> photo = read_corpus("photos/exif_gps_DSCN0010.jpg");
    UploadLimits limits;
    limits.max_bytes = photo.size() - 1;
    check_error(validate_upload(photo, limits), 413, "too_large");
    CHECK(std::get<ApiError>(validate_upload(photo, limits))
              .message.find(std::to_string(limits.max_bytes)) != std::string::npos);

    limits.max_bytes = photo.size();
    CHECK(std::holds_alternative<ImageHeader>(validate_upload(photo, limits)));

    // The size check comes before any look at the bytes.
    std::vector<std::uint8_t> junk(101, 0x42);
    limits.max_bytes = 100;
    check_error(validate_upload(junk, limits), 413, "too_large");
}

TEST_CASE("upload validation: bytes that are no known image are 415 unsupported_format") {
    for (const char* path : {"bad/gzip-data.png", "bad/bytes-0-255.jpg", "bad/one-byte.jpg"}) {
        CAPTURE(path);
        check_error(validate(path), 415, "unsupported_format");
    }
    std::string text = "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
    std::vector<std::uint8_t> svg(text.begin(), text.end());
    check_error(validate_upload(svg, {}), 415, "unsupported_format");
}

TEST_CASE("upload validation: a header that cannot be believed is 422 invalid_header") {
    for (const char* path : {"bad/negative_size.ppm", "bad/corrupt_header.jpg"}) {
        CAPTURE(path);
        check_error(validate(path), 422, "invalid_header");
    }
}

TEST_CASE("upload validation: decompression bombs are 422 too_many_pixels by default") {
    for (const char* path : {"bad/bomb_png_65536x65536.png", "bad/bomb_png_16384x16384.png",
                             "bad/bomb_bmp_3000000x2000000.bmp", "bad/bomb_gif.gif",
                             "bad/huge_jpeg_20000x14000.jpg"}) {
        CAPTURE(path);
        auto v = validate(path);
        check_error(v, 422, "too_many_pixels");
        if (const auto* e = std::get_if<ApiError>(&v))
            CHECK(e->message.find("100000000") != std::string::npos);
    }
    // The message names the declared size.
    auto v = validate("bad/huge_jpeg_20000x14000.jpg");
    REQUIRE(std::holds_alternative<ApiError>(v));
    CHECK(std::get<ApiError>(v).message.find("20000x14000") != std::string::npos);
}

TEST_CASE("upload validation: the pixel limit is configurable and inclusive") {
    UploadLimits limits;
    limits.max_pixels = 640 * 480;
    CHECK(std::holds_alternative<ImageHeader>(validate("photos/exif_gps_DSCN0010.jpg", limits)));
    limits.max_pixels = 640 * 480 - 1;
    check_error(validate("photos/exif_gps_DSCN0010.jpg", limits), 422, "too_many_pixels");

    limits.max_pixels = 20000ull * 14000;
    CHECK(std::holds_alternative<ImageHeader>(validate("bad/huge_jpeg_20000x14000.jpg", limits)));
    limits.max_pixels = 9643ull * 10328 - 1;
    check_error(validate("bad/huge_jpeg_9643x10328.jpg", limits), 422, "too_many_pixels");
}
