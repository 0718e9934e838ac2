// TIFF through libtiff, read from memory, first page only. Grey, RGB(A) and CMYK samples of
// 8 or 16 bits and 32/64-bit float grey/RGB are read as stored (strips or tiles, chunky or
// planar, any codec libtiff has); every other layout (palette, bilevel, YCbCr, 2/4-bit...) goes
// through libtiff's RGBA reader. libtiff's messages go to the failure reason, never to stderr,
// and each of its allocations is capped: a crafted header cannot reserve gigabytes.
#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

constexpr tmsize_t kMaxSingleAlloc = 128 * 1024 * 1024;
// Our own buffer for the stored samples: up to 8 samples of up to 8 bytes per pixel could make
// a header-only file within the pixel limit ask for gigabytes; a 100 Mpx 16-bit RGBA picture
// (800 MB) still fits.
constexpr std::uint64_t kMaxSampleBytes = 1024ull * 1024 * 1024;

struct MemoryFile {
    Bytes bytes;
    toff_t pos = 0;
    char message[256] = {};
};

tmsize_t read_proc(thandle_t h, void* out, tmsize_t n) {
    auto* f = static_cast<MemoryFile*>(h);
    if (n <= 0 || f->pos >= f->bytes.size()) return 0;
    auto count = std::min<toff_t>(static_cast<toff_t>(n), f->bytes.size() - f->pos);
    std::memcpy(out, f->bytes.data() + f->pos, count);
    f->pos += count;
    return static_cast<tmsize_t>(count);
}
tmsize_t write_proc(thandle_t, void*, tmsize_t) {
    return 0;
}
toff_t seek_proc(thandle_t h, toff_t offset, int whence) {
    auto* f = static_cast<MemoryFile*>(h);
    toff_t base = whence == SEEK_CUR ? f->pos : whence == SEEK_END ? f->bytes.size() : 0;
    f->pos = base + offset;
    return f->pos;
}
int close_proc(thandle_t) {
    return 0;
}
toff_t size_proc(thandle_t h) {
    return static_cast<MemoryFile*>(h)->bytes.size();
}
int map_proc(thandle_t h, void** base, toff_t* size) {
    auto* f = static_cast<MemoryFile*>(h);
    *base = const_cast<std::uint8_t*>(f->bytes.data());
    *size = f->bytes.size();
    return 1;
}
void unmap_proc(thandle_t, void*, toff_t) {}

// The first error is the one that explains the failure; later ones are consequences.
int on_error(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
    auto* f = static_cast<MemoryFile*>(user);
    if (f->message[0] == 0) {
        int n = std::snprintf(f->message, sizeof f->message, "%s: ", module ? module : "libtiff");
        if (n > 0 && static_cast<std::size_t>(n) < sizeof f->message)
            std::vsnprintf(f->message + n, sizeof f->message - static_cast<std::size_t>(n), fmt,
                           ap);
    }
    return 1;  // handled: libtiff's global handler (stderr) is not called
}
int on_warning(TIFF*, void*, const char*, const char*, va_list) {
    return 1;
}

struct OptionsFree {
    void operator()(TIFFOpenOptions* o) const { TIFFOpenOptionsFree(o); }
};
struct TiffClose {
    void operator()(TIFF* t) const { TIFFClose(t); }
};
using Tiff = std::unique_ptr<TIFF, TiffClose>;

[[noreturn]] void fail(const MemoryFile& f, const std::string& what) {
    std::string detail = f.message[0] ? std::string(": ") + f.message : std::string();
    throw ProcessingError("undecodable", "libtiff could not " + what + detail);
}

struct Layout {
    std::uint32_t width = 0, height = 0;
    std::uint16_t spp = 1, bps = 1, format = SAMPLEFORMAT_UINT, photometric = 0;
    std::uint16_t planar = PLANARCONFIG_CONTIG, compression = COMPRESSION_NONE;
    std::uint16_t inkset = INKSET_CMYK;
};

