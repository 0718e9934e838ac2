// Dominant colours: k-means in CIE Lab on a small copy of the picture, each cluster named
// after the nearest of a few everyday colour names. Lab, because distances there follow
// what people see; deterministic start (clusters seeded by lightness), so the same photo
// always gets the same palette.
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

struct NamedColour {
    const char* name;
    int r, g, b;
};

constexpr NamedColour kNames[] = {
    {"black", 0, 0, 0},          {"dark grey", 64, 64, 64},
    {"grey", 128, 128, 128},     {"light grey", 192, 192, 192},
    {"white", 255, 255, 255},    {"red", 200, 30, 30},
    {"maroon", 120, 20, 20},     {"orange", 240, 130, 30},
    {"yellow", 240, 220, 40},    {"olive", 120, 120, 20},
    {"green", 50, 160, 50},      {"dark green", 20, 80, 30},
    {"teal", 0, 128, 128},       {"cyan", 60, 210, 220},
    {"sky blue", 135, 195, 235}, {"blue", 30, 70, 200},
    {"navy", 20, 25, 100},       {"purple", 120, 50, 150},
    {"magenta", 210, 40, 180},   {"pink", 240, 160, 185},
    {"brown", 120, 75, 40},      {"tan", 205, 175, 135},
};

cv::Vec3f to_lab(int r, int g, int b) {
    cv::Mat px(1, 1, CV_32FC3, cv::Scalar(b / 255.0, g / 255.0, r / 255.0)), lab;
    cv::cvtColor(px, lab, cv::COLOR_BGR2Lab);
    return lab.at<cv::Vec3f>(0, 0);
}

const char* nearest_name(const cv::Vec3f& lab) {
    static const std::vector<cv::Vec3f> kLab = [] {
        std::vector<cv::Vec3f> v;
        for (const auto& c : kNames) v.push_back(to_lab(c.r, c.g, c.b));
        return v;
    }();
    std::size_t best = 0;
    for (std::size_t i = 1; i < kLab.size(); ++i)
        if (cv::norm(lab - kLab[i]) < cv::norm(lab - kLab[best])) best = i;
    return kNames[best].name;
}

void run(Job& job, const nlohmann::json& settings) {
    int k = std::clamp(settings.at("count").get<int>(), 1, 12);
    double min_share = settings.at("min_share").get<double>();
    cv::Mat small, lab;
    cv::resize(job.analysis, small, fit_longest_side(job.analysis.size(), 64), 0, 0,
               cv::INTER_AREA);
    small.convertTo(small, CV_32F, 1.0 / 255);
    cv::cvtColor(small, lab, cv::COLOR_BGR2Lab);
    cv::Mat samples = lab.reshape(1, static_cast<int>(lab.total()));
    // Too few pixels to split (a 1x1 image, say): one cluster, no k-means.
    if (samples.rows < 4 * k) k = 1;
    // Seed: k groups of equal size by lightness.
    std::vector<int> order(samples.rows);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return samples.at<float>(a, 0) < samples.at<float>(b, 0);
    });
    cv::Mat labels(samples.rows, 1, CV_32S);
    for (int i = 0; i < samples.rows; ++i)
        labels.at<int>(order[i]) = static_cast<int>(static_cast<long>(i) * k / samples.rows);
    cv::Mat centres;
    if (k == 1) {
        cv::reduce(samples, centres, 0, cv::REDUCE_AVG);
        labels.setTo(0);
    } else {
        cv::kmeans(samples, k, labels, {cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 20, 0.5},
                   1, cv::KMEANS_USE_INITIAL_LABELS, centres);
    }
    std::vector<int> counts(k, 0);
    for (int i = 0; i < labels.rows; ++i) ++counts[labels.at<int>(i)];
    std::vector<int> clusters(k);
    std::iota(clusters.begin(), clusters.end(), 0);
    std::stable_sort(clusters.begin(), clusters.end(),
                     [&](int a, int b) { return counts[a] > counts[b]; });
    nlohmann::json palette = nlohmann::json::array();
    for (int c : clusters) {
        double share = static_cast<double>(counts[c]) / samples.rows;
        if (share < min_share) continue;
        cv::Vec3f centre(centres.at<float>(c, 0), centres.at<float>(c, 1), centres.at<float>(c, 2));
        cv::Mat px(1, 1, CV_32FC3, cv::Scalar(centre[0], centre[1], centre[2])), bgr;
        cv::cvtColor(px, bgr, cv::COLOR_Lab2BGR);
        cv::Vec3f v = bgr.at<cv::Vec3f>(0, 0);
        auto byte = [](float x) {
            return std::clamp(static_cast<int>(std::lround(x * 255)), 0, 255);
        };
        char hex[8];
        std::snprintf(hex, sizeof hex, "#%02x%02x%02x", byte(v[2]), byte(v[1]), byte(v[0]));
        palette.push_back({{"hex", hex},
                           {"name", nearest_name(centre)},
                           {"share", std::round(share * 1000) / 1000}});
    }
    job.tags["dominant_colours"] = std::move(palette);
}

}  // namespace

const Tagger dominant_colours{"dominant_colours", R"({"count": 5, "min_share": 0.05})", run};

}  // namespace fotogal::pipeline::taggers
