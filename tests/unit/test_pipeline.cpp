#include <doctest/doctest.h>

#include "pipeline_support.hpp"

using fotogal::pipeline::Job;
using fotogal::pipeline::ProcessingError;

TEST_CASE("pipeline: the steps are declared in this order") {
    std::vector<std::string> names;
    for (const auto& step : fotogal::pipeline::pipeline_steps()) names.emplace_back(step.name);
    CHECK(names == std::vector<std::string>{"sniff", "limits", "metadata", "decode", "orient",
                                            "to_srgb", "renditions", "analysis", "faces",
                                            "thumbnail", "tags", "encode"});
}

TEST_CASE("pipeline: a whole run times every step and produces every rendition") {
    auto bytes = fotogal::test::read_corpus("photos/mei_Canon_EOS_1000D.jpg");
    auto recipe = fotogal::pipeline::default_recipe();
    Job job(bytes, recipe);
    fotogal::pipeline::run_pipeline(job);
    for (const auto& step : fotogal::pipeline::pipeline_steps())
        CHECK(job.timings_ms.contains(std::string(step.name)));
    CHECK(job.timings_ms.contains("total"));
    CHECK(job.outputs.size() == recipe.renditions.size());
}

TEST_CASE("pipeline: the recipe's time limit stops a run between steps") {
    auto bytes = fotogal::test::read_corpus("photos/mei_Canon_EOS_1000D.jpg");
    auto recipe = fotogal::pipeline::default_recipe();
    recipe.limits.max_ms = 1;  // a 10 Mpx decode takes far longer than 1 ms
    Job job(bytes, recipe);
    try {
        fotogal::pipeline::run_pipeline(job);
        FAIL("expected the time limit to stop the run");
    } catch (const ProcessingError& e) {
        CHECK(e.code() == "too_slow");
    }
}