int cv_depth(const Layout& l) {
    bool integer = l.format == SAMPLEFORMAT_UINT || l.format == SAMPLEFORMAT_VOID;
    if (integer && l.bps == 8) return CV_8U;
    if (integer && l.bps == 16) return CV_16U;
    if (l.format == SAMPLEFORMAT_IEEEFP && l.bps == 32) return CV_32F;
    if (l.format == SAMPLEFORMAT_IEEEFP && l.bps == 64) return CV_64F;
    return -1;
}

// Whether the samples can be read as stored, and as which colour model.
bool readable_as_stored(const Layout& l, ColourModel& model) {
    int depth = cv_depth(l);
    if (depth < 0 || l.spp > 8) return false;
    bool is_float = depth == CV_32F || depth == CV_64F;
    switch (l.photometric) {
        case PHOTOMETRIC_MINISBLACK:
            model = ColourModel::grey;
            return true;
        case PHOTOMETRIC_MINISWHITE:
            model = ColourModel::grey;
            return !is_float;
        case PHOTOMETRIC_RGB:
            model = ColourModel::bgr;
            return l.spp >= 3;
        case PHOTOMETRIC_YCBCR:  // JPEG-in-TIFF: libjpeg converts to RGB (JPEGCOLORMODE)
            model = ColourModel::bgr;
            return l.compression == COMPRESSION_JPEG && l.spp == 3 && depth == CV_8U;
        case PHOTOMETRIC_SEPARATED:
            model = ColourModel::cmyk;
            return l.inkset == INKSET_CMYK && l.spp >= 4 && !is_float;
        default:
            return false;
    }
}

// Copies one decoded strip or tile (rows x cols at x0, y0; plane p when planar) into raw.
void place(cv::Mat& raw, const std::uint8_t* src, std::size_t src_row_bytes, int x0, int y0,
           int rows, int cols, int plane, bool planar) {
    const std::size_t es = raw.elemSize1(), spp = static_cast<std::size_t>(raw.channels());
    for (int r = 0; r < rows; ++r, src += src_row_bytes) {
        std::uint8_t* dst = raw.ptr<std::uint8_t>(y0 + r) + static_cast<std::size_t>(x0) * spp * es;
        if (!planar) {
            std::memcpy(dst, src, static_cast<std::size_t>(cols) * spp * es);
            continue;
        }
        for (int x = 0; x < cols; ++x)
            std::memcpy(dst + (static_cast<std::size_t>(x) * spp + plane) * es, src + x * es, es);
    }
}

