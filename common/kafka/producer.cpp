#include "common/kafka/producer.hpp"

#include <future>
#include <memory>

#include "common/log.hpp"

namespace fotogal::kafka {

namespace {

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
    // Ownership of the promise passed to librdkafka in send() comes back here exactly once.
    std::unique_ptr<std::promise<Delivery>> promise(
        static_cast<std::promise<Delivery>*>(msg->_private));
    if (!promise) return;
    Delivery d;
    d.ok = msg->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!d.ok) d.error = rd_kafka_err2str(msg->err);
    d.partition = msg->partition;
    d.offset = msg->offset;
    promise->set_value(std::move(d));
}

void on_error(rd_kafka_t*, int err, const char* reason, void*) {
    log::warn(
        "kafka client error",
        {{"error", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))}, {"reason", reason}});
}

}  // namespace

Producer::Producer(const KafkaSettings& settings, std::chrono::milliseconds delivery_timeout)
    : delivery_timeout_(delivery_timeout) {
    ConfPtr conf = make_conf(
        settings, {
                      {"acks", "all"},
                      {"enable.idempotence", settings.idempotence ? "true" : "false"},
                      {"message.timeout.ms", std::to_string(delivery_timeout.count())},
                      // OCI Streaming caps a message and a request at 1 MB; events are far
                      // smaller (<= 64 KiB), and a batch must stay within the request cap.
                      {"message.max.bytes", "1000000"},
                      {"batch.size", "900000"},
                      {"linger.ms", "5"},
                      // OCI Streaming closes long-lived connections to balance load: a
                      // request caught by that fails with a transport error and is retried
                      // (without limit, inside message.timeout.ms) on a new connection. A
                      // request on a connection that died silently times out after 10 s
                      // rather than 60, leaving time within the delivery timeout to retry.
                      {"message.send.max.retries", "2147483647"},
                      {"retry.backoff.ms", "200"},
                      {"request.timeout.ms", "10000"},
                      {"socket.timeout.ms", "10000"},
                  });
    rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
    rd_kafka_conf_set_error_cb(conf.get(), on_error);
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err);
    if (!rk) throw ConfigError(std::string("cannot create Kafka producer: ") + err);
    conf.release();  // rd_kafka_new took it
    rk_.reset(rk);
    poller_ = std::jthread([rk](std::stop_token stop) {
        while (!stop.stop_requested()) rd_kafka_poll(rk, 100);
    });
}

Producer::~Producer() {
    rd_kafka_flush(rk_.get(), 5000);
    poller_.request_stop();
    poller_.join();
    // Whatever could not be delivered gets its report now, so no waiter is left hanging.
    rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk_.get(), 0);
}

Delivery Producer::send(const std::string& topic, std::string_view key, std::string_view value) {
    auto promise = std::make_unique<std::promise<Delivery>>();
    auto future = promise->get_future();
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(promise.get()), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return {false, rd_kafka_err2str(err), -1, -1};
    promise.release();  // on_delivery owns it now
    // librdkafka reports every message within message.timeout.ms; the margin covers polling.
    if (future.wait_for(delivery_timeout_ + std::chrono::seconds(5)) != std::future_status::ready)
        return {false, "no delivery report from the Kafka client in time", -1, -1};
    return future.get();
}

bool Producer::connected() const {
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(rk_.get(), 0, nullptr, &md, 2000) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return false;
    bool ok = md->broker_cnt > 0;
    rd_kafka_metadata_destroy(md);
    return ok;
}

}  // namespace fotogal::kafka
