// Connection settings shared by every Kafka client of the project, read from FOTOGAL_KAFKA_*,
// and the RAII handle for a librdkafka configuration built from them.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/config.hpp"

namespace fotogal::kafka {

struct KafkaSettings {
    std::string brokers;
    std::string security_protocol = "PLAINTEXT";
    std::string sasl_mechanism = "PLAIN";
    std::string sasl_username;
    std::string sasl_password;
    bool idempotence = true;
    std::vector<std::pair<std::string, std::string>> extra;  // applied last
};

// Reads the settings declared by settings::kafka(); the password file wins over the value.
KafkaSettings kafka_settings_from(const Config& config);

struct ConfDeleter {
    void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct HandleDeleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

// Connection properties, then the role's own, then the user's extra ones. Throws ConfigError
// naming the property librdkafka refused.
ConfPtr make_conf(const KafkaSettings& settings,
                  const std::vector<std::pair<std::string, std::string>>& role_properties);

void set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& value);

// Sends librdkafka's own log lines through the project's JSON logger (make_conf does this).
void route_client_logs(rd_kafka_conf_t* conf);

}  // namespace fotogal::kafka
