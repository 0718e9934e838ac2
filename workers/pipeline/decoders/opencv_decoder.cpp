// Every other format (PNG, WebP, TIFF, BMP, PNM, PFM, JPEG 2000, Radiance HDR) through
// OpenCV's imdecode, unchanged (alpha and 16-bit kept, never auto-rotated); the ICC profile
// OpenCV drops is read from the PNG or WebP chunks ourselves.
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/decoders/icc_chunks.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

DecodedImage decode_with_opencv(formats::ImageFormat format, Bytes bytes) {
    std::string name(formats::format_name(format));
    cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, const_cast<std::uint8_t*>(bytes.data()));
    DecodedImage out;
    try {
        out.pixels = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        throw ProcessingError("undecodable",
                              "OpenCV could not decode this " + name + " file: " + e.err);
    }
    if (out.pixels.empty())
        throw ProcessingError("undecodable", "OpenCV could not decode this " + name +
                                                 " file (corrupt or a variant it does not "
                                                 "support)");
    // OpenCV spreads a grey + alpha PNG to BGRA; its grey ICC profile needs the grey back.
    bool png_grey_alpha = format == formats::ImageFormat::png && bytes.size() > 25 &&
                          bytes[25] == 4 && out.pixels.channels() == 4;
    if (png_grey_alpha) {
        std::vector<cv::Mat> planes;
        cv::split(out.pixels, planes);
        cv::merge(std::vector<cv::Mat>{planes[0], planes[3]}, out.pixels);
    }
    int channels = out.pixels.channels();
    out.colour.model = channels <= 2 ? ColourModel::grey : ColourModel::bgr;
    out.colour.has_alpha = channels == 2 || channels == 4;
    if (format == formats::ImageFormat::png) out.colour.icc_profile = png_icc_profile(bytes);
    if (format == formats::ImageFormat::webp) out.colour.icc_profile = webp_icc_profile(bytes);
    return out;
}

}  // namespace fotogal::pipeline
