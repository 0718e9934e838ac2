// The bytes of an upload, wherever they are: the caller's memory or a range of a file. Parts
// of a multipart upload are slices of it, so nothing is copied before libcurl reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/storage/http_client.hpp"

namespace fotogal::storage {

struct Payload {
    std::span<const std::uint8_t> memory;
    std::optional<FileRange> file;

    static Payload of(std::span<const std::uint8_t> bytes) { return {bytes, std::nullopt}; }
    // Throws StorageError when the file cannot be read.
    static Payload of_file(const std::filesystem::path& path, const std::string& key);

    std::uint64_t size() const { return file ? file->length : memory.size(); }
    Payload slice(std::uint64_t offset, std::uint64_t length) const;
    std::string sha256() const;  // raw digest
    // Puts the body into `request` (memory span or file range).
    void attach(HttpRequest& request) const;
};

}  // namespace fotogal::storage