cv::Mat read_samples(TIFF* tif, const Layout& l, const MemoryFile& f) {
    std::uint64_t bytes = std::uint64_t{l.width} * l.height * l.spp * (l.bps / 8);
    if (bytes > kMaxSampleBytes)
        throw ProcessingError("too_many_pixels", "the TIFF's samples would take " +
                                                     std::to_string(bytes >> 20) +
                                                     " MB, more than allowed");
    cv::Mat raw(static_cast<int>(l.height), static_cast<int>(l.width),
                CV_MAKETYPE(cv_depth(l), l.spp));
    const bool planar = l.planar == PLANARCONFIG_SEPARATE && l.spp > 1;
    const int planes = planar ? l.spp : 1;
    const std::size_t es = raw.elemSize1(), per_pixel = planar ? es : es * l.spp;
    const std::size_t image_bytes = raw.total() * raw.elemSize();
    if (TIFFIsTiled(tif)) {
        std::uint32_t tw = 0, th = 0;
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
        tmsize_t tile_size = TIFFTileSize(tif);
        if (tw == 0 || th == 0 || tile_size <= 0 ||
            static_cast<std::size_t>(tile_size) > image_bytes + (16u << 20) ||
            static_cast<std::size_t>(tile_size) < std::size_t{tw} * th * per_pixel)
            fail(f, "use the file's tile size");
        std::vector<std::uint8_t> buf(static_cast<std::size_t>(tile_size));
        for (int p = 0; p < planes; ++p)
            for (std::uint32_t y = 0; y < l.height; y += th)
                for (std::uint32_t x = 0; x < l.width; x += tw) {
                    if (TIFFReadEncodedTile(tif, TIFFComputeTile(tif, x, y, 0, p), buf.data(),
                                            tile_size) < 0)
                        fail(f, "decode a tile");
                    place(raw, buf.data(), tw * per_pixel, static_cast<int>(x), static_cast<int>(y),
                          static_cast<int>(std::min(th, l.height - y)),
                          static_cast<int>(std::min(tw, l.width - x)), p, planar);
                }
        return raw;
    }
    std::uint32_t rps = 0;
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
    rps = std::clamp<std::uint32_t>(rps, 1, l.height);
    tmsize_t strip_size = TIFFStripSize(tif);
    const std::size_t row_bytes = l.width * per_pixel;
    if (strip_size <= 0 || static_cast<std::size_t>(strip_size) < rps * row_bytes)
        fail(f, "use the file's strip size");
    std::vector<std::uint8_t> buf(static_cast<std::size_t>(strip_size));
    for (int p = 0; p < planes; ++p)
        for (std::uint32_t y = 0; y < l.height; y += rps) {
            if (TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, y, static_cast<tsample_t>(p)),
                                     buf.data(), strip_size) < 0)
                fail(f, "decode a strip");
            place(raw, buf.data(), row_bytes, 0, static_cast<int>(y),
                  static_cast<int>(std::min(rps, l.height - y)), static_cast<int>(l.width), p,
                  planar);
        }
    return raw;
}

// The stored samples as the pipeline reads them: BGR(A), grey (+ alpha) or CMYK; extra
// samples beyond one alpha dropped, 64-bit float narrowed to 32-bit (OpenCV's colour and
// resize functions take no doubles everywhere).
cv::Mat to_pipeline_layout(cv::Mat raw, const Layout& l, ColourModel model, bool& has_alpha) {
    if (raw.depth() == CV_64F) raw.convertTo(raw, CV_32F);
    if (l.photometric == PHOTOMETRIC_MINISWHITE) cv::bitwise_not(raw, raw);
    int base = model == ColourModel::grey ? 1 : model == ColourModel::bgr ? 3 : 4;
    has_alpha = model != ColourModel::cmyk && raw.channels() > base;
    int keep = base + (has_alpha ? 1 : 0);
    if (raw.channels() != keep) {
        cv::Mat kept(raw.size(), CV_MAKETYPE(raw.depth(), keep));
        std::vector<int> pairs;
        for (int c = 0; c < keep; ++c) pairs.insert(pairs.end(), {c, c});
        cv::mixChannels(&raw, 1, &kept, 1, pairs.data(), static_cast<std::size_t>(keep));
        raw = kept;
    }
    if (model == ColourModel::bgr)
        cv::cvtColor(raw, raw, has_alpha ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGB2BGR);
    return raw;
}

cv::Mat read_rgba(TIFF* tif, const Layout& l, const MemoryFile& f, bool has_alpha) {
    char message[1024] = {};
    if (!TIFFRGBAImageOK(tif, message))
        throw ProcessingError("undecodable",
                              std::string("libtiff cannot read this kind of TIFF: ") + message);
    // The EXIF orientation step turns the picture upright: keep the rows as stored.
    TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
    cv::Mat rgba(static_cast<int>(l.height), static_cast<int>(l.width), CV_8UC4);
    if (!TIFFReadRGBAImageOriented(tif, l.width, l.height, rgba.ptr<std::uint32_t>(),
                                   ORIENTATION_TOPLEFT, 1))
        fail(f, "decode the picture");
    // libtiff packs A B G R from the high byte down: in memory R, G, B, A.
    bool grey = l.photometric == PHOTOMETRIC_MINISBLACK || l.photometric == PHOTOMETRIC_MINISWHITE;
    if (!grey) {
        cv::cvtColor(rgba, rgba, has_alpha ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGBA2BGR);
        return rgba;
    }
    cv::Mat out(rgba.size(), CV_8UC(has_alpha ? 2 : 1));
    const int pairs[] = {0, 0, 3, 1};  // R (= G = B) and A
    cv::mixChannels(&rgba, 1, &out, 1, pairs, has_alpha ? 2 : 1);
    return out;
}

}  // namespace

