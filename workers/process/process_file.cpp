#include "workers/process/process_file.hpp"

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "common/digest.hpp"
#include "workers/pipeline/manifest.hpp"
#include "workers/pipeline/memory_admission.hpp"
#include "workers/pipeline/pipeline.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::process {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return bytes;
}

void write_bytes(const fs::path& path, const void* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

json process_file(const fs::path& file, const pipeline::Recipe& recipe, const fs::path& out_dir,
                  MemoryBudget* memory) {
    auto started = std::chrono::steady_clock::now();
    auto bytes = read_bytes(file);
    pipeline::SourceInfo source{file.filename().string(), file.string(), bytes.size(),
                                sha256_hex(bytes)};
    fs::path folder = out_dir / file.filename();
    fs::create_directories(folder);
    MemoryBudget::Reservation reserved;  // before the job: given back after its buffers
    pipeline::Job job(bytes, recipe);
    json summary = {{"file", file.string()}};
    json manifest;
    try {
        if (memory) reserved = pipeline::admit(*memory, bytes, recipe);
        pipeline::run_pipeline(job);
        manifest = pipeline::processed_manifest(job, source);
        json outputs = json::array();
        for (const auto& o : job.outputs) {
            fs::path path = folder / (o.name + "." + o.extension);
            write_bytes(path, o.bytes.data(), o.bytes.size());
            outputs.push_back({{"name", o.name},
                               {"path", path.string()},
                               {"format", o.format},
                               {"width", o.width},
                               {"height", o.height},
                               {"bytes", o.bytes.size()}});
        }
        summary["status"] = "processed";
        summary["outputs"] = std::move(outputs);
        if (!job.warnings.empty()) summary["warnings"] = job.warnings;
    } catch (const pipeline::ProcessingError& e) {
        manifest = pipeline::failed_manifest(&job, source, recipe, e.code(), e.what());
        summary["status"] = "failed";
        summary["reason"] = {{"code", e.code()}, {"message", e.what()}};
    }
    std::string text = manifest.dump(2) + "\n";
    write_bytes(folder / "manifest.json", text.data(), text.size());
    summary["manifest"] = (folder / "manifest.json").string();
    summary["ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    return summary;
}

}  // namespace fotogal::process
