// Colourfulness after Hasler and Süsstrunk (2003): spread and mean of the opponent channels
// rg = R - G and yb = (R + G) / 2 - B. A photo whose opponent channels barely vary is
// monochrome: greyscale, and also a grey picture under a colour cast (its mean is off, not
// its spread), so the flag uses the spread alone.
#include <cmath>
#include <opencv2/core.hpp>

#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

void run(Job& job, const nlohmann::json& settings) {
    cv::Mat f;
    job.analysis.convertTo(f, CV_32F);
    std::vector<cv::Mat> bgr;
    cv::split(f, bgr);
    cv::Mat rg = bgr[2] - bgr[1];
    cv::Mat yb = 0.5 * (bgr[2] + bgr[1]) - bgr[0];
    cv::Scalar m_rg, s_rg, m_yb, s_yb;
    cv::meanStdDev(rg, m_rg, s_rg);
    cv::meanStdDev(yb, m_yb, s_yb);
    double spread = std::hypot(s_rg[0], s_yb[0]);
    double score = spread + 0.3 * std::hypot(m_rg[0], m_yb[0]);
    job.tags["colourfulness"] = {
        {"score", std::round(score * 10) / 10},
        {"monochrome", spread < settings.at("monochrome_below").get<double>()}};
}

}  // namespace

const Tagger colourfulness{"colourfulness", R"({"monochrome_below": 6.0})", run};

}  // namespace fotogal::pipeline::taggers
