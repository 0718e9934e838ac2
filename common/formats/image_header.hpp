// What ingest and the worker learn about an image from its first bytes, before any pixel
// is decoded: which format it is (by signature, never by file name) and how big it claims
// to be. One probe per format lives in its own file (jpeg_header.cpp, png_header.cpp, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fotogal::formats {

enum class ImageFormat { jpeg, png, webp, gif, bmp, tiff, pnm, pfm, jp2, heic, avif, hdr, sunras };

// Short lowercase name used in JSON and logs ("jpeg", "png", ...).
std::string_view format_name(ImageFormat f);
// IANA media type ("image/jpeg", ...).
std::string_view media_type(ImageFormat f);
// File extension for stored renditions of that format, without the dot.
std::string_view file_extension(ImageFormat f);

// Where the EXIF (TIFF-structured) payload sits inside the file, if the format carries one.
// `offset` points at the TIFF header ("II*\0" / "MM\0*"), not at an "Exif\0\0" prefix.
struct ByteRange {
    std::size_t offset = 0;
    std::size_t size = 0;
};

struct ImageHeader {
    ImageFormat format;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::optional<ByteRange> exif;  // JPEG APP1, PNG eXIf, WebP EXIF chunk, TIFF itself
    bool animated = false;          // GIF / WebP with more than one frame
};

// The header is present but cannot be believed (zero or negative size, cut short, ...).
// The message says what is wrong in words a user can act on.
class InvalidHeader : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The format matched by signature, or nullopt when no known signature matches.
std::optional<ImageFormat> sniff_format(std::span<const std::uint8_t> bytes);

// Sniffs and reads the header. Returns nullopt for an unknown format; throws InvalidHeader
// when the signature matches but the header is broken.
std::optional<ImageHeader> probe_header(std::span<const std::uint8_t> bytes);

}  // namespace fotogal::formats
