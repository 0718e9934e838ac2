#include "workers/pipeline/manifest.hpp"

#include <set>
#include <string_view>

#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/object_keys.hpp"

namespace fotogal::pipeline {

using nlohmann::json;

namespace {

json base(const SourceInfo& source, const Recipe& recipe, const char* status) {
    return {{"image_id", source.image_id},
            {"status", status},
            {"source", {{"key", source.key}, {"size", source.size}, {"sha256", source.sha256}}},
            {"recipe_fingerprint", recipe.fingerprint},
            {"worker_version", FOTOGAL_VERSION},
            {"finished_at", rfc3339_now()}};
}

void add_source_facts(json& manifest, const Job& job) {
    if (!job.header) return;
    json& src = manifest["source"];
    src["format"] = formats::format_name(job.header->format);
    src["media_type"] = formats::media_type(job.header->format);
    src["width"] = job.header->width;
    src["height"] = job.header->height;
    if (job.oriented_width > 0) {
        src["oriented_width"] = job.oriented_width;
        src["oriented_height"] = job.oriented_height;
    }
}

json unique_labels(const std::vector<std::string>& labels) {
    json out = json::array();
    std::set<std::string_view> seen;
    for (const std::string& label : labels)
        if (seen.insert(label).second) out.push_back(label);
    return out;
}

}  // namespace

json processed_manifest(const Job& job, const SourceInfo& source) {
    json m = base(source, job.recipe, "processed");
    add_source_facts(m, job);
    json outputs = json::array();
    for (const Output& o : job.outputs)
        outputs.push_back({{"name", o.name},
                           {"key", keys::rendition(source.image_id, o.name, o.extension)},
                           {"format", o.format},
                           {"media_type", o.media_type},
                           {"width", o.width},
                           {"height", o.height},
                           {"bytes", o.bytes.size()},
                           // The content's identity: serving builds its strong ETag from it.
                           {"sha256", sha256_hex(o.bytes)}});
    m["outputs"] = std::move(outputs);
    m["tags"] = job.tags;
    m["labels"] = unique_labels(job.labels);
    m["held"] = job.held;
    if (!job.warnings.empty()) m["warnings"] = job.warnings;
    if (!job.crops.empty()) m["crops"] = job.crops;
    m["metadata"] = job.metadata;
    m["timings_ms"] = job.timings_ms;
    return m;
}

json failed_manifest(const Job* job, const SourceInfo& source, const Recipe& recipe,
                     const std::string& code, const std::string& message) {
    json m = base(source, recipe, "failed");
    m["reason"] = {{"code", code}, {"message", message}};
    m["outputs"] = json::array();
    if (job) {
        add_source_facts(m, *job);
        m["timings_ms"] = job->timings_ms;
    }
    return m;
}

}  // namespace fotogal::pipeline
