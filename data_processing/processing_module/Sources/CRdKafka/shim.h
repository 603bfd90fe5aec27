// librdkafka's C API (rdkafka.h and the mock cluster of rdkafka_mock.h), plus small inline
// wrappers for the variadic calls Swift cannot import.
#ifndef PROCESSING_MODULE_CRDKAFKA_SHIM_H
#define PROCESSING_MODULE_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

// The code relies on 2.8.0 (fetch.queue.backoff.ms, the fix of confluentinc/librdkafka#4312, the
// mock cluster's group settings). Run scripts/build-librdkafka.sh and build with
// PKG_CONFIG_PATH=<its prefix>/lib/pkgconfig (make does both).
#if RD_KAFKA_VERSION < 0x020800ff
#error "librdkafka 2.8.0 or newer is needed: run `make librdkafka` and export the PKG_CONFIG_PATH it prints"
#endif

/// Makes broker `broker_id` answer its next request of kind `api_key` with `error` (0: none)
/// after `rtt_ms` milliseconds (the variadic mock call, for one error).
static inline rd_kafka_resp_err_t shim_mock_push_delayed_error(
    rd_kafka_mock_cluster_t *cluster, int32_t broker_id, int16_t api_key, rd_kafka_resp_err_t error, int32_t rtt_ms) {
    return rd_kafka_mock_broker_push_request_error_rtts(cluster, broker_id, api_key, 1, error, rtt_ms);
}

/// Produces one message with key, value, headers (ownership passes to librdkafka on success),
/// timestamp (0: now) and partition (RD_KAFKA_PARTITION_UA: the partitioner decides).
static inline rd_kafka_resp_err_t shim_produce(
    rd_kafka_t *rk, const char *topic, int32_t partition, const void *key, size_t key_len,
    const void *value, size_t value_len, int64_t timestamp, rd_kafka_headers_t *headers, void *opaque) {
    if (headers == NULL) {
        return rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
            RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_TIMESTAMP(timestamp),
            RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    }
    return rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
        RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_TIMESTAMP(timestamp),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}

#endif
