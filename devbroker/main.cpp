// fotogal-devbroker: the embedded broker of the quick start — librdkafka's mock cluster in a
// small program, so trying the pipeline needs no Java and no external service. In memory
// only; for real work (and for the integration tests) use Apache Kafka (scripts/kafka.sh).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <stop_token>

#include "common/config.hpp"
#include "common/kafka/kafka_settings.hpp"
#include "common/log.hpp"
#include "common/program_main.hpp"
#include "common/settings.hpp"
#include "common/shutdown_signal.hpp"

using namespace fotogal;

namespace {

struct MockClusterDeleter {
    void operator()(rd_kafka_mock_cluster_t* mc) const { rd_kafka_mock_cluster_destroy(mc); }
};

std::vector<SettingSpec> devbroker_settings() {
    return settings::join({
        settings::topics(),
        {{"FOTOGAL_DEVBROKER_PARTITIONS", "4", "partitions of each topic"},
         {"FOTOGAL_DEVBROKER_BOOTSTRAP_FILE", "",
          "file to write the bootstrap address to once the broker serves"}},
    });
}

int run(const Config& config) {
    std::stop_source stop;
    ShutdownSignal signal([&] { stop.request_stop(); });
    kafka::ConfPtr conf(rd_kafka_conf_new());
    kafka::route_client_logs(conf.get());
    kafka::set_property(conf.get(), "log_level", "3");
    char err[512];
    kafka::HandlePtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
    if (!rk) throw std::runtime_error(std::string("cannot create Kafka handle: ") + err);
    conf.release();
    std::unique_ptr<rd_kafka_mock_cluster_t, MockClusterDeleter> cluster(
        rd_kafka_mock_cluster_new(rk.get(), 1));
    if (!cluster) throw std::runtime_error("cannot start the mock Kafka cluster");
    int partitions = static_cast<int>(config.integer("FOTOGAL_DEVBROKER_PARTITIONS"));
    for (const char* topic : {"FOTOGAL_TOPIC_UPLOADS", "FOTOGAL_TOPIC_REPROCESS",
                              "FOTOGAL_TOPIC_RESULTS", "FOTOGAL_TOPIC_DLQ"}) {
        if (auto e =
                rd_kafka_mock_topic_create(cluster.get(), config.str(topic).c_str(), partitions, 1))
            throw std::runtime_error("cannot create topic " + config.str(topic) + ": " +
                                     rd_kafka_err2str(e));
    }
    std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster.get());
    if (const auto& file = config.str("FOTOGAL_DEVBROKER_BOOTSTRAP_FILE"); !file.empty()) {
        // Written whole then renamed, so a reader never sees a partial address.
        std::string temp = file + ".tmp";
        std::ofstream(temp) << bootstrap << "\n";
        std::rename(temp.c_str(), file.c_str());
    }
    std::cout << bootstrap << std::endl;
    log::info("embedded broker serving", {{"bootstrap", bootstrap}, {"partitions", partitions}});
    wait_for_stop(stop.get_token());
    log::info("embedded broker stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return program_main("fotogal-devbroker", devbroker_settings(), argc, argv, run);
}
