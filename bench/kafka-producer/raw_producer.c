/* Producer throughput of librdkafka driven directly from C: the baseline for the Swift wrapper.
 * Same workload and settings as Sources/KafkaProducerBench: acks=all, idempotent, linger 5 ms,
 * 100k queued records, 1,000 distinct keys, every delivery report counted. Prints one JSON line.
 *   raw_producer <bootstrap> <topic> <count> <size> */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long delivered, failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk; (void)opaque;
    if (m->err) failed++; else delivered++;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
    char error[256];
    if (rd_kafka_conf_set(conf, name, value, error, sizeof error) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "%s: %s\n", name, error);
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: raw_producer <bootstrap> <topic> <count> <size>\n"); return 64; }
    long count = atol(argv[3]);
    size_t size = (size_t)atol(argv[4]);
    char error[256], keys[1000][16];
    for (int i = 0; i < 1000; i++) snprintf(keys[i], sizeof keys[i], "player-%d", i);
    char *payload = malloc(size);
    memset(payload, 'a', size);

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", argv[1]);
    set(conf, "client.id", "bench-c");
    set(conf, "enable.idempotence", "true");
    set(conf, "acks", "all");
    set(conf, "message.timeout.ms", "10000");
    set(conf, "queue.buffering.max.messages", "100000");
    set(conf, "linger.ms", "5");
    set(conf, "compression.codec", "none");
    set(conf, "log_level", "3");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!rk) { fprintf(stderr, "%s\n", error); return 1; }

    /* Warm up, as the Swift side does. */
    rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_VALUE(payload, size),
                      RD_KAFKA_V_KEY(keys[0], strlen(keys[0])), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    rd_kafka_flush(rk, 10000);
    delivered = failed = 0;

    double start = now();
    for (long i = 0; i < count; ) {
        const char *key = keys[i % 1000];
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_VALUE(payload, size), RD_KAFKA_V_KEY(key, strlen(key)),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) { rd_kafka_poll(rk, 1); continue; }
        if (err) { failed++; }
        i++;
        rd_kafka_poll(rk, 0);
    }
    while (delivered + failed < count) rd_kafka_poll(rk, 100);
    double seconds = now() - start;
    printf("{\"impl\":\"c\",\"messages\":%ld,\"failed\":%ld,\"seconds\":%f,\"msgs_per_sec\":%ld}\n",
           count, failed, seconds, (long)(count / seconds));
    rd_kafka_destroy(rk);
    free(payload);
    return 0;
}
