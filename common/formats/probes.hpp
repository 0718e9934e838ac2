// Private to common/formats: one signature check and one header probe per format. The
// signature checks never throw; a probe is only called after its check matched and throws
// InvalidHeader when the header behind the signature cannot be believed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/formats/byte_reader.hpp"
#include "common/formats/image_header.hpp"

namespace fotogal::formats::detail {

using Bytes = std::span<const std::uint8_t>;

// The name used in error messages ("PNG header declares a zero width").
std::string_view display_name(ImageFormat f);

// Probes build their result through this so that sizes wider than 32 bits (BigTIFF, PNM,
// GIF frame extents) are rejected before they are narrowed. Throws on zero or over 2^31.
ImageHeader sized_header(ImageFormat f, std::uint64_t width, std::uint64_t height);

// The EXIF range if [offset, offset + size) lies inside `bytes` and is not empty; callers
// index straight into the buffer with it, so a range running past a cut-off file is dropped.
std::optional<ByteRange> exif_range_within(Bytes bytes, std::size_t offset, std::size_t size);

bool looks_like_jpeg(Bytes b);
ImageHeader probe_jpeg(Bytes b);

bool looks_like_png(Bytes b);
ImageHeader probe_png(Bytes b);

bool looks_like_webp(Bytes b);
ImageHeader probe_webp(Bytes b);

bool looks_like_gif(Bytes b);
ImageHeader probe_gif(Bytes b);

bool looks_like_bmp(Bytes b);
ImageHeader probe_bmp(Bytes b);

bool looks_like_tiff(Bytes b);
ImageHeader probe_tiff(Bytes b);

bool looks_like_pnm(Bytes b);
ImageHeader probe_pnm(Bytes b);

bool looks_like_pfm(Bytes b);
ImageHeader probe_pfm(Bytes b);

bool looks_like_jp2(Bytes b);
ImageHeader probe_jp2(Bytes b);

// HEIC and AVIF share one container; the ftyp brands decide which of the two it is.
std::optional<ImageFormat> heif_flavour(Bytes b);
bool looks_like_heic(Bytes b);
bool looks_like_avif(Bytes b);
ImageHeader probe_heif(Bytes b);

bool looks_like_hdr(Bytes b);
ImageHeader probe_hdr(Bytes b);

bool looks_like_sunras(Bytes b);
ImageHeader probe_sunras(Bytes b);

// PNM and PFM share the whitespace-and-comment grammar for their width and height. Starts
// at `pos` (just after the magic) and leaves `pos` after the height.
struct TextSize {
    std::uint64_t width = 0;
    std::uint64_t height = 0;
};
TextSize read_netpbm_size(Bytes b, std::size_t& pos, std::string_view format);

// JP2 and ISO BMFF (HEIF, AVIF) share one box syntax: a 32-bit size and a four-letter
// type, where size 1 means a 64-bit size follows and size 0 means "to the end".
struct Box {
    std::size_t start = 0;
    std::size_t data = 0;
    std::size_t end = 0;  // clamped to the parent, so it never lies past the buffer
};
// The box at `pos` if its header lies before `end` and inside the buffer.
std::optional<Box> box_at(const ByteReader& r, std::size_t pos, std::size_t end);
// The first box of `type` among the siblings in [begin, end).
std::optional<Box> find_box(const ByteReader& r, std::size_t begin, std::size_t end,
                            std::string_view type);

}  // namespace fotogal::formats::detail
