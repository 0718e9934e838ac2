#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "pipeline_support.hpp"
#include "workers/pipeline/steps/steps.hpp"

using fotogal::test::corpus_through;

namespace {

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    cv::Scalar m = cv::mean(diff);
    return (m[0] + m[1] + m[2]) / 3.0;
}

// Orients a 2x3 picture whose six pixels are numbered, as stored with EXIF value n.
cv::Mat orient_numbered(int n) {
    auto recipe = fotogal::pipeline::default_recipe();
    std::vector<std::uint8_t> none;
    fotogal::pipeline::Job job(none, recipe);
    job.image = (cv::Mat_<uchar>(2, 3) << 1, 2, 3, 4, 5, 6);
    job.orientation = n;
    bool swaps = n >= 5;
    job.oriented_width = swaps ? 2 : 3;
    job.oriented_height = swaps ? 3 : 2;
    fotogal::pipeline::steps::orient(job);
    return job.image;
}

}  // namespace

TEST_CASE("orient: each EXIF value maps the stored pixels as the TIFF/EXIF spec says") {
    // The upright picture is always 1 2 3 / 4 5 6; what is stored differs per value.
    // Here we feed the stored picture 1 2 3 / 4 5 6 and check where its pixels land.
    auto rows = [](const cv::Mat& m) {
        std::vector<int> v;
        for (int y = 0; y < m.rows; ++y)
            for (int x = 0; x < m.cols; ++x) v.push_back(m.at<uchar>(y, x));
        return v;
    };
    CHECK(rows(orient_numbered(1)) == std::vector<int>{1, 2, 3, 4, 5, 6});
    CHECK(rows(orient_numbered(2)) == std::vector<int>{3, 2, 1, 6, 5, 4});
    CHECK(rows(orient_numbered(3)) == std::vector<int>{6, 5, 4, 3, 2, 1});
    CHECK(rows(orient_numbered(4)) == std::vector<int>{4, 5, 6, 1, 2, 3});
    CHECK(rows(orient_numbered(5)) == std::vector<int>{1, 4, 2, 5, 3, 6});
    CHECK(rows(orient_numbered(6)) == std::vector<int>{4, 1, 5, 2, 6, 3});
    CHECK(rows(orient_numbered(7)) == std::vector<int>{6, 3, 5, 2, 4, 1});
    CHECK(rows(orient_numbered(8)) == std::vector<int>{3, 6, 2, 5, 1, 4});
}

TEST_CASE("orient: every orientation of the real photos comes out like the _1 image") {
    for (std::string kind : {"Landscape", "Portrait"}) {
        auto reference = corpus_through("orient", "orientation/" + kind + "_1.jpg");
        cv::Mat expected;
        cv::resize(reference->job->image, expected, {}, 0.25, 0.25, cv::INTER_AREA);
        for (int n : {0, 2, 3, 4, 5, 6, 7, 8}) {
            std::string file = "orientation/" + kind + "_" + std::to_string(n) + ".jpg";
            CAPTURE(file);
            auto staged = corpus_through("orient", file);
            REQUIRE(staged->job->image.size() == reference->job->image.size());
            cv::Mat actual;
            cv::resize(staged->job->image, actual, {}, 0.25, 0.25, cv::INTER_AREA);
            CHECK(mean_abs_diff(actual, expected) < 4.0);
        }
        cv::Mat mirrored;
        cv::flip(expected, mirrored, 1);
        CHECK(mean_abs_diff(mirrored, expected) > 12.0);  // the bound can see a mistake
    }
}
