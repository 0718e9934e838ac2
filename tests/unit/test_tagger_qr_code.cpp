#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "pipeline_support.hpp"
#include "tagger_support.hpp"

using fotogal::test::run_tagger;
namespace taggers = fotogal::pipeline::taggers;

// The corpus has no QR code, so one is made with OpenCV's encoder and pasted onto a photo.
TEST_CASE("tagger qr code: a QR code on a photo is read, a photo without one gives none") {
    auto encoder = cv::QRCodeEncoder::create();
    cv::Mat code, big, code_bgr;
    encoder->encode("https://example.org/fotogal?id=42", code);
    REQUIRE_FALSE(code.empty());
    cv::resize(code, big, {}, 6, 6, cv::INTER_NEAREST);
    cv::copyMakeBorder(big, big, 24, 24, 24, 24, cv::BORDER_CONSTANT, cv::Scalar(255));
    cv::cvtColor(big, code_bgr, cv::COLOR_GRAY2BGR);
    cv::Mat photo = fotogal::test::corpus_through("analysis", "photos/mei_Nikon_D90.jpg")
                        ->job->analysis.clone();
    REQUIRE(photo.cols > code_bgr.cols + 40);
    REQUIRE(photo.rows > code_bgr.rows + 20);
    code_bgr.copyTo(photo(cv::Rect(40, 10, code_bgr.cols, code_bgr.rows)));
    CHECK(run_tagger(taggers::qr_code, photo) ==
          nlohmann::json::array({"https://example.org/fotogal?id=42"}));
    CHECK(fotogal::test::corpus_through("tags", "photos/mei_Nikon_D90.jpg")
              ->job->tags.at("qr_code")
              .empty());
}
