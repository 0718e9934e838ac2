#include <doctest/doctest.h>

#include "pipeline_support.hpp"

using fotogal::formats::ImageFormat;
using fotogal::test::corpus_through;
using fotogal::test::failure_code;

TEST_CASE("sniff: the format comes from the bytes, not the file name") {
    CHECK(corpus_through("sniff", "photos/mei_Nikon_D90.jpg")->job->header->format ==
          ImageFormat::jpeg);
    CHECK(corpus_through("sniff", "bad/wrongext-jpeg-named.png")->job->header->format ==
          ImageFormat::jpeg);
    CHECK(corpus_through("sniff", "bad/wrongext-webp-named.jpg")->job->header->format ==
          ImageFormat::webp);
}

TEST_CASE("sniff: empty, unknown and broken headers are refused with their own codes") {
    CHECK(failure_code("sniff", "bad/zero-byte.jpg") == "empty");
    CHECK(failure_code("sniff", "bad/gzip-data.png") == "unsupported_format");
    CHECK(failure_code("sniff", "bad/bytes-0-255.jpg") == "unsupported_format");
    CHECK(failure_code("sniff", "bad/negative_size.ppm") == "invalid_header");
}
