#include <opencv2/imgproc.hpp>

#include "workers/pipeline/encoders/encoders.hpp"
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
    OutputFormat format;
    const char* name;
    const char* extension;
    const char* media_type;
};

Encoding choose(const RenditionSpec& spec, bool has_alpha) {
    OutputFormat f = spec.format;
    if (f == OutputFormat::automatic) f = has_alpha ? OutputFormat::webp : OutputFormat::jpeg;
    switch (f) {
        case OutputFormat::webp:
            return {f, "webp", "webp", "image/webp"};
        case OutputFormat::png:
            return {f, "png", "png", "image/png"};
        case OutputFormat::avif:
            return {f, "avif", "avif", "image/avif"};
        default:
            return {OutputFormat::jpeg, "jpeg", "jpg", "image/jpeg"};
    }
}

constexpr int kPngCompression = 6;  // zlib's default: most of level 9's gain, far faster

}  // namespace

// The encoders write pixels only: no EXIF, GPS or other metadata reaches a rendition.
void encode(Job& job) {
    for (const auto& r : job.renditions) {
        bool has_alpha = r.pixels.channels() == 4;
        Encoding enc = choose(*r.spec, has_alpha);
        cv::Mat pixels = r.pixels;
        if (has_alpha && enc.format == OutputFormat::jpeg) pixels = flatten_alpha(pixels);
        Output out{r.spec->name, enc.name, enc.extension, enc.media_type, pixels.cols,
                   pixels.rows,  {}};
        try {
            switch (enc.format) {
                case OutputFormat::webp:
                    out.bytes = encode_webp(pixels, r.spec->quality);
                    break;
                case OutputFormat::png:
                    out.bytes = encode_png(pixels, kPngCompression);
                    break;
                case OutputFormat::avif:
                    out.bytes = encode_avif(pixels, r.spec->quality);
                    break;
                default:
                    out.bytes = encode_jpeg(pixels, r.spec->quality);
                    break;
            }
        } catch (const ProcessingError& e) {
            throw ProcessingError(e.code(), "could not encode rendition " + r.spec->name + " as " +
                                                enc.name + ": " + e.what());
        }
        job.outputs.push_back(std::move(out));
    }
}

}  // namespace fotogal::pipeline::steps
