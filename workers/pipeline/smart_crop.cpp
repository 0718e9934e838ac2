#include "workers/pipeline/smart_crop.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fotogal::pipeline {

namespace {

// One axis at a time: a cover crop only ever cuts along the axis the picture overflows.
struct Axis {
    int scaled;  // length of the scaled picture
    int box;     // length of the crop
    int free() const { return scaled - box; }
    int centre() const { return free() / 2; }
};

double overlap(double a0, double a1, double b0, double b1) {
    return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

// The offset along an axis that keeps the most whole-face area inside; ties go to the offset
// nearest the faces' middle, so one small face ends up centred rather than at an edge.
int place_on_faces(const Axis& axis, const std::vector<cv::Rect2d>& faces, bool horizontal) {
    double best_score = -1, best_distance = std::numeric_limits<double>::max();
    int best = axis.centre();
    double lo = 1, hi = 0;
    for (const auto& f : faces) {
        lo = std::min(lo, horizontal ? f.x : f.y);
        hi = std::max(hi, horizontal ? f.x + f.width : f.y + f.height);
    }
    double middle = (lo + hi) / 2 * axis.scaled;
    for (int offset = 0; offset <= axis.free(); ++offset) {
        double score = 0;
        for (const auto& f : faces) {
            double a0 = (horizontal ? f.x : f.y) * axis.scaled;
            double a1 = a0 + (horizontal ? f.width : f.height) * axis.scaled;
            double other = horizontal ? f.height : f.width;
            double inside = overlap(a0, a1, offset, offset + axis.box);
            // Whole faces count; a cut face only breaks ties (a half face looks worse than
            // none), so does not pull the window onto itself.
            score += (inside >= (a1 - a0) - 1e-9 ? inside : 1e-3 * inside) * other;
        }
        double distance = std::abs(offset + axis.box / 2.0 - middle);
        if (score > best_score + 1e-9 ||
            (std::abs(score - best_score) <= 1e-9 && distance < best_distance)) {
            best_score = score;
            best_distance = distance;
            best = offset;
        }
    }
    return best;
}

// The offset whose window holds the most saliency, or -1 when the map is too even to tell
// (a window anywhere would hold about the same).
int place_on_saliency(const Axis& axis, const cv::Mat& map, bool horizontal) {
    cv::Mat profile;
    cv::reduce(map, profile, horizontal ? 0 : 1, cv::REDUCE_SUM, CV_64F);
    profile = profile.reshape(1, 1);
    int n = profile.cols;
    if (n < 2) return -1;
    std::vector<double> cumulative(n + 1, 0);
    for (int i = 0; i < n; ++i) cumulative[i + 1] = cumulative[i] + profile.at<double>(0, i);
    if (cumulative[n] <= 0) return -1;
    int window = std::max(1, static_cast<int>(std::lround(double(axis.box) / axis.scaled * n)));
    int best = 0;
    double best_sum = -1, centre_sum = 0;
    int centre_start = (n - window) / 2;
    for (int start = 0; start + window <= n; ++start) {
        double sum = cumulative[start + window] - cumulative[start];
        if (start == centre_start) centre_sum = sum;
        if (sum > best_sum) {
            best_sum = sum;
            best = start;
        }
    }
    // Move off the middle by how much better the best window is: not at all below 10 %
    // (saliency of a plain or evenly busy picture is noise, the middle is the safer guess),
    // all the way from 40 %. Gradually, so two near-identical pictures (the same photo
    // stored mirrored, or recompressed) get near-identical crops, never one jump apart.
    double gain = centre_sum > 0 ? best_sum / centre_sum - 1 : 1;
    double weight = std::clamp((gain - 0.1) / 0.3, 0.0, 1.0);
    if (weight <= 0) return -1;
    double best_offset = (best + window / 2.0) / n * axis.scaled - axis.box / 2.0;
    double offset = axis.centre() + weight * (best_offset - axis.centre());
    int result = std::clamp(static_cast<int>(std::lround(offset)), 0, axis.free());
    return result == axis.centre() ? -1 : result;
}

}  // namespace

CropChoice choose_crop(cv::Size scaled, cv::Size box, const std::vector<cv::Rect2d>& faces,
                       const cv::Mat& saliency) {
    box.width = std::min(box.width, scaled.width);
    box.height = std::min(box.height, scaled.height);
    Axis ax{scaled.width, box.width}, ay{scaled.height, box.height};
    CropChoice choice{{ax.centre(), ay.centre(), box.width, box.height}, "centre"};
    if (ax.free() == 0 && ay.free() == 0) return choice;
    if (!faces.empty()) {
        if (ax.free() > 0) choice.rect.x = place_on_faces(ax, faces, true);
        if (ay.free() > 0) choice.rect.y = place_on_faces(ay, faces, false);
        choice.reason = "faces";
        return choice;
    }
    if (saliency.empty()) return choice;
    bool moved = false;
    if (ax.free() > 0)
        if (int x = place_on_saliency(ax, saliency, true); x >= 0) choice.rect.x = x, moved = true;
    if (ay.free() > 0)
        if (int y = place_on_saliency(ay, saliency, false); y >= 0) choice.rect.y = y, moved = true;
    if (moved) choice.reason = "saliency";
    return choice;
}

}  // namespace fotogal::pipeline
