// A permanent reason an image cannot be processed (undecodable, over a limit, ...). It ends
// in a `failed` manifest and a dead-letter record, never in a retry loop.
#pragma once

#include <stdexcept>
#include <string>

namespace fotogal::pipeline {

class ProcessingError : public std::runtime_error {
  public:
    ProcessingError(std::string code, const std::string& message)
        : std::runtime_error(message), code_(std::move(code)) {}
    // Stable machine-readable reason: "unsupported_format", "too_many_pixels", ...
    const std::string& code() const { return code_; }

  private:
    std::string code_;
};

}  // namespace fotogal::pipeline
