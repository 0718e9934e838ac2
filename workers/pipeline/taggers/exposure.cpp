// Exposure from the luma histogram: dark or bright by the mean, clipped when too many pixels
// sit at pure black or pure white (detail lost there for good).
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

double round3(double v) {
    return std::round(v * 1000) / 1000;
}

void run(Job& job, const nlohmann::json& settings) {
    cv::Mat grey;
    cv::cvtColor(job.analysis, grey, cv::COLOR_BGR2GRAY);
    double n = static_cast<double>(grey.total());
    double mean = cv::mean(grey)[0];
    double shadows = cv::countNonZero(grey <= settings.at("black_level").get<int>()) / n;
    double highlights = cv::countNonZero(grey >= settings.at("white_level").get<int>()) / n;
    double clip = settings.at("clipped_fraction").get<double>();
    const char* level = mean < settings.at("dark_below").get<double>()     ? "dark"
                        : mean > settings.at("bright_above").get<double>() ? "bright"
                                                                           : "normal";
    job.tags["exposure"] = {{"level", level},
                            {"mean", round3(mean)},
                            {"shadows_clipped", round3(shadows)},
                            {"highlights_clipped", round3(highlights)},
                            {"clipped", shadows > clip || highlights > clip}};
}

}  // namespace

const Tagger exposure{"exposure", R"({"dark_below": 60.0, "bright_above": 190.0,
  "black_level": 4, "white_level": 251, "clipped_fraction": 0.05})",
                      run};

}  // namespace fotogal::pipeline::taggers
