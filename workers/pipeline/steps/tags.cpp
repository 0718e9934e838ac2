#include <chrono>

#include "workers/pipeline/steps/steps.hpp"
#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::steps {

// Every tagger the recipe names, on the analysis picture; each one's time is kept apart
// ("tag.<name>") so a slow one shows.
void tags(Job& job) {
    using namespace std::chrono;
    if (job.analysis.empty()) return;
    for (const taggers::Tagger* tagger : taggers::all()) {
        std::string name(tagger->name);
        if (!tagger->run || !job.recipe.taggers.contains(name)) continue;
        auto t0 = steady_clock::now();
        tagger->run(job, job.recipe.taggers.at(name));
        job.timings_ms["tag." + name] =
            duration<double, std::milli>(steady_clock::now() - t0).count();
    }
}

}  // namespace fotogal::pipeline::steps
