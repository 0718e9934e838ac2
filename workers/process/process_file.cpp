#include "workers/process/process_file.hpp"

#include <chrono>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "common/digest.hpp"
#include "common/errors.hpp"
#include "workers/pipeline/manifest.hpp"
#include "workers/pipeline/memory_admission.hpp"
#include "workers/pipeline/pipeline.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::process {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// An input that cannot be read fails that file only (permanent for it).
std::vector<std::uint8_t> read_bytes(const fs::path& path) {
    auto unreadable = [&] {
        return Error(ErrorKind::permanent, "unreadable",
                     "cannot read " + path.string() + ": check that it is a readable file");
    };
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw unreadable();
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw unreadable();
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!in) throw unreadable();
    return bytes;
}

// An output that cannot be written is fatal for the run: every other file would fail the same.
void write_bytes(const fs::path& path, const void* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out)
        throw Error(ErrorKind::fatal, "output_unwritable",
                    "cannot write " + path.string() + ": check --out and the free space");
}

void create_folder(const fs::path& folder) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw Error(ErrorKind::fatal, "output_unwritable",
                    "cannot create " + folder.string() + ": " + ec.message());
}

// Runs the pipeline and writes the outputs; fills `summary` for a processed file and returns its
// manifest. Throws what the pipeline throws.
json run_and_write(pipeline::Job& job, const pipeline::SourceInfo& source, const fs::path& folder,
                   json& summary) {
    pipeline::run_pipeline(job);
    json manifest = pipeline::processed_manifest(job, source);
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
    return manifest;
}

}  // namespace

json process_file(const fs::path& file, const pipeline::Recipe& recipe, const fs::path& out_dir,
                  MemoryBudget* memory) {
    auto started = std::chrono::steady_clock::now();
    pipeline::SourceInfo source{file.filename().string(), file.string(), 0, ""};
    fs::path folder = out_dir / file.filename();
    create_folder(folder);
    json summary = {{"file", file.string()}};
    std::vector<std::uint8_t> bytes;
    MemoryBudget::Reservation reserved;  // before the job: given back after its buffers
    std::optional<pipeline::Job> job;
    json manifest;
    auto failed = [&](const std::string& code, const std::string& message) {
        manifest = pipeline::failed_manifest(job ? &*job : nullptr, source, recipe, code, message);
        summary["status"] = "failed";
        summary["reason"] = {{"code", code}, {"message", message}};
    };
    // Whatever goes wrong with this file fails this file only; a fatal error (an output that
    // cannot be written) ends the run.
    try {
        bytes = read_bytes(file);
        source.size = bytes.size();
        source.sha256 = sha256_hex(bytes);
        job.emplace(bytes, recipe);
        if (memory) reserved = pipeline::admit(*memory, bytes, recipe);
        manifest = run_and_write(*job, source, folder, summary);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::fatal) throw;
        failed(e.code(), e.what());  // a ProcessingError, or the input unreadable
    } catch (const std::exception& e) {
        failed("internal", e.what());  // a decoder's own exception (cv::Exception, ...)
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
