// Recipe files (workers/pipeline/recipe): any JSON must either parse into a usable recipe or
// be refused with RecipeError naming the field; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "workers/pipeline/recipe.hpp"

namespace pl = fotogal::pipeline;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return 0;
    try {
        pl::Recipe recipe = pl::parse_recipe(json);
        if (recipe.renditions.empty() || recipe.fingerprint.size() != 64) std::abort();
        for (const auto& r : recipe.renditions)
            if (r.width < 1 || r.height < 1 || r.quality < 1 || r.quality > 100) std::abort();
        // The canonical form must parse back to the same fingerprint.
        if (pl::parse_recipe(recipe.canonical).fingerprint != recipe.fingerprint) std::abort();
    } catch (const pl::RecipeError&) {
    }
    return 0;
}
