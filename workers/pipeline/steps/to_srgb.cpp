#include <opencv2/imgproc.hpp>

#include "workers/pipeline/icc_transform.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

namespace {

// Floating-point pictures (PFM, Radiance HDR, float TIFF) are linear light with 1.0 = white;
// values above clip, as they would on a screen.
cv::Mat float_to_8bit(const cv::Mat& m) {
    cv::Mat out;
    m.convertTo(out, CV_8U, 255.0);
    return out;
}

// CMYK without a profile: the naive complement, as a browser shows such a file.
cv::Mat naive_cmyk_to_bgr(const cv::Mat& cmyk, bool inverted) {
    cv::Mat bgr(cmyk.size(), CV_8UC3);
    for (int y = 0; y < cmyk.rows; ++y) {
        const auto* in = cmyk.ptr<cv::Vec4b>(y);
        auto* out = bgr.ptr<cv::Vec3b>(y);
        for (int x = 0; x < cmyk.cols; ++x) {
            int c = in[x][0], m = in[x][1], ye = in[x][2], k = in[x][3];
            if (!inverted) c = 255 - c, m = 255 - m, ye = 255 - ye, k = 255 - k;
            out[x] = cv::Vec3b(static_cast<uchar>((ye * k + 127) / 255),
                               static_cast<uchar>((m * k + 127) / 255),
                               static_cast<uchar>((c * k + 127) / 255));
        }
    }
    return bgr;
}

// Without a usable profile: 8-bit, grey and grey + alpha spread to BGR(A).
cv::Mat plain_to_bgr(cv::Mat m, const ColourInfo& colour) {
    if (colour.model == ColourModel::cmyk) {
        if (m.depth() != CV_8U) m.convertTo(m, CV_8U, 1.0 / 257.0);
        return naive_cmyk_to_bgr(m, colour.cmyk_inverted);
    }
    if (m.depth() == CV_16U)
        m.convertTo(m, CV_8U, 1.0 / 257.0);
    else if (m.depth() == CV_32F || m.depth() == CV_64F)
        m = float_to_8bit(m);
    else if (m.depth() != CV_8U)
        m.convertTo(m, CV_8U);
    if (m.channels() == 1) cv::cvtColor(m, m, cv::COLOR_GRAY2BGR);
    if (m.channels() == 2) {  // grey + alpha
        std::vector<cv::Mat> planes;
        cv::split(m, planes);
        cv::merge(std::vector<cv::Mat>{planes[0], planes[0], planes[0], planes[1]}, m);
    }
    return m;
}

}  // namespace

// Every later step (resize, tags, encode) sees 8-bit sRGB BGR or BGRA.
void to_srgb(Job& job) {
    const ColourInfo& colour = job.colour;
    std::string applied = "none";
    if (!colour.icc_profile.empty()) {
        cv::Mat converted;
        std::string problem;
        switch (icc_to_srgb(job.image, colour, converted, problem)) {
            case IccOutcome::converted:
                job.image = std::move(converted);
                applied = "icc";
                break;
            case IccOutcome::already_srgb:
                applied = "srgb_profile";
                break;
            case IccOutcome::unusable:
                job.warnings.push_back(problem);
                break;
        }
    }
    if (applied != "icc") job.image = plain_to_bgr(std::move(job.image), colour);
    if (applied == "none" && colour.model == ColourModel::cmyk) applied = "naive_cmyk";
    job.metadata["colour_management"] = {{"model", colour.model == ColourModel::cmyk   ? "cmyk"
                                                   : colour.model == ColourModel::grey ? "grey"
                                                                                       : "rgb"},
                                         {"icc_profile_bytes", colour.icc_profile.size()},
                                         {"conversion", applied}};
}

}  // namespace fotogal::pipeline::steps
