#include "server/kafka/client.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"
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

namespace {

// `base` with the connection settings of `security` (librdkafka's security.protocol, ssl.*,
// sasl.*, enable.ssl.certificate.verification); its other settings do not count.
ConfigMap WithSecurity(ConfigMap base, const ConfigMap& security) {
  for (const auto& [key, value] : security) {
    if (key == "security.protocol" || absl::StartsWith(key, "ssl.") ||
        absl::StartsWith(key, "sasl.") || key == "enable.ssl.certificate.verification") {
      base[key] = value;
    }
  }
  return base;
}

}  // namespace

absl::StatusOr<std::string> FetchClusterId(const std::string& bootstrap_servers,
                                           absl::Duration timeout, const ConfigMap& security) {
  absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(WithSecurity(
      {{"bootstrap.servers", bootstrap_servers}, {"client.id", "sluice-worker-admin"},
       {"log_level", "3"}},
      security));
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

absl::StatusOr<std::vector<CommittedOffset>> FetchCommittedOffsets(
    const std::string& bootstrap_servers, const std::string& group,
    const std::vector<std::string>& topics, absl::Duration timeout,
    const std::string& topics_regex, const ConfigMap& security) {
  std::optional<RE2> regex;
  if (!topics_regex.empty()) {
    regex.emplace(topics_regex, RE2::Quiet);
    if (!regex->ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid topics.regex ", topics_regex, ": ", regex->error()));
    }
  }
  absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(WithSecurity(
      {{"bootstrap.servers", bootstrap_servers}, {"group.id", group},
       {"client.id", "sluice-worker-offsets"}, {"enable.auto.commit", "false"},
       {"allow.auto.create.topics", "false"}, {"log_level", "3"}},
      security));
  if (!conf.ok()) return conf.status();
  absl::StatusOr<KafkaHandle> rk = NewClient(RD_KAFKA_CONSUMER, *conf);
  if (!rk.ok()) return rk.status();
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(8);
  // Adds the partitions of the topics in `metadata` that `wanted` accepts.
  auto add = [&](const struct rd_kafka_metadata* metadata, auto wanted) {
    for (int t = 0; t < metadata->topic_cnt; ++t) {
      const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
      if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || !wanted(std::string(topic.topic))) continue;
      for (int p = 0; p < topic.partition_cnt; ++p) {
        if (rd_kafka_topic_partition_list_find(list, topic.topic, topic.partitions[p].id) ==
            nullptr) {
          rd_kafka_topic_partition_list_add(list, topic.topic, topic.partitions[p].id);
        }
      }
    }
  };
  for (const std::string& topic : topics) {
    rd_kafka_topic_t* handle = rd_kafka_topic_new(rk->get(), topic.c_str(), nullptr);
    const struct rd_kafka_metadata* metadata = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk->get(), 0, handle, &metadata, timeout_ms);
    rd_kafka_topic_destroy(handle);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(list);
      return ToStatus(err, absl::StrCat("Reading the partitions of topic ", topic));
    }
    add(metadata, [&](const std::string& name) { return name == topic; });
    rd_kafka_metadata_destroy(metadata);
  }
  if (regex.has_value()) {
    const struct rd_kafka_metadata* metadata = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk->get(), 1, nullptr, &metadata, timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(list);
      return ToStatus(err, "Listing the topics that match topics.regex");
    }
    add(metadata, [&](const std::string& name) {
      return !absl::StartsWith(name, "__") && RE2::FullMatch(name, *regex);
    });
    rd_kafka_metadata_destroy(metadata);
  }
  std::vector<CommittedOffset> out;
  if (list->cnt > 0) {
    rd_kafka_resp_err_t err = rd_kafka_committed(rk->get(), list, timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(list);
      return ToStatus(err, absl::StrCat("Reading the committed offsets of group ", group));
    }
    for (int i = 0; i < list->cnt; ++i) {
      const rd_kafka_topic_partition_t& tp = list->elems[i];
      if (tp.err == RD_KAFKA_RESP_ERR_NO_ERROR && tp.offset >= 0) {
        out.push_back({tp.topic, tp.partition, tp.offset});
      }
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return out;
}

rd_kafka_resp_err_t Produce(rd_kafka_t* producer, const ProduceArgs& args) {
  rd_kafka_vu_t vus[8];
  vus[0].vtype = RD_KAFKA_VTYPE_TOPIC;
  vus[0].u.cstr = args.topic;
  vus[1].vtype = RD_KAFKA_VTYPE_PARTITION;
  vus[1].u.i32 = args.partition;
  vus[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vus[2].u.i = RD_KAFKA_MSG_F_COPY;
  // librdkafka copies key and value (RD_KAFKA_MSG_F_COPY) and never writes through them.
  vus[3].vtype = RD_KAFKA_VTYPE_KEY;
  vus[3].u.mem.ptr = const_cast<void*>(args.key);
  vus[3].u.mem.size = args.key_size;
  vus[4].vtype = RD_KAFKA_VTYPE_VALUE;
  vus[4].u.mem.ptr = const_cast<void*>(args.value);
  vus[4].u.mem.size = args.value_size;
  vus[5].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
  vus[5].u.i64 = args.timestamp;
  vus[6].vtype = RD_KAFKA_VTYPE_HEADERS;
  vus[6].u.headers = args.headers;
  vus[7].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vus[7].u.ptr = args.opaque;
  rd_kafka_error_t* error = rd_kafka_produceva(producer, vus, 8);
  if (error == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;
  const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
  rd_kafka_error_destroy(error);
  return code;
}

}  // namespace sluice::kafka
