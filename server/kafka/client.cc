#include "server/kafka/client.h"

#include "absl/strings/str_cat.h"
#include "server/kafka/errors.h"

namespace sluice::kafka {

absl::StatusOr<rd_kafka_conf_t*> NewConf(const ConfigMap& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid Kafka client setting ", key, "=", value, ": ", errstr));
    }
  }
  return conf;
}

absl::StatusOr<KafkaHandle> NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(absl::StrCat("Could not create a Kafka client: ", errstr));
  }
  return KafkaHandle(rk);
}

absl::StatusOr<std::string> FetchClusterId(const std::string& bootstrap_servers,
                                           absl::Duration timeout) {
  absl::StatusOr<rd_kafka_conf_t*> conf =
      NewConf({{"bootstrap.servers", bootstrap_servers}, {"client.id", "sluice-worker-admin"},
               {"log_level", "3"}});
  if (!conf.ok()) return conf.status();
  absl::StatusOr<KafkaHandle> rk = NewClient(RD_KAFKA_PRODUCER, *conf);
  if (!rk.ok()) return rk.status();
  const struct rd_kafka_metadata* metadata = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk->get(), 0, nullptr, &metadata,
                                              static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return ToStatus(err, absl::StrCat("Could not reach Kafka at ", bootstrap_servers));
  }
  rd_kafka_metadata_destroy(metadata);
  char* id = rd_kafka_clusterid(rk->get(), 0);
  if (id == nullptr) return std::string();
  std::string result(id);
  rd_kafka_mem_free(rk->get(), id);
  return result;
}

}  // namespace sluice::kafka
