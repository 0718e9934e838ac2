// An upload's bytes on their way to the store: written to a temporary file as they arrive
// (hashed on the way), so ingest's memory does not grow with the size or number of uploads.
// The file is removed when the SpooledUpload goes away.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

namespace fotogal::ingest {

// The spool directory refused (full, read-only, gone): the upload cannot be buffered now.
class SpoolError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The first bytes of the upload, mapped read-only: the header probe reads only those pages.
class MappedUpload {
  public:
    explicit MappedUpload(const std::filesystem::path& path, std::uint64_t size);
    ~MappedUpload();
    MappedUpload(const MappedUpload&) = delete;
    MappedUpload& operator=(const MappedUpload&) = delete;
    std::span<const std::uint8_t> bytes() const { return {data_, size_}; }

  private:
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

class SpooledUpload {
  public:
    // Creates an empty temporary file in `directory`. Throws SpoolError when it cannot, and
    // append() when a write fails (a full or read-only disk: the caller answers 503).
    explicit SpooledUpload(const std::filesystem::path& directory);
    ~SpooledUpload();
    SpooledUpload(const SpooledUpload&) = delete;
    SpooledUpload& operator=(const SpooledUpload&) = delete;

    void append(std::span<const char> bytes);
    void finish();  // flushes; the digest is known from here on

    const std::filesystem::path& path() const { return path_; }
    std::uint64_t size() const { return size_; }
    const std::string& sha256() const { return sha256_; }
    MappedUpload map() const { return MappedUpload(path_, size_); }

  private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::string sha256_;
    struct Digest;
    std::unique_ptr<Digest> digest_;
};

}  // namespace fotogal::ingest
