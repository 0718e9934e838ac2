#include "workers/pipeline/decoders/decoder.hpp"

#include <algorithm>
#include <string>

#include "workers/pipeline/decoders/raster_decoders.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

int jpeg_scale_eighths(int w, int h, int need_w, int need_h) {
    for (int m : {1, 2, 4}) {
        // libjpeg: output size = ceil(size * m / 8).
        long dw = (static_cast<long>(w) * m + 7) / 8, dh = (static_cast<long>(h) * m + 7) / 8;
        if (dw >= 2L * need_w && dh >= 2L * need_h) return m;
    }
    return 8;
}

DecodedImage decode_image(formats::ImageFormat format, Bytes bytes, const DecodeRequest& request) {
    using formats::ImageFormat;
    switch (format) {
        case ImageFormat::jpeg:
            return decode_jpeg(bytes, request);
        case ImageFormat::gif:
            return decode_gif(bytes, request);
        case ImageFormat::heic:
        case ImageFormat::avif:
            return decode_heif(bytes, request);
        case ImageFormat::png:
            return decode_png(bytes, request);
        case ImageFormat::webp:
            return decode_webp(bytes, request);
        case ImageFormat::tiff:
            return decode_tiff(bytes, request);
        case ImageFormat::jp2:
            return decode_jp2(bytes, request);
        case ImageFormat::bmp:
            return decode_bmp(bytes, request);
        case ImageFormat::pnm:
            return decode_pnm(bytes, request);
        case ImageFormat::pfm:
            return decode_pfm(bytes, request);
        case ImageFormat::hdr:
            return decode_hdr(bytes, request);
        case ImageFormat::sunras:
            return decode_sunras(bytes, request);
        default:
            throw ProcessingError(
                "unsupported_format",
                "there is no decoder for " + std::string(formats::format_name(format)) + " files");
    }
}

}  // namespace fotogal::pipeline
