// PFM (portable float map): "PF" (RGB) or "Pf" (grey), width, height, then a scale whose
// sign gives the byte order (negative: little-endian) and whose magnitude divides the
// samples, as OpenCV applied it. Rows are stored bottom to top.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <opencv2/core.hpp>
#include <string>

#include "workers/pipeline/decoders/raster_decoders.hpp"
#include "workers/pipeline/decoders/raster_support.hpp"

namespace fotogal::pipeline {

namespace {

using raster::Cursor;
using raster::fail;

constexpr std::string_view kFormat = "PFM";

float read_scale(Cursor& in) {
    raster::skip_netpbm_space(in);
    std::string text;
    while (!in.at_end() && !raster::is_netpbm_space(*in.peek()) && text.size() < 64)
        text.push_back(static_cast<char>(in.u8()));
    float scale = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), scale);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(scale) ||
        scale == 0)
        fail("invalid_header", kFormat,
             "has a scale of '" + text +
                 "' (must be a non-zero number; its sign is the byte order)");
    return scale;
}

}  // namespace

DecodedImage decode_pfm(Bytes bytes, const DecodeRequest& request) {
    Cursor in(bytes, kFormat);
    if (bytes.size() < 2 || bytes[0] != 'P' || (bytes[1] != 'F' && bytes[1] != 'f'))
        fail("undecodable", kFormat, "does not start with PF or Pf");
    const int channels = bytes[1] == 'F' ? 3 : 1;
    in.skip(2);
    const std::uint64_t width = raster::read_netpbm_number(in, "width");
    const std::uint64_t height = raster::read_netpbm_number(in, "height");
    const float scale = read_scale(in);
    raster::check_size(kFormat, width, height, request);
    if (in.at_end() || !raster::is_netpbm_space(in.u8())) in.fail_truncated("pixels");
    const std::uint64_t row_bytes = width * channels * 4;
    raster::check_data_fits(kFormat, row_bytes * height, in.remaining());

    const bool little_endian = scale < 0;
    const float factor = 1.f / std::fabs(scale);
    cv::Mat out(static_cast<int>(height), static_cast<int>(width), CV_32FC(channels));
    for (int file_row = 0; file_row < out.rows; ++file_row) {
        const std::uint8_t* row = in.take(row_bytes);
        float* o = out.ptr<float>(out.rows - 1 - file_row);
        for (std::uint64_t i = 0; i < width * channels; ++i) {
            const std::uint8_t* p = row + 4 * i;
            const std::uint32_t bits =
                little_endian ? std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                                    std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24
                              : std::uint32_t{p[3]} | std::uint32_t{p[2]} << 8 |
                                    std::uint32_t{p[1]} << 16 | std::uint32_t{p[0]} << 24;
            float v;
            std::memcpy(&v, &bits, sizeof v);
            // RGB in the file, BGR in memory.
            const std::uint64_t at = channels == 3 ? i - i % 3 + (2 - i % 3) : i;
            o[at] = v * factor;
        }
    }
    return raster::finish(std::move(out));
}

}  // namespace fotogal::pipeline
