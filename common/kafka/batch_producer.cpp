#include "common/kafka/batch_producer.hpp"

#include <stdexcept>

#include "common/kafka/topic_metadata.hpp"
#include "common/log.hpp"

namespace fotogal::kafka {

BatchProducer::BatchProducer(const KafkaSettings& settings,
                             std::chrono::milliseconds delivery_timeout) {
    ConfPtr conf =
        make_conf(settings, {
                                {"acks", "all"},
                                {"enable.idempotence", settings.idempotence ? "true" : "false"},
                                {"message.timeout.ms", std::to_string(delivery_timeout.count())},
                                {"message.max.bytes", "1000000"},  // OCI Streaming's cap
                                // Bulk work: fuller requests matter more than latency.
                                {"linger.ms", "20"},
                                // A mistyped topic name is an error, not a new topic.
                                {"allow.auto.create.topics", "false"},
                                {"socket.keepalive.enable", "true"},
                                {"reconnect.backoff.ms", "100"},
                                {"reconnect.backoff.max.ms", "5000"},
                            });
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &BatchProducer::on_delivery);
    rd_kafka_conf_set_opaque(conf.get(), this);
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err);
    if (!rk) throw ConfigError(std::string("cannot create Kafka producer: ") + err);
    conf.release();  // rd_kafka_new took it
    rk_.reset(rk);
}

BatchProducer::~BatchProducer() {
    flush(std::chrono::seconds(5));
    // What is still queued is reported as failed now, so the counters are final.
    rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk_.get(), 0);
}

void BatchProducer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    auto* self = static_cast<BatchProducer*>(opaque);
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++self->delivered_;
        return;
    }
    ++self->failed_;
    if (self->last_error_.empty())
        log::warn("message not delivered", {{"error", rd_kafka_err2str(msg->err)}});
    self->last_error_ = rd_kafka_err2str(msg->err);
}

void BatchProducer::produce(const std::string& topic, std::string_view key,
                            std::string_view value) {
    for (;;) {
        rd_kafka_resp_err_t err =
            rd_kafka_producev(rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(rk_.get(), 100);  // the queue drains as reports are served
            continue;
        }
        ++failed_;
        last_error_ = rd_kafka_err2str(err);
        break;
    }
    rd_kafka_poll(rk_.get(), 0);
}

bool BatchProducer::flush(std::chrono::milliseconds timeout) {
    return rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count())) ==
           RD_KAFKA_RESP_ERR_NO_ERROR;
}

std::optional<int> BatchProducer::partition_count(const std::string& topic,
                                                  std::chrono::milliseconds timeout) {
    return topic_partition_count(rk_.get(), topic, timeout);
}

}  // namespace fotogal::kafka
