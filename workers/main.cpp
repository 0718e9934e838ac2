// fotogal-worker: consumes image events (FOTOGAL_TOPIC) in a consumer group, runs the
// pipeline, writes renditions and the manifest, emits result events.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <thread>

#include "common/cgroup_limits.hpp"
#include "common/http/http_server.hpp"
#include "common/http/server_settings.hpp"
#include "common/kafka/producer.hpp"
#include "common/log.hpp"
#include "common/memory_budget_size.hpp"
#include "common/program_main.hpp"
#include "common/settings.hpp"
#include "common/shutdown_signal.hpp"
#include "workers/consumer_loop.hpp"
#include "workers/image_event_handler.hpp"
#include "workers/pipeline/recipe.hpp"

using namespace fotogal;

namespace {

std::vector<SettingSpec> worker_settings() {
    return settings::join({
        settings::kafka(),
        settings::topics(),
        settings::storage(),
        settings::listen("127.0.0.1:8081"),
        http::server_settings(),
        settings::shutdown(),
        {{"FOTOGAL_TOPIC", "fotogal.uploads",
          "topic this worker consumes (the uploads or the reprocess topic)"},
         {"FOTOGAL_GROUP", "fotogal-workers", "consumer group of this worker deployment"},
         {"FOTOGAL_WORKER_CONCURRENCY", "0",
          "events handled at once by this process (0: the container's CPU quota rounded up, "
          "else one per CPU core); when that many are in flight the worker pauses fetching"},
         {"FOTOGAL_MEMORY_BUDGET", "auto",
          "memory the images in flight may use together, as bytes or e.g. 512MiB, 2GiB; each "
          "image reserves its estimated peak before decoding and waits for room (auto: 80% of "
          "the container's memory limit above 192 MiB; 0: no admission)"},
         {"FOTOGAL_RECIPE", "", "recipe JSON file (empty: the built-in default recipe)"},
         {"FOTOGAL_DROPOFF_PREFIX", "",
          "bucket events (OCI createobject) start work only for keys under this prefix "
          "(empty: any key); never for originals/, renditions/ or manifests/"},
         {"FOTOGAL_MAX_ATTEMPTS", "5",
          "attempts per event before it is dead-lettered (transient failures only; permanent "
          "and poison ones are dead-lettered at once); waits between attempts back off from 1 "
          "s to 30 s"}},
    });
}

std::string hostname() {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

int concurrency_from(const Config& config, const CgroupLimits& limits) {
    auto n = config.integer("FOTOGAL_WORKER_CONCURRENCY");
    if (n < 0 || n > 1024)
        throw ConfigError("FOTOGAL_WORKER_CONCURRENCY must be 0 (one per CPU) to 1024, not " +
                          std::to_string(n));
    return n > 0 ? int(n) : default_concurrency(limits, std::thread::hardware_concurrency());
}

int max_attempts_from(const Config& config) {
    auto n = config.integer("FOTOGAL_MAX_ATTEMPTS");
    if (n < 1 || n > 100)
        throw ConfigError("FOTOGAL_MAX_ATTEMPTS must be 1 to 100, not " + std::to_string(n));
    return int(n);
}

// Time one attempt may take besides the pipeline: the original's download, the outputs' and
// the manifest's uploads, and the result event's delivery (the producer's 30 s timeout).
constexpr std::chrono::seconds kAttemptIoAllowance{60};

int run(const Config& config) {
    // A refused image is reported in our JSON log and its manifest; OpenCV's own
    // plain-text warnings about the same file would only break the log format.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    CgroupLimits limits = read_cgroup_limits();
    int concurrency = concurrency_from(config, limits);
    // Each event runs the pipeline on one thread; N events at once already use N CPUs, so
    // OpenCV's own worker threads get only what is left, to avoid oversubscribing the CPU
    // (the pod's quota, not the node's cores: past the quota every thread is throttled).
    int cpus = usable_cpus(limits, std::thread::hardware_concurrency());
    cv::setNumThreads(std::max(1, cpus / concurrency));
    MemoryBudget memory(memory_budget_from_setting(config.str("FOTOGAL_MEMORY_BUDGET"), limits,
                                                   physical_memory_bytes()));
    auto grace = config.seconds("FOTOGAL_SHUTDOWN_GRACE");
    // First, so every thread started below inherits the blocked signal mask. The loop itself
    // keeps the grace period (finish, commit, leave the group); this is only the backstop for
    // a close that cannot reach the broker at all.
    std::stop_source stop, finished;
    ShutdownSignal signal([&] {
        stop.request_stop();
        if (!wait_for_stop(finished.get_token(), grace + std::chrono::seconds(15))) {
            log::error("worker did not stop in time after the grace period; exiting",
                       {{"grace_ms", grace.count()}});
            std::_Exit(2);
        }
    });
    worker::validate_dropoff_prefix(config.str("FOTOGAL_DROPOFF_PREFIX"));
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
        "/fotogal/worker/" + hostname(),
        worker::bucket_event_scope_for(config.str("FOTOGAL_STORAGE"),
                                       config.str("FOTOGAL_DROPOFF_PREFIX")),
        &memory};
    worker::RetryBudget budget{.max_attempts = max_attempts_from(config)};
    worker::ConsumerLoop loop(
        kafka,
        {.topic = config.str("FOTOGAL_TOPIC"),
         .group = config.str("FOTOGAL_GROUP"),
         .concurrency = concurrency,
         .grace = grace,
         .retry = budget},
        [&ctx](const worker::IncomingMessage& m) { handle_message(ctx, m); },
        [&ctx](const worker::IncomingMessage& m, const Error& last,
               const worker::AttemptHistory& history) {
            worker::dead_letter_event(ctx, m, last, history);
        });
    // Not ready while an event is in flight longer than the budget allows it: every attempt at
    // the recipe's time limit plus its I/O, every wait at the backoff cap. Only a hang that no
    // timeout covers gets there, so the operator sees it instead of a silently held partition.
    auto stuck_after = worker::stuck_threshold(
        budget, std::chrono::milliseconds(recipe.limits.max_ms) + kAttemptIoAllowance);
    http::HttpServer http(
        config.str("FOTOGAL_LISTEN"), [&] { return loop.consuming() && !loop.stuck(stuck_after); },
        http::limits_from(config));
    http.start();
    log::info("worker ready", {{"listen_port", http.port()},
                               {"storage", store->describe()},
                               {"recipe_fingerprint", recipe.fingerprint},
                               {"concurrency", concurrency},
                               {"max_attempts", budget.max_attempts},
                               {"stuck_after_s", stuck_after.count() / 1000},
                               {"memory_budget_bytes", memory.total()},
                               {"topic", config.str("FOTOGAL_TOPIC")}});
    std::size_t abandoned = loop.run(stop.get_token());
    http.stop();
    if (abandoned > 0) {
        // The consumer has committed what was finished and left the group; the abandoned
        // events' threads cannot be interrupted mid-image, so do not wait for them.
        std::_Exit(3);
    }
    finished.request_stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return program_main("fotogal-worker", worker_settings(), argc, argv, run);
}
