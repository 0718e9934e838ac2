#include "common/kafka/message.hpp"

namespace fotogal::kafka {

Message to_message(const rd_kafka_message_t& msg) {
    Message m;
    m.topic = msg.rkt ? rd_kafka_topic_name(msg.rkt) : "";
    m.partition = msg.partition;
    m.offset = msg.offset;
    if (msg.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        m.status = Message::Status::partition_eof;
        return m;
    }
    if (msg.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        m.status = Message::Status::error;
        m.error = rd_kafka_message_errstr(&msg);
        m.source_gone = msg.err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
                        msg.err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
        return m;
    }
    if (msg.key) m.key.assign(static_cast<const char*>(msg.key), msg.key_len);
    if (msg.payload) m.value.assign(static_cast<const char*>(msg.payload), msg.len);
    rd_kafka_timestamp_type_t type;
    std::int64_t ts = rd_kafka_message_timestamp(&msg, &type);
    if (ts >= 0) m.timestamp_ms = ts;
    return m;
}

}  // namespace fotogal::kafka
