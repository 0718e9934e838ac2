// fotogal-worker: consumes image events (FOTOGAL_TOPIC) in a consumer group, runs the
// pipeline, writes renditions and the manifest, emits result events.
#include <unistd.h>

#include <cstdlib>
#include <opencv2/core/utils/logger.hpp>

#include "common/http/http_server.hpp"
#include "common/kafka/producer.hpp"
#include "common/log.hpp"
#include "common/program_main.hpp"
#include "common/settings.hpp"
#include "common/shutdown_signal.hpp"
#include "workers/consumer_loop.hpp"
#include "workers/pipeline/recipe.hpp"

using namespace fotogal;

namespace {

std::vector<SettingSpec> worker_settings() {
    return settings::join({
        settings::kafka(),
        settings::topics(),
        settings::storage(),
        settings::listen("127.0.0.1:8081"),
        settings::shutdown(),
        {{"FOTOGAL_TOPIC", "fotogal.uploads",
          "topic this worker consumes (the uploads or the reprocess topic)"},
         {"FOTOGAL_GROUP", "fotogal-workers", "consumer group of this worker deployment"},
         {"FOTOGAL_RECIPE", "", "recipe JSON file (empty: the built-in default recipe)"}},
    });
}

std::string hostname() {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

int run(const Config& config) {
    // A refused image is reported in our JSON log and its manifest; OpenCV's own
    // plain-text warnings about the same file would only break the log format.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    // First, so every thread started below inherits the blocked signal mask. Past the grace
    // period after SIGTERM, in-flight work is abandoned: exiting without its commit means it
    // is delivered again, to the group's remaining members.
    std::stop_source stop, finished;
    ShutdownSignal signal([&, grace = config.seconds("FOTOGAL_SHUTDOWN_GRACE")] {
        stop.request_stop();
        if (!wait_for_stop(finished.get_token(), grace)) {
            log::error("shutdown grace period over; abandoning in-flight work",
                       {{"grace_ms", grace.count()}});
            std::_Exit(2);
        }
    });
    pipeline::Recipe recipe = pipeline::load_recipe(config.str("FOTOGAL_RECIPE"));
    auto store =
        storage::open_object_store(config.str("FOTOGAL_STORAGE"), settings::storage_lookup(config));
    auto kafka = kafka::kafka_settings_from(config);
    kafka::Producer producer(kafka, std::chrono::seconds(30));
    worker::HandlerContext ctx{
        *store,
        producer,
        recipe,
        {config.str("FOTOGAL_TOPIC_RESULTS"), config.str("FOTOGAL_TOPIC_DLQ")},
        "/fotogal/worker/" + hostname()};
    worker::ConsumerLoop loop(kafka, {config.str("FOTOGAL_TOPIC"), config.str("FOTOGAL_GROUP")},
                              ctx);
    http::HttpServer http(config.str("FOTOGAL_LISTEN"), [&] { return loop.consuming(); });
    http.start();
    log::info("worker ready", {{"listen_port", http.port()},
                               {"storage", store->describe()},
                               {"recipe_fingerprint", recipe.fingerprint},
                               {"topic", config.str("FOTOGAL_TOPIC")}});
    loop.run(stop.get_token());
    finished.request_stop();
    http.stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return program_main("fotogal-worker", worker_settings(), argc, argv, run);
}
