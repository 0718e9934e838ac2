// multipart/form-data (RFC 7578) read as a stream: parts one after another, each part's
// bytes handed out as they arrive, so a browser's file upload never sits in memory whole.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/http/body_reader.hpp"

namespace fotogal::http {

struct PartHeaders {
    std::string name;
    std::optional<std::string> filename;  // set for file fields
    std::string content_type;
};

class MultipartReader {
  public:
    MultipartReader(BodyReader& body, std::string boundary);
    // The boundary parameter of a multipart/form-data Content-Type; nullopt otherwise.
    static std::optional<std::string> boundary_of(std::string_view content_type);

    // Skips what is left of the current part; nullopt after the last. Throws BodyError (400)
    // for a malformed body.
    std::optional<PartHeaders> next_part();
    // The current part's bytes; 0 at its end.
    std::size_t read(std::span<char> out);

  private:
    void fill();  // more bytes from the body, or BodyError at its end
    std::size_t find_delimiter() const;

    BodyReader& body_;
    std::string delimiter_;  // CRLF "--" boundary
    std::string buffer_;
    bool in_part_ = false;
    bool done_ = false;
};

}  // namespace fotogal::http
