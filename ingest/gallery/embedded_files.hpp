// The gallery page's static files, compiled into the binary (cmake/EmbedFiles.cmake generates
// the definition from ingest/gallery/web/ at build time), so the container image serves the
// page with nothing mounted and the page always matches the API of the binary serving it.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace fotogal::ingest::gallery {

struct EmbeddedFile {
    const char* name;  // relative to the web folder, e.g. "index.html", "main.js"
    const unsigned char* data;
    std::size_t size;
    const char* sha256;  // hex digest of the bytes, for the strong ETag
};

std::span<const EmbeddedFile> embedded_files();

}  // namespace fotogal::ingest::gallery
