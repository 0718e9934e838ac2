#include "workers/pipeline/geometry.hpp"

#include <algorithm>
#include <cmath>

namespace fotogal::pipeline {

double rendition_scale(const RenditionSpec& spec, int w, int h) {
    double sx = static_cast<double>(spec.width) / w;
    double sy = static_cast<double>(spec.height) / h;
    double s = spec.fit == Fit::fit ? std::min(sx, sy) : std::max(sx, sy);
    return std::min(1.0, s);
}

cv::Size scaled_size(const RenditionSpec& spec, int w, int h) {
    double s = rendition_scale(spec, w, h);
    return {std::max(1, static_cast<int>(std::lround(w * s))),
            std::max(1, static_cast<int>(std::lround(h * s)))};
}

cv::Size rendition_size(const RenditionSpec& spec, int w, int h) {
    cv::Size s = scaled_size(spec, w, h);
    if (spec.fit == Fit::cover) {
        s.width = std::min(s.width, spec.width);
        s.height = std::min(s.height, spec.height);
    }
    return s;
}

cv::Size fit_longest_side(cv::Size size, int longest) {
    int w = std::max(1, size.width), h = std::max(1, size.height);
    double scale = std::min(1.0, static_cast<double>(longest) / std::max(w, h));
    return {std::max(1, static_cast<int>(std::lround(w * scale))),
            std::max(1, static_cast<int>(std::lround(h * scale)))};
}

cv::Size shrink_on_load_target(const Recipe& recipe, int w, int h) {
    cv::Size needed(1, 1);
    for (const auto& spec : recipe.renditions) {
        cv::Size s = scaled_size(spec, w, h);
        needed.width = std::max(needed.width, s.width);
        needed.height = std::max(needed.height, s.height);
    }
    return needed;
}

int shrink_on_load_denominator(const Recipe& recipe, int w, int h) {
    cv::Size needed = shrink_on_load_target(recipe, w, h);
    int needed_w = needed.width, needed_h = needed.height;
    for (int d : {8, 4, 2}) {
        // libjpeg rounds scaled dimensions up.
        int dw = (w + d - 1) / d, dh = (h + d - 1) / d;
        if (dw >= needed_w && dh >= needed_h) return d;
    }
    return 1;
}

}  // namespace fotogal::pipeline