DecodedImage decode_tiff(Bytes bytes, const DecodeRequest& request) {
    static std::once_flag quiet;
    std::call_once(quiet, [] {  // a few libtiff paths report through the global handlers
        TIFFSetErrorHandler(nullptr);
        TIFFSetWarningHandler(nullptr);
    });
    MemoryFile file{bytes, 0, {}};
    std::unique_ptr<TIFFOpenOptions, OptionsFree> options(TIFFOpenOptionsAlloc());
    TIFFOpenOptionsSetMaxSingleMemAlloc(options.get(), kMaxSingleAlloc);
    TIFFOpenOptionsSetErrorHandlerExtR(options.get(), on_error, &file);
    TIFFOpenOptionsSetWarningHandlerExtR(options.get(), on_warning, &file);
    Tiff tif(TIFFClientOpenExt("upload", "r", &file, read_proc, write_proc, seek_proc, close_proc,
                               size_proc, map_proc, unmap_proc, options.get()));
    if (!tif) fail(file, "open the file");

    Layout l;
    if (!TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &l.width) ||
        !TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &l.height) || l.width == 0 || l.height == 0)
        throw ProcessingError("undecodable", "the TIFF has no size");
    if (request.max_pixels && std::uint64_t{l.width} * l.height > request.max_pixels)
        throw ProcessingError("too_many_pixels", "the TIFF is larger than allowed");
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_SAMPLESPERPIXEL, &l.spp);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_BITSPERSAMPLE, &l.bps);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_SAMPLEFORMAT, &l.format);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_PLANARCONFIG, &l.planar);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_COMPRESSION, &l.compression);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_INKSET, &l.inkset);
    TIFFGetField(tif.get(), TIFFTAG_PHOTOMETRIC, &l.photometric);

    DecodedImage out;
    std::uint32_t icc_length = 0;
    void* icc = nullptr;
    if (TIFFGetField(tif.get(), TIFFTAG_ICCPROFILE, &icc_length, &icc) && icc && icc_length)
        out.colour.icc_profile.assign(static_cast<std::uint8_t*>(icc),
                                      static_cast<std::uint8_t*>(icc) + icc_length);

    ColourModel model = ColourModel::bgr;
    if (readable_as_stored(l, model)) {
        if (l.photometric == PHOTOMETRIC_YCBCR)
            TIFFSetField(tif.get(), TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
        out.pixels =
            to_pipeline_layout(read_samples(tif.get(), l, file), l, model, out.colour.has_alpha);
        out.colour.model = model;
    } else {
        std::uint16_t extra_count = 0;
        std::uint16_t* extra = nullptr;
        TIFFGetFieldDefaulted(tif.get(), TIFFTAG_EXTRASAMPLES, &extra_count, &extra);
        out.colour.has_alpha = extra_count > 0;
        out.pixels = read_rgba(tif.get(), l, file, out.colour.has_alpha);
        out.colour.model = out.pixels.channels() <= 2 ? ColourModel::grey : ColourModel::bgr;
        // The RGBA reader turned the samples into RGB or grey: a profile for another stored
        // colour space (CMYK, Lab, YCbCr...) no longer describes them.
        bool same_space = l.photometric == PHOTOMETRIC_RGB ||
                          l.photometric == PHOTOMETRIC_PALETTE ||
                          out.colour.model == ColourModel::grey;
        if (!same_space) out.colour.icc_profile.clear();
    }
    return out;
}

}  // namespace fotogal::pipeline
