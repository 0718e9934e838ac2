#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/processing_error.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

namespace {

// JPEG has no alpha: composite over white, as a viewer would show it on a page.
cv::Mat flatten_alpha(const cv::Mat& bgra) {
    cv::Mat bgr(bgra.size(), CV_8UC3);
    for (int y = 0; y < bgra.rows; ++y) {
        const auto* in = bgra.ptr<cv::Vec4b>(y);
        auto* out = bgr.ptr<cv::Vec3b>(y);
        for (int x = 0; x < bgra.cols; ++x) {
            int a = in[x][3];
            for (int c = 0; c < 3; ++c)
                out[x][c] = static_cast<uchar>((in[x][c] * a + 255 * (255 - a) + 127) / 255);
        }
    }
    return bgr;
}

struct Encoding {
    const char* format;
    const char* extension;
    const char* media_type;
    std::vector<int> params;
};

Encoding choose(const RenditionSpec& spec, bool has_alpha) {
    OutputFormat f = spec.format;
    if (f == OutputFormat::automatic) f = has_alpha ? OutputFormat::webp : OutputFormat::jpeg;
    switch (f) {
        case OutputFormat::webp:
            return {"webp", "webp", "image/webp", {cv::IMWRITE_WEBP_QUALITY, spec.quality}};
        case OutputFormat::png:
            return {"png", "png", "image/png", {cv::IMWRITE_PNG_COMPRESSION, 6}};
        default:
            return {"jpeg",
                    "jpg",
                    "image/jpeg",
                    {cv::IMWRITE_JPEG_QUALITY, spec.quality, cv::IMWRITE_JPEG_OPTIMIZE, 1}};
    }
}

}  // namespace

// cv::imencode writes pixels only: no EXIF, GPS or other metadata reaches a rendition.
void encode(Job& job) {
    for (const auto& r : job.renditions) {
        bool has_alpha = r.pixels.channels() == 4;
        Encoding enc = choose(*r.spec, has_alpha);
        cv::Mat pixels = r.pixels;
        if (has_alpha && std::string_view(enc.format) == "jpeg") pixels = flatten_alpha(pixels);
        Output out{r.spec->name, enc.format, enc.extension, enc.media_type, pixels.cols,
                   pixels.rows,  {}};
        if (!cv::imencode(std::string(".") + enc.extension, pixels, out.bytes, enc.params))
            throw ProcessingError("encode_failed", "could not encode rendition " + r.spec->name +
                                                       " as " + enc.format);
        job.outputs.push_back(std::move(out));
    }
}

}  // namespace fotogal::pipeline::steps
