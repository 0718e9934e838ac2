// The manifest: written last under manifests/{id}.json, its presence means "done".
// It records status, source, every output, tags, metadata, recipe fingerprint, worker
// version and timings (DESIGN.md §3).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "workers/pipeline/job.hpp"

namespace fotogal::pipeline {

struct SourceInfo {
    std::string image_id;
    std::string key;
    std::uint64_t size = 0;
    std::string sha256;
};

nlohmann::json processed_manifest(const Job& job, const SourceInfo& source);

// `job` may be half-run: whatever it learnt (format, size) is kept for the operator.
nlohmann::json failed_manifest(const Job* job, const SourceInfo& source, const Recipe& recipe,
                               const std::string& code, const std::string& message);

}  // namespace fotogal::pipeline
