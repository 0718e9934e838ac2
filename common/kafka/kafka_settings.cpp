#include "common/kafka/kafka_settings.hpp"

#include <fstream>
#include <sstream>

#include "common/log.hpp"

namespace fotogal::kafka {

namespace {

std::vector<std::pair<std::string, std::string>> parse_properties(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ';')) {
        if (item.empty()) continue;
        auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw ConfigError("FOTOGAL_KAFKA_PROPERTIES entry '" + item + "' is not key=value");
        out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    return out;
}

std::string read_secret_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError("cannot read FOTOGAL_KAFKA_SASL_PASSWORD_FILE " + path);
    std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    return value;
}

}  // namespace

KafkaSettings kafka_settings_from(const Config& config) {
    KafkaSettings s;
    s.brokers = config.str("FOTOGAL_KAFKA_BROKERS");
    s.security_protocol = config.str("FOTOGAL_KAFKA_SECURITY_PROTOCOL");
    s.sasl_mechanism = config.str("FOTOGAL_KAFKA_SASL_MECHANISM");
    s.sasl_username = config.str("FOTOGAL_KAFKA_SASL_USERNAME");
    s.sasl_password = config.str("FOTOGAL_KAFKA_SASL_PASSWORD");
    if (const auto& file = config.str("FOTOGAL_KAFKA_SASL_PASSWORD_FILE"); !file.empty())
        s.sasl_password = read_secret_file(file);
    s.idempotence = config.boolean("FOTOGAL_KAFKA_IDEMPOTENCE");
    s.extra = parse_properties(config.str("FOTOGAL_KAFKA_PROPERTIES"));
    return s;
}

void set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
    char err[512];
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
        throw ConfigError("Kafka property " + key + ": " + err);
}

void route_client_logs(rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t* rk, int level, const char* facility,
                                      const char* message) {
        // syslog levels: 0-3 error, 4 warning, 5-6 notice/info, 7 debug.
        log::Level ours = level <= 3   ? log::Level::error
                          : level == 4 ? log::Level::warn
                          : level <= 6 ? log::Level::info
                                       : log::Level::debug;
        log::write(
            ours, message,
            {{"component", "librdkafka"}, {"client", rd_kafka_name(rk)}, {"facility", facility}});
    });
}

ConfPtr make_conf(const KafkaSettings& s,
                  const std::vector<std::pair<std::string, std::string>>& role_properties) {
    ConfPtr conf(rd_kafka_conf_new());
    route_client_logs(conf.get());
    set_property(conf.get(), "bootstrap.servers", s.brokers);
    set_property(conf.get(), "security.protocol", s.security_protocol);
    // Broker connections get recycled (OCI Streaming closes long-lived ones to balance load;
    // NATs and load balancers drop idle ones without a word): keep them alive, close idle
    // ones ourselves before a middlebox does, and reconnect quickly.
    set_property(conf.get(), "socket.keepalive.enable", "true");
    set_property(conf.get(), "connections.max.idle.ms", "180000");
    set_property(conf.get(), "reconnect.backoff.ms", "100");
    set_property(conf.get(), "reconnect.backoff.max.ms", "5000");
    if (s.security_protocol.starts_with("SASL")) {
        set_property(conf.get(), "sasl.mechanisms", s.sasl_mechanism);
        set_property(conf.get(), "sasl.username", s.sasl_username);
        set_property(conf.get(), "sasl.password", s.sasl_password);
    }
    for (const auto& [k, v] : role_properties) set_property(conf.get(), k, v);
    for (const auto& [k, v] : s.extra) set_property(conf.get(), k, v);
    return conf;
}

}  // namespace fotogal::kafka
