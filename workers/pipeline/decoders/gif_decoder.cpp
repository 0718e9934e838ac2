// GIF through giflib: the first frame only (an animation's later frames are not a picture
// of their own), placed on the logical screen, with its transparent colour as alpha.
#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

struct Reader {
    Bytes bytes;
    std::size_t pos = 0;
};

int read_from_memory(GifFileType* gif, GifByteType* dest, int n) {
    auto* r = static_cast<Reader*>(gif->UserData);
    auto count =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(n, 0)), r->bytes.size() - r->pos);
    std::memcpy(dest, r->bytes.data() + r->pos, count);
    r->pos += count;
    return static_cast<int>(count);
}

struct GifCloser {
    void operator()(GifFileType* gif) const {
        int error = 0;
        DGifCloseFile(gif, &error);
    }
};
using GifHandle = std::unique_ptr<GifFileType, GifCloser>;

[[noreturn]] void fail(int error) {
    const char* text = GifErrorString(error);
    throw ProcessingError("undecodable", std::string("giflib: ") + (text ? text : "unknown error"));
}

// Reads the frame's colour indices, row by row, undoing GIF's 4-pass interlacing.
std::vector<GifByteType> read_indices(GifFileType* gif, int w, int h, bool interlaced) {
    std::vector<GifByteType> indices(static_cast<std::size_t>(w) * h);
    auto read_row = [&](int y) {
        if (DGifGetLine(gif, indices.data() + static_cast<std::size_t>(y) * w, w) != GIF_OK)
            fail(gif->Error);
    };
    if (interlaced) {
        constexpr int kStart[] = {0, 4, 2, 1}, kStep[] = {8, 8, 4, 2};
        for (int pass = 0; pass < 4; ++pass)
            for (int y = kStart[pass]; y < h; y += kStep[pass]) read_row(y);
    } else {
        for (int y = 0; y < h; ++y) read_row(y);
    }
    return indices;
}

}  // namespace

DecodedImage decode_gif(Bytes bytes, const DecodeRequest& request) {
    Reader reader{bytes};
    int error = 0;
    GifHandle gif(DGifOpen(&reader, read_from_memory, &error));
    if (!gif) fail(error);
    int transparent = NO_TRANSPARENT_COLOR;
    for (;;) {
        GifRecordType type;
        if (DGifGetRecordType(gif.get(), &type) != GIF_OK) fail(gif->Error);
        if (type == TERMINATE_RECORD_TYPE)
            throw ProcessingError("undecodable", "the GIF holds no picture");
        if (type == EXTENSION_RECORD_TYPE) {
            int code = 0;
            GifByteType* ext = nullptr;
            if (DGifGetExtension(gif.get(), &code, &ext) != GIF_OK) fail(gif->Error);
            if (code == GRAPHICS_EXT_FUNC_CODE && ext && ext[0] >= 4) {
                GraphicsControlBlock gcb;
                if (DGifExtensionToGCB(ext[0], ext + 1, &gcb) == GIF_OK)
                    transparent = gcb.TransparentColor;
            }
            while (ext)
                if (DGifGetExtensionNext(gif.get(), &ext) != GIF_OK) fail(gif->Error);
            continue;
        }
        if (type != IMAGE_DESC_RECORD_TYPE) continue;
        if (DGifGetImageDesc(gif.get()) != GIF_OK) fail(gif->Error);
        break;
    }
    const GifImageDesc& frame = gif->Image;
    const ColorMapObject* map = frame.ColorMap ? frame.ColorMap : gif->SColorMap;
    if (!map) throw ProcessingError("undecodable", "the GIF's first frame has no colour table");
    // The canvas is the logical screen, grown to the frame as the header probe measures it.
    int width = std::max(gif->SWidth, frame.Left + frame.Width);
    int height = std::max(gif->SHeight, frame.Top + frame.Height);
    if (frame.Width <= 0 || frame.Height <= 0 || width <= 0 || height <= 0)
        throw ProcessingError("undecodable", "the GIF's first frame has no size");
    if (request.max_pixels && static_cast<std::uint64_t>(width) * height > request.max_pixels)
        throw ProcessingError("too_many_pixels", "the GIF's first frame is larger than allowed");
    auto indices = read_indices(gif.get(), frame.Width, frame.Height, frame.Interlace);

    bool covers =
        frame.Left == 0 && frame.Top == 0 && frame.Width == width && frame.Height == height;
    DecodedImage out;
    out.colour.has_alpha = transparent != NO_TRANSPARENT_COLOR || !covers;
    out.pixels = cv::Mat::zeros(height, width, out.colour.has_alpha ? CV_8UC4 : CV_8UC3);
    const int channels = out.pixels.channels();
    for (int y = 0; y < frame.Height; ++y) {
        auto* row = out.pixels.ptr<std::uint8_t>(frame.Top + y) + frame.Left * channels;
        const GifByteType* in = indices.data() + static_cast<std::size_t>(y) * frame.Width;
        for (int x = 0; x < frame.Width; ++x, row += channels) {
            int i = in[x];
            if (i == transparent || i >= map->ColorCount) continue;  // stays transparent black
            const GifColorType& c = map->Colors[i];
            row[0] = c.Blue;
            row[1] = c.Green;
            row[2] = c.Red;
            if (channels == 4) row[3] = 255;
        }
    }
    return out;
}

}  // namespace fotogal::pipeline
