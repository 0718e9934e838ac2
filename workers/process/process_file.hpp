// One local file through the worker's pipeline: outputs and manifest written under a folder
// of its own, as the worker writes them to the bucket (but without Kafka or storage).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/memory_budget.hpp"
#include "workers/pipeline/recipe.hpp"

namespace fotogal::process {

// Writes OUT/<file name>/<rendition>.<ext> and OUT/<file name>/manifest.json and returns a
// summary {file, status, reason?, outputs: [{name, path, format, width, height, bytes}], ms}.
// Never throws for a bad or unreadable input file (that is a `failed` status, code
// `unreadable` for a file that cannot be read); throws a fatal Error when the outputs cannot
// be written. With `memory`, the image's estimated peak is reserved from it first (an image
// larger than the budget fails with over_memory_budget).
nlohmann::json process_file(const std::filesystem::path& file, const pipeline::Recipe& recipe,
                            const std::filesystem::path& out_dir, MemoryBudget* memory = nullptr);

}  // namespace fotogal::process
