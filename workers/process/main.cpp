// fotogal-process FILE... --out DIR [--recipe R] [--json]
// The worker's pipeline on local files, without Kafka or a bucket: for batch jobs, for
// checking a recipe before deploying it, and for benchmarks. Exit status: 0 when every file
// was processed, 1 when at least one failed (unreadable or not processable: its manifest says
// why; the others are processed anyway), 2 for a usage or recipe error, or an output that
// cannot be written.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <opencv2/core/utils/logger.hpp>
#include <string>
#include <vector>

#include "common/cgroup_limits.hpp"
#include "common/memory_budget_size.hpp"
#include "workers/pipeline/recipe.hpp"
#include "workers/process/process_file.hpp"

namespace {

constexpr const char* kUsage =
    "usage: fotogal-process FILE... --out DIR [--recipe R] [--json]\n"
    "  Runs the image pipeline on local files. For each FILE writes\n"
    "  DIR/<file name>/<rendition>.<ext> and DIR/<file name>/manifest.json.\n"
    "  --recipe R   recipe JSON file (default: FOTOGAL_RECIPE, else the built-in recipe)\n"
    "  --json       print a JSON summary of every file on stdout\n"
    "  FOTOGAL_MEMORY_BUDGET  memory one image may use, bytes or e.g. 512MiB (default auto:\n"
    "               80% of the container's memory limit above 192 MiB; 0: no limit); an image\n"
    "               whose estimated peak is larger fails with reason over_memory_budget\n"
    "  exit status: 0 all processed, 1 some file failed (the others are processed\n"
    "  anyway), 2 usage or recipe error, or an output that cannot be written\n";

struct Options {
    std::vector<std::string> files;
    std::string out, recipe;
    bool json = false;
};

Options parse(int argc, char** argv) {
    Options o;
    if (const char* env = std::getenv("FOTOGAL_RECIPE")) o.recipe = env;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            std::exit(0);
        } else if ((a == "--out" || a == "--recipe") && i + 1 < argc) {
            (a == "--out" ? o.out : o.recipe) = argv[++i];
        } else if (a.starts_with("--out=")) {
            o.out = a.substr(6);
        } else if (a.starts_with("--recipe=")) {
            o.recipe = a.substr(9);
        } else if (a == "--json") {
            o.json = true;
        } else if (a.starts_with("--")) {
            throw std::invalid_argument("unknown option " + a);
        } else {
            o.files.push_back(a);
        }
    }
    if (o.files.empty()) throw std::invalid_argument("no input FILE given");
    if (o.out.empty()) throw std::invalid_argument("--out DIR is required");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    try {
        Options options = parse(argc, argv);
        auto recipe = fotogal::pipeline::load_recipe(options.recipe);
        const char* budget_setting = std::getenv("FOTOGAL_MEMORY_BUDGET");
        fotogal::MemoryBudget memory(fotogal::memory_budget_from_setting(
            budget_setting ? budget_setting : "", fotogal::read_cgroup_limits(),
            fotogal::physical_memory_bytes()));
        nlohmann::json files = nlohmann::json::array();
        int failed = 0;
        for (const auto& file : options.files) {
            auto summary = fotogal::process::process_file(file, recipe, options.out, &memory);
            if (summary.at("status") != "processed") {
                ++failed;
                std::cerr << file
                          << ": failed: " << summary.at("reason").at("message").get<std::string>()
                          << "\n";
            }
            files.push_back(std::move(summary));
        }
        if (options.json)
            std::cout << nlohmann::json{{"recipe_fingerprint", recipe.fingerprint},
                                        {"processed", files.size() - failed},
                                        {"failed", failed},
                                        {"files", files}}
                             .dump(2)
                      << "\n";
        return failed ? 1 : 0;
    } catch (const std::invalid_argument& e) {
        std::cerr << "fotogal-process: " << e.what() << "\n" << kUsage;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "fotogal-process: " << e.what() << "\n";
        return 2;
    }
}
