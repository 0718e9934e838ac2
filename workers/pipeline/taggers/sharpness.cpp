// Sharpness: variance of the Laplacian of the grey analysis picture. The analysis picture
// always has the same longer side (when the original is that large), so the score compares
// across photos of any resolution. Below the threshold the photo is tagged blurry.
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

double laplacian_variance(const cv::Mat& bgr) {
    cv::Mat grey, lap;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::Laplacian(grey, lap, CV_32F, 1);  // the 4-neighbour kernel
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    return stddev[0] * stddev[0];
}

void run(Job& job, const nlohmann::json& settings) {
    double score = laplacian_variance(job.analysis);
    job.tags["sharpness"] = {{"score", std::round(score * 10) / 10},
                             {"blurry", score < settings.at("blurry_below").get<double>()}};
}

}  // namespace

const Tagger sharpness{"sharpness", R"({"blurry_below": 100.0})", run};

}  // namespace fotogal::pipeline::taggers
