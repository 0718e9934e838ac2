#include "common/http/multipart_reader.hpp"

#include <algorithm>
#include <cstring>

namespace fotogal::http {

namespace {

constexpr std::size_t kMaxPartHead = 8 * 1024;
constexpr std::size_t kMaxPreamble = 64 * 1024;
constexpr std::size_t kReadSize = 64 * 1024;

[[noreturn]] void malformed(const std::string& why) {
    throw BodyError(400, "bad_multipart", "the multipart body is malformed: " + why);
}

// A parameter of a header value such as `form-data; name="file"; filename="a.jpg"`.
std::optional<std::string> parameter(std::string_view value, std::string_view name) {
    std::size_t pos = 0;
    while ((pos = value.find(';', pos)) != std::string_view::npos) {
        ++pos;
        while (pos < value.size() && value[pos] == ' ') ++pos;
        auto eq = value.find('=', pos);
        if (eq == std::string_view::npos) return std::nullopt;
        if (!iequals(value.substr(pos, eq - pos), name)) continue;
        std::string_view rest = value.substr(eq + 1);
        if (!rest.empty() && rest.front() == '"') {
            auto close = rest.find('"', 1);
            if (close == std::string_view::npos) return std::nullopt;
            return std::string(rest.substr(1, close - 1));
        }
        return std::string(rest.substr(0, rest.find(';')));
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> MultipartReader::boundary_of(std::string_view content_type) {
    auto semi = content_type.find(';');
    std::string_view type = content_type.substr(0, semi);
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    if (!iequals(type, "multipart/form-data")) return std::nullopt;
    auto boundary = parameter(content_type, "boundary");
    if (!boundary || boundary->empty() || boundary->size() > 70) return std::nullopt;
    return boundary;
}

// The body is read as if it began with CRLF, so every delimiter, the first included, is
// CRLF "--" boundary.
MultipartReader::MultipartReader(BodyReader& body, std::string boundary)
    : body_(body), delimiter_("\r\n--" + boundary), buffer_("\r\n") {}

void MultipartReader::fill() {
    char chunk[kReadSize];
    std::size_t n = body_.read(chunk);
    if (n == 0) malformed("it ends before its closing boundary");
    buffer_.append(chunk, n);
}

std::size_t MultipartReader::find_delimiter() const {
    return buffer_.find(delimiter_);
}

std::optional<PartHeaders> MultipartReader::next_part() {
    if (done_) return std::nullopt;
    char sink[kReadSize];
    while (in_part_) read(sink);
    std::size_t at;
    while ((at = find_delimiter()) == std::string::npos) {
        if (buffer_.size() > kMaxPreamble) malformed("no boundary where one should be");
        fill();
    }
    buffer_.erase(0, at + delimiter_.size());
    while (buffer_.size() < 2) fill();
    if (buffer_.compare(0, 2, "--") == 0) {
        done_ = true;  // the epilogue, if any, is ignored
        return std::nullopt;
    }
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (buffer_.size() > kMaxPartHead) malformed("a part's headers are too long");
        fill();
    }
    // After the boundary: optional whitespace, CRLF, then the part's header lines.
    std::string_view head = std::string_view(buffer_).substr(0, head_end + 2);
    auto first = head.find("\r\n");
    PartHeaders part;
    bool disposition = false;
    for (auto line_start = first + 2; line_start < head.size();) {
        auto line_end = head.find("\r\n", line_start);
        std::string_view line = head.substr(line_start, line_end - line_start);
        line_start = line_end + 2;
        auto colon = line.find(':');
        if (colon == std::string_view::npos) malformed("a part header has no ':'");
        std::string_view name = line.substr(0, colon);
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (iequals(name, "content-disposition")) {
            disposition = true;
            part.name = parameter(value, "name").value_or("");
            part.filename = parameter(value, "filename");
        } else if (iequals(name, "content-type")) {
            part.content_type = std::string(value);
        }
    }
    if (!disposition || part.name.empty()) malformed("a part has no Content-Disposition name");
    buffer_.erase(0, head_end + 4);
    in_part_ = true;
    return part;
}

std::size_t MultipartReader::read(std::span<char> out) {
    if (!in_part_ || out.empty()) return 0;
    for (;;) {
        std::size_t at = find_delimiter();
        std::size_t safe = at != std::string::npos ? at
                                                   : (buffer_.size() >= delimiter_.size()
                                                          ? buffer_.size() - (delimiter_.size() - 1)
                                                          : 0);
        if (at == 0) {
            in_part_ = false;  // the delimiter stays for next_part()
            return 0;
        }
        if (safe > 0) {
            std::size_t n = std::min(safe, out.size());
            std::memcpy(out.data(), buffer_.data(), n);
            buffer_.erase(0, n);
            return n;
        }
        fill();
    }
}

}  // namespace fotogal::http
