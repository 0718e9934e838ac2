#include "common/storage/file_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

namespace fotogal::storage {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempMarker = ".tmp-";

void validate_key(const std::string& key) {
    auto bad = [&](const char* why) {
        throw StorageError("invalid object key '" + key + "': " + why, false);
    };
    if (key.empty()) bad("empty");
    if (key.front() == '/' || key.back() == '/') bad("must not start or end with '/'");
    if (key.find('\0') != std::string::npos) bad("contains NUL");
    std::size_t start = 0;
    while (start <= key.size()) {
        std::size_t end = key.find('/', start);
        if (end == std::string::npos) end = key.size();
        std::string_view seg(key.data() + start, end - start);
        if (seg.empty() || seg == "." || seg == "..") bad("empty, '.' or '..' path segment");
        if (seg.front() == '.' && seg.find(kTempMarker) != std::string_view::npos)
            bad("reserved temporary-file name");
        start = end + 1;
    }
}

bool transient_errno(int err) {
    return err == ENOSPC || err == EIO || err == EAGAIN || err == EINTR;
}

[[noreturn]] void fail(const std::string& op, const std::string& key, int err) {
    throw StorageError("file store " + op + " '" + key + "' failed: " + std::strerror(err),
                       transient_errno(err));
}

std::string temp_suffix() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    auto v = rng();
    for (int i = 0; i < 12; ++i, v >>= 4) s += kHex[v & 15];
    return s;
}

void write_all(int fd, std::span<const std::uint8_t> bytes, const std::string& key) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write", key, errno);
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

FileStore::FileStore(fs::path root) : root_(std::move(root)) {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec)
        throw StorageError(
            "cannot create storage directory " + root_.string() + ": " + ec.message(), false);
}

fs::path FileStore::path_for(const std::string& key) const {
    validate_key(key);
    return root_ / key;
}

void FileStore::write_atomically(const std::string& key, const std::function<void(int fd)>& write) {
    fs::path target = path_for(key);
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) fail("mkdir", key, ec.value());
    fs::path temp = target.parent_path() /
                    ("." + target.filename().string() + std::string(kTempMarker) + temp_suffix());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) fail("open", key, errno);
    try {
        write(fd);
    } catch (...) {
        ::close(fd);
        ::unlink(temp.c_str());
        throw;
    }
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(temp.c_str());
        fail("close", key, err);
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        int err = errno;
        ::unlink(temp.c_str());
        fail("rename", key, err);
    }
}

void FileStore::put(const std::string& key, std::span<const std::uint8_t> bytes,
                    const std::string&) {
    write_atomically(key, [&](int fd) { write_all(fd, bytes, key); });
}

// Copied in pieces: an upload of any size costs one buffer, not its size in memory.
void FileStore::put_file(const std::string& key, const fs::path& file, const std::string&) {
    int in = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw StorageError("put '" + key + "': cannot read " + file.string(), false);
    try {
        write_atomically(key, [&](int fd) {
            std::vector<std::uint8_t> buffer(1 << 20);
            for (;;) {
                ssize_t n = ::read(in, buffer.data(), buffer.size());
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) fail("read", key, errno);
                if (n == 0) break;
                write_all(fd, std::span(buffer.data(), static_cast<std::size_t>(n)), key);
            }
        });
    } catch (...) {
        ::close(in);
        throw;
    }
    ::close(in);
}

std::optional<std::vector<std::uint8_t>> FileStore::get(const std::string& key) {
    fs::path path = path_for(key);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
        fail("open", key, errno);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);  // a key that is only a prefix of others (a directory) is no object
        return std::nullopt;
    }
    std::vector<std::uint8_t> out;
    std::uint8_t buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            fail("read", key, err);
        }
        if (n == 0) break;
        out.insert(out.end(), buf, buf + n);
    }
    ::close(fd);
    return out;
}

std::optional<ObjectInfo> FileStore::head(const std::string& key) {
    std::error_code ec;
    auto status = fs::status(path_for(key), ec);
    if (ec || !fs::is_regular_file(status)) return std::nullopt;
    auto size = fs::file_size(path_for(key), ec);
    if (ec) return std::nullopt;
    return ObjectInfo{key, size};
}

void FileStore::remove(const std::string& key) {
    std::error_code ec;
    fs::path path = path_for(key);
    if (!fs::is_regular_file(fs::symlink_status(path, ec))) return;  // absent or a directory
    fs::remove(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) fail("remove", key, ec.value());
}

ListPage FileStore::list(const std::string& prefix, const std::string& start_after,
                         std::size_t limit) {
    std::vector<ObjectInfo> all;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        std::string name = it->path().filename().string();
        if (name.front() == '.' && name.find(kTempMarker) != std::string::npos) continue;
        std::string key = fs::relative(it->path(), root_).generic_string();
        if (!key.starts_with(prefix) || key <= start_after) continue;
        all.push_back({key, it->file_size()});
    }
    if (ec) fail("list", prefix, ec.value());
    std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.key < b.key; });
    ListPage page;
    if (all.size() > limit) {
        all.resize(limit);
        page.next_start_after = all.back().key;
    }
    page.objects = std::move(all);
    return page;
}

std::string FileStore::describe() const {
    return "file://" + root_.string();
}

}  // namespace fotogal::storage
