// PNG through libpng directly, so its allocation caps can be set: a 100-byte file whose text,
// sPLT or pCAL chunk declares a huge length, or whose zTXt inflates 1000:1, must not make a
// worker allocate hundreds of MB. Ancillary chunks the pipeline does not use are skipped
// unread; the ICC profile comes from our own bounded iCCP reader (icc_chunks.cpp), EXIF from
// the header probe. The pixels come out as OpenCV's imdecode(IMREAD_UNCHANGED) gave them:
// BGR(A), grey (+ alpha as 2 channels), 16-bit kept, palette expanded, tRNS as alpha.
#include <png.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/decoders/icc_chunks.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

// Ancillary chunks libpng would otherwise parse and keep (some inflate, some declare lengths
// it allocates up front). tRNS is the only one the pixels need.
constexpr png_byte kIgnoredChunks[] =
    "bKGD\0cHRM\0eXIf\0gAMA\0hIST\0iCCP\0iTXt\0oFFs\0pCAL\0"
    "pHYs\0sBIT\0sCAL\0sPLT\0sRGB\0tEXt\0tIME\0zTXt";
constexpr int kIgnoredChunkCount = 17;
// libpng's build default (8 MB), pinned: a chunk declaring more fails as "too large" before
// anything is allocated, while every PNG that decoded with the default still does. What made
// a few tiny files cost a gigabyte was the sum: up to 1000 kept chunks of 8 MB each. Nothing is
// kept now (the list above), and the cache limit bounds what a future change might keep.
constexpr png_alloc_size_t kChunkMallocMax = 8'000'000;
constexpr png_uint_32 kChunkCacheMax = 64;
constexpr png_uint_32 kLibpngSideMax = 1000000;  // libpng's own default limit

// Everything libpng's callbacks touch; trivially destructible, so a longjmp may cross it.
struct ReadState {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t pos;
    bool ran_out;
    char message[192];
};

void read_from_memory(png_structp png, png_bytep out, png_size_t n) {
    auto* s = static_cast<ReadState*>(png_get_io_ptr(png));
    if (n > s->size - s->pos) {
        s->ran_out = true;
        png_error(png, "the file ends before the picture is complete");
    }
    std::memcpy(out, s->data + s->pos, n);
    s->pos += n;
}

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
    auto* s = static_cast<ReadState*>(png_get_error_ptr(png));
    std::snprintf(s->message, sizeof s->message, "%s", message ? message : "unknown error");
    png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}  // recoverable: never to stderr

struct ReadStructs {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ReadStructs(const ReadStructs&) = delete;
    ReadStructs& operator=(const ReadStructs&) = delete;
    ReadStructs() = default;
    ~ReadStructs() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

struct Layout {
    png_uint_32 width, height;
    int channels, bit_depth, passes;
};

// Header, caps and transformations; libpng errors longjmp back here, so this function holds
// no object with a destructor.
bool read_header(png_structp png, png_infop info, ReadState& state, std::uint64_t max_pixels,
                 Layout& layout) {
    if (setjmp(png_jmpbuf(png))) return false;
    png_set_read_fn(png, &state, read_from_memory);
    png_uint_32 side = kLibpngSideMax;
    if (max_pixels) side = static_cast<png_uint_32>(std::min<std::uint64_t>(side, max_pixels));
    png_set_user_limits(png, side, side);
    png_set_chunk_malloc_max(png, kChunkMallocMax);
    png_set_chunk_cache_max(png, kChunkCacheMax);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, nullptr, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, kIgnoredChunks, kIgnoredChunkCount);
    png_read_info(png, info);
    layout.width = png_get_image_width(png, info);
    layout.height = png_get_image_height(png, info);
    if (max_pixels && std::uint64_t{layout.width} * layout.height > max_pixels) return true;

    int colour_type = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (colour_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colour_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_swap(png);  // OpenCV's 16-bit pixels are host order
    if (colour_type & PNG_COLOR_MASK_COLOR) png_set_bgr(png);
    layout.passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    layout.channels = png_get_channels(png, info);
    layout.bit_depth = png_get_bit_depth(png, info);
    return true;
}

// Rows into the caller's matrix, every interlace pass over the whole picture.
bool read_rows(png_structp png, cv::Mat& pixels, int passes) {
    if (setjmp(png_jmpbuf(png))) return false;
    for (int pass = 0; pass < passes; ++pass)
        for (int y = 0; y < pixels.rows; ++y) png_read_row(png, pixels.ptr<png_byte>(y), nullptr);
    return true;
}

[[noreturn]] void fail(const ReadState& state) {
    if (state.ran_out)
        throw ProcessingError("truncated", "the PNG's data ends before the picture is complete");
    throw ProcessingError("undecodable", std::string("libpng: ") + state.message);
}

}  // namespace

DecodedImage decode_png(Bytes bytes, const DecodeRequest& request) {
    ReadState state{bytes.data(), bytes.size(), 0, false, {}};
    ReadStructs s;
    s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    if (s.png) s.info = png_create_info_struct(s.png);
    if (!s.png || !s.info) throw std::bad_alloc();

    Layout layout{};
    if (!read_header(s.png, s.info, state, request.max_pixels, layout)) fail(state);
    if (request.max_pixels && std::uint64_t{layout.width} * layout.height > request.max_pixels)
        throw ProcessingError("too_many_pixels", "the PNG is larger than allowed");
    if (layout.channels < 1 || layout.channels > 4 ||
        (layout.bit_depth != 8 && layout.bit_depth != 16))
        throw ProcessingError("undecodable", "libpng produced an unexpected pixel layout");

    DecodedImage out;
    int depth = layout.bit_depth == 16 ? CV_16U : CV_8U;
    out.pixels.create(static_cast<int>(layout.height), static_cast<int>(layout.width),
                      CV_MAKETYPE(depth, layout.channels));
    if (!read_rows(s.png, out.pixels, layout.passes)) fail(state);
    // What follows the pixels (text, EXIF after IDAT) is not needed: png_read_end is skipped.

    out.colour.model = layout.channels <= 2 ? ColourModel::grey : ColourModel::bgr;
    out.colour.has_alpha = layout.channels == 2 || layout.channels == 4;
    out.colour.icc_profile = png_icc_profile(bytes);
    return out;
}

}  // namespace fotogal::pipeline
