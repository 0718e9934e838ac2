#include "ingest/upload_spool.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "common/digest.hpp"

namespace fotogal::ingest {

struct SpooledUpload::Digest {
    Sha256Stream stream;
};

MappedUpload::MappedUpload(const std::filesystem::path& path, std::uint64_t size)
    : size_(static_cast<std::size_t>(size)) {
    if (size_ == 0) return;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw SpoolError("cannot reopen the spooled upload: " + std::string(std::strerror(errno)));
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) throw SpoolError("cannot map the spooled upload");
    data_ = static_cast<const std::uint8_t*>(p);
}

MappedUpload::~MappedUpload() {
    if (data_) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

SpooledUpload::SpooledUpload(const std::filesystem::path& directory)
    : digest_(std::make_unique<Digest>()) {
    std::string pattern = (directory / "fotogal-upload-XXXXXX").string();
    fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd_ < 0)
        throw SpoolError("cannot create a spool file in " + directory.string() + ": " +
                         std::strerror(errno));
    path_ = pattern;
}

SpooledUpload::~SpooledUpload() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
}

void SpooledUpload::append(std::span<const char> bytes) {
    digest_->stream.update({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    while (!bytes.empty()) {
        ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw SpoolError("cannot write the spool file: " + std::string(std::strerror(errno)));
        bytes = bytes.subspan(static_cast<std::size_t>(n));
        size_ += static_cast<std::uint64_t>(n);
    }
}

void SpooledUpload::finish() {
    sha256_ = digest_->stream.hex();
    ::close(fd_);
    fd_ = -1;
}

}  // namespace fotogal::ingest
