// A permanent reason an image cannot be processed (undecodable, over a limit, ...). It ends
// in a `failed` manifest and a dead-letter record, never in a retry loop.
#pragma once

#include <stdexcept>
#include <string>

#include "common/errors.hpp"

namespace fotogal::pipeline {

// Its code() is the stable machine-readable reason: "unsupported_format", "too_many_pixels", ...
class ProcessingError : public Error {
  public:
    ProcessingError(std::string code, const std::string& message)
        : Error(ErrorKind::permanent, std::move(code), message) {}
};

}  // namespace fotogal::pipeline
