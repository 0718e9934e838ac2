// fotogal-ingest: the upload endpoint. Stores originals and publishes upload events.
#include <stop_token>

#include "common/http/http_server.hpp"
#include "common/kafka/producer.hpp"
#include "common/log.hpp"
#include "common/program_main.hpp"
#include "common/settings.hpp"
#include "common/shutdown_signal.hpp"
#include "ingest/routes.hpp"

using namespace fotogal;

namespace {

std::vector<SettingSpec> ingest_settings() {
    return settings::join({
        settings::kafka(),
        settings::topics(),
        settings::storage(),
        settings::listen("127.0.0.1:8080"),
        {{"FOTOGAL_MAX_UPLOAD_BYTES", "52428800", "largest accepted upload in bytes (413 above)"},
         {"FOTOGAL_MAX_PIXELS", "100000000",
          "largest accepted image in pixels, read from the header (422 above)"},
         {"FOTOGAL_PRODUCE_TIMEOUT", "10",
          "seconds to wait for the broker's acknowledgement before answering 503"}},
    });
}

int run(const Config& config) {
    std::stop_source stop;
    ShutdownSignal signal([&] { stop.request_stop(); });  // before any other thread starts
    auto store =
        storage::open_object_store(config.str("FOTOGAL_STORAGE"), settings::storage_lookup(config));
    kafka::Producer producer(kafka::kafka_settings_from(config),
                             config.seconds("FOTOGAL_PRODUCE_TIMEOUT"));
    ingest::UploadLimits limits{
        static_cast<std::uint64_t>(config.integer("FOTOGAL_MAX_UPLOAD_BYTES")),
        static_cast<std::uint64_t>(config.integer("FOTOGAL_MAX_PIXELS"))};
    ingest::UploadService service(*store, producer, config.str("FOTOGAL_TOPIC_UPLOADS"), limits);
    http::HttpServer http(config.str("FOTOGAL_LISTEN"), [&] { return producer.connected(); });
    ingest::add_routes(http.routes(), service, limits.max_bytes);
    http.start();
    log::info("ingest ready", {{"listen_port", http.port()},
                               {"storage", store->describe()},
                               {"topic", config.str("FOTOGAL_TOPIC_UPLOADS")}});
    wait_for_stop(stop.get_token());
    http.stop();
    log::info("ingest stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return program_main("fotogal-ingest", ingest_settings(), argc, argv, run);
}
