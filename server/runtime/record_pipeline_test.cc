#include "server/runtime/record_pipeline.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "server/convert/connect_exception.h"
#include "server/kafka/client.h"
#include "server/kafka/embedded_broker.h"

namespace sluice::runtime {
namespace {

// A record as read back from Kafka: bytes and headers.
struct Read {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

class RecordPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<kafka::EmbeddedBroker>> broker = kafka::EmbeddedBroker::Start({});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    worker_.key_converter = {"org.apache.kafka.connect.storage.StringConverter", {}};
    worker_.value_converter = {"org.apache.kafka.connect.json.JsonConverter",
                               {{"schemas.enable", "false"}}};
    admin_ = kafka::NewEmbeddedTopicAdmin(broker_.get());
  }

  void TearDown() override {
    for (rd_kafka_message_t* m : consumed_) rd_kafka_message_destroy(m);
    if (consumer_ != nullptr) rd_kafka_consumer_close(consumer_.get());
  }

  std::unique_ptr<RecordPipeline> Pipeline(ConfigMap connector, config::ConnectorType type) {
    connector.try_emplace("name", "orders");
    absl::StatusOr<config::ConnectorConfig> parsed =
        config::ConnectorConfig::Parse(connector, type, worker_);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    connector_ = std::make_unique<config::ConnectorConfig>(*std::move(parsed));
    RecordPipeline::Options o;
    o.connector = "orders";
    o.task = 2;
    o.connector_config = connector_.get();
    o.worker = &worker_;
    o.dlq_producer_settings = {{"bootstrap.servers", broker_->bootstrap_servers()}};
    o.dlq_admin = admin_.get();
    absl::StatusOr<std::unique_ptr<RecordPipeline>> p = RecordPipeline::Create(std::move(o));
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *std::move(p) : nullptr;
  }

  void Produce(const std::string& topic, std::optional<std::string> key,
               std::optional<std::string> value,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (producer_ == nullptr) {
      absl::StatusOr<rd_kafka_conf_t*> conf =
          kafka::NewConf({{"bootstrap.servers", broker_->bootstrap_servers()}});
      ASSERT_TRUE(conf.ok());
      absl::StatusOr<kafka::KafkaHandle> p = kafka::NewClient(RD_KAFKA_PRODUCER, *conf);
      ASSERT_TRUE(p.ok());
      producer_ = *std::move(p);
    }
    ASSERT_TRUE(broker_->EnsureTopic(topic).ok());
    rd_kafka_headers_t* h = rd_kafka_headers_new(headers.size());
    for (const auto& [k, v] : headers) rd_kafka_header_add(h, k.data(), -1, v.data(), v.size());
    ASSERT_EQ(kafka::Produce(producer_.get(), {.topic = topic.c_str(),
                                               .key = key ? key->data() : nullptr,
                                               .key_size = key ? key->size() : 0,
                                               .value = value ? value->data() : nullptr,
                                               .value_size = value ? value->size() : 0,
                                               .timestamp = 1700000000000,
                                               .headers = h}),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(rd_kafka_flush(producer_.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  // Reads `count` messages of partition 0 of `topic` from the start; kept until TearDown.
  std::vector<rd_kafka_message_t*> Consume(const std::string& topic, size_t count) {
    if (consumer_ == nullptr) {
      absl::StatusOr<rd_kafka_conf_t*> conf = kafka::NewConf(
          {{"bootstrap.servers", broker_->bootstrap_servers()}, {"group.id", "test"}});
      EXPECT_TRUE(conf.ok());
      absl::StatusOr<kafka::KafkaHandle> c = kafka::NewClient(RD_KAFKA_CONSUMER, *conf);
      EXPECT_TRUE(c.ok());
      consumer_ = *std::move(c);
      rd_kafka_poll_set_consumer(consumer_.get());
    }
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(consumer_.get(), parts);
    rd_kafka_topic_partition_list_destroy(parts);
    std::vector<rd_kafka_message_t*> out;
    for (int attempts = 0; attempts < 200 && out.size() < count; ++attempts) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.get(), 50);
      if (m == nullptr) continue;
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_message_destroy(m);
        continue;
      }
      consumed_.push_back(m);
      out.push_back(m);
    }
    EXPECT_EQ(out.size(), count) << "records read from " << topic;
    return out;
  }

  std::vector<Read> ReadAll(const std::string& topic, size_t count) {
    std::vector<Read> out;
    for (rd_kafka_message_t* m : Consume(topic, count)) {
      Read r;
      if (m->key != nullptr) r.key = std::string(static_cast<const char*>(m->key), m->key_len);
      if (m->payload != nullptr) {
        r.value = std::string(static_cast<const char*>(m->payload), m->len);
      }
      rd_kafka_headers_t* h = nullptr;
      if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* v;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(h, i, &name, &v, &size) ==
                           RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          r.headers.emplace_back(name, v == nullptr ? std::nullopt
                                                    : std::optional<std::string>(std::string(
                                                          static_cast<const char*>(v), size)));
        }
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  SourceRecord Line(std::string text) {
    SourceRecord r;
    r.topic = "lines";
    r.value_schema = Schema::String();
    r.value = Value::String(std::move(text));
    r.source_partition = Value::Map({{Value::String("filename"), Value::String("/in.txt")}});
    r.source_offset = Value::Map({{Value::String("position"), Value::Int64(4)}});
    return r;
  }

  config::WorkerConfig worker_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<kafka::TopicAdmin> admin_;
  std::unique_ptr<config::ConnectorConfig> connector_;
  kafka::KafkaHandle producer_;
  kafka::KafkaHandle consumer_;
  std::vector<rd_kafka_message_t*> consumed_;
};

TEST_F(RecordPipelineTest, SourceRecordsGoThroughTransformsThenConverters) {
  std::unique_ptr<RecordPipeline> p = Pipeline(
      {{"transforms", "hoist,stamp,route"},
       {"transforms.hoist.type", "org.apache.kafka.connect.transforms.HoistField$Value"},
       {"transforms.hoist.field", "line"},
       {"transforms.stamp.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
       {"transforms.stamp.static.field", "origin"},
       {"transforms.stamp.static.value", "sluice"},
       {"transforms.route.type", "RegexRouter"},
       {"transforms.route.regex", "(.*)"},
       {"transforms.route.replacement", "$1-copy"}},
      config::ConnectorType::kSource);
  ASSERT_NE(p, nullptr);
  SourceRecord line = Line("hello");
  line.headers.push_back({"n", Schema::Int32(), Value::Int32(42)});
  absl::StatusOr<std::optional<ProducerRecord>> out = p->ProcessSource(line);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->topic, "lines-copy");
  EXPECT_EQ((*out)->key, std::nullopt);
  EXPECT_EQ((*out)->value, R"({"line":"hello","origin":"sluice"})");
  ASSERT_EQ((*out)->headers.size(), 1u);
  EXPECT_EQ((*out)->headers[0].first, "n");
  EXPECT_EQ((*out)->headers[0].second, "42");  // SimpleHeaderConverter's text
}

TEST_F(RecordPipelineTest, APredicateDecidesWhetherATransformRuns) {
  std::unique_ptr<RecordPipeline> p = Pipeline(
      {{"transforms", "drop"},
       {"transforms.drop.type", "org.apache.kafka.connect.transforms.Filter"},
       {"transforms.drop.predicate", "isLines"},
       {"transforms.drop.negate", "true"},
       {"predicates", "isLines"},
       {"predicates.isLines.type",
        "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
       {"predicates.isLines.pattern", "lin.*"}},
      config::ConnectorType::kSource);
  ASSERT_NE(p, nullptr);
  // negate: Filter applies to topics that do not match.
  absl::StatusOr<std::optional<ProducerRecord>> kept = p->ProcessSource(Line("a"));
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->has_value());
  SourceRecord other = Line("b");
  other.topic = "other";
  absl::StatusOr<std::optional<ProducerRecord>> dropped = p->ProcessSource(other);
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(dropped->has_value());
}

TEST_F(RecordPipelineTest, ABadTransformConfigFailsTheTaskAtStartWithKafkasMessage) {
  absl::StatusOr<config::ConnectorConfig> parsed = config::ConnectorConfig::Parse(
      {{"name", "orders"},
       {"transforms", "stamp"},
       {"transforms.stamp.type", "org.apache.kafka.connect.transforms.InsertField$Value"}},
      config::ConnectorType::kSource, worker_);
  ASSERT_TRUE(parsed.ok());
  RecordPipeline::Options o;
  o.connector = "orders";
  o.connector_config = &*parsed;
  o.worker = &worker_;
  absl::StatusOr<std::unique_ptr<RecordPipeline>> p = RecordPipeline::Create(std::move(o));
  ASSERT_FALSE(p.ok());
  // Kafka Connect's ConnectException(cause) around the transformation's ConfigException.
  EXPECT_EQ(p.status().message(),
            "org.apache.kafka.connect.errors.ConnectException: "
            "org.apache.kafka.common.config.ConfigException: No field insertion configured\n"
            "\tConfiguring transform 'stamp'\n"
            "Caused by: org.apache.kafka.common.config.ConfigException: No field insertion "
            "configured");
}

TEST_F(RecordPipelineTest, SinkRecordsGoThroughConvertersThenTransforms) {
  Produce("orders", "k1", R"({"after":{"id":1,"card_number":"4111"}})", {{"h", "true"}});
  std::vector<rd_kafka_message_t*> in = Consume("orders", 1);
  ASSERT_EQ(in.size(), 1u);
  std::unique_ptr<RecordPipeline> p = Pipeline(
      {{"topics", "orders"},
       {"transforms", "unwrap,mask"},
       {"transforms.unwrap.type", "org.apache.kafka.connect.transforms.ExtractField$Value"},
       {"transforms.unwrap.field", "after"},
       {"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
       {"transforms.mask.fields", "card_number"}},
      config::ConnectorType::kSink);
  ASSERT_NE(p, nullptr);
  absl::StatusOr<std::optional<SinkRecord>> out = p->ProcessSink(*in[0]);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->has_value());
  const SinkRecord& r = **out;
  EXPECT_EQ(r.topic, "orders");
  EXPECT_EQ(r.offset, 0);
  EXPECT_EQ(r.key, Value::String("k1"));
  EXPECT_EQ(r.timestamp_ms, 1700000000000);
  ASSERT_EQ(r.value.kind(), Value::Kind::kMap);
  EXPECT_EQ(*r.value.Find("card_number"), Value::String(""));
  EXPECT_EQ(*r.value.Find("id"), Value::Int64(1));
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].value, Value::Boolean(true));  // SimpleHeaderConverter's inference
}

TEST_F(RecordPipelineTest, ToleratedFailuresGoToTheDeadLetterQueueWithContextHeaders) {
  Produce("orders", "k", "not json", {{"trace", "abc"}});
  Produce("orders", "k", R"("just a string")");
  std::vector<rd_kafka_message_t*> in = Consume("orders", 2);
  ASSERT_EQ(in.size(), 2u);
  std::unique_ptr<RecordPipeline> p = Pipeline(
      {{"topics", "orders"},
       {"transforms", "unwrap"},
       {"transforms.unwrap.type", "org.apache.kafka.connect.transforms.ExtractField$Value"},
       {"transforms.unwrap.field", "after"},
       {"errors.tolerance", "all"},
       {"errors.deadletterqueue.topic.name", "orders-dlq"},
       {"errors.deadletterqueue.context.headers.enable", "true"}},
      config::ConnectorType::kSink);
  ASSERT_NE(p, nullptr);
  for (rd_kafka_message_t* m : in) {
    absl::StatusOr<std::optional<SinkRecord>> out = p->ProcessSink(*m);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_FALSE(out->has_value());
  }
  ASSERT_TRUE(p->FlushReports(absl::Seconds(10)).ok());
  std::vector<Read> dlq = ReadAll("orders-dlq", 2);
  ASSERT_EQ(dlq.size(), 2u);
  // The original bytes and headers, then Kafka Connect's context headers.
  EXPECT_EQ(dlq[0].key, "k");
  EXPECT_EQ(dlq[0].value, "not json");
  auto header = [](const Read& r, const std::string& name) -> std::optional<std::string> {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "<absent>";
  };
  EXPECT_EQ(dlq[0].headers[0].first, "trace");
  EXPECT_EQ(header(dlq[0], "__connect.errors.topic"), "orders");
  EXPECT_EQ(header(dlq[0], "__connect.errors.partition"), "0");
  EXPECT_EQ(header(dlq[0], "__connect.errors.offset"), "0");
  EXPECT_EQ(header(dlq[0], "__connect.errors.connector.name"), "orders");
  EXPECT_EQ(header(dlq[0], "__connect.errors.task.id"), "2");
  EXPECT_EQ(header(dlq[0], "__connect.errors.stage"), "VALUE_CONVERTER");
  EXPECT_EQ(header(dlq[0], "__connect.errors.class.name"),
            "org.apache.kafka.connect.json.JsonConverter");
  EXPECT_EQ(header(dlq[0], "__connect.errors.exception.class.name"),
            "org.apache.kafka.connect.errors.DataException");
  EXPECT_EQ(header(dlq[1], "__connect.errors.offset"), "1");
  EXPECT_EQ(header(dlq[1], "__connect.errors.stage"), "TRANSFORMATION");
  EXPECT_EQ(header(dlq[1], "__connect.errors.class.name"),
            "org.apache.kafka.connect.transforms.ExtractField$Value");
}

TEST_F(RecordPipelineTest, ErrantRecordsFromThePluginGoToTheDeadLetterQueue) {
  Produce("orders", "k", R"({"x":1})");
  std::vector<rd_kafka_message_t*> in = Consume("orders", 1);
  ASSERT_EQ(in.size(), 1u);
  std::unique_ptr<RecordPipeline> p =
      Pipeline({{"topics", "orders"},
                {"errors.deadletterqueue.topic.name", "orders-dlq2"},
                {"errors.deadletterqueue.context.headers.enable", "true"}},
               config::ConnectorType::kSink);
  ASSERT_NE(p, nullptr);
  // errors.tolerance=none: reported, then the task fails.
  absl::Status s = p->ReportErrant(*in[0], "duplicate key");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("stage TASK_PUT"), std::string::npos) << s;
  ASSERT_TRUE(p->FlushReports(absl::Seconds(10)).ok());
  std::vector<Read> dlq = ReadAll("orders-dlq2", 1);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].value, R"({"x":1})");
}

TEST_F(RecordPipelineTest, ToleranceNoneFailsNamingTheRecord) {
  Produce("orders", std::nullopt, "{");
  std::vector<rd_kafka_message_t*> in = Consume("orders", 1);
  ASSERT_EQ(in.size(), 1u);
  std::unique_ptr<RecordPipeline> p = Pipeline({{"topics", "orders"}}, config::ConnectorType::kSink);
  ASSERT_NE(p, nullptr);
  absl::StatusOr<std::optional<SinkRecord>> out = p->ProcessSink(*in[0]);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(absl::StartsWith(
      out.status().message(),
      "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\n"
      "\tstage VALUE_CONVERTER, the value converter (org.apache.kafka.connect.json.JsonConverter), "
      "record: topic orders, partition 0, offset 0\n"
      "Caused by: org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka "
      "Connect data failed due to serialization error: "))
      << out.status();
}

// Kafka Connect's producerSendFailed: a record the producer refused fails the task with
// "Unrecoverable exception from producer send callback" (the error handler does not see it),
// unless errors.tolerance=all skips it.
TEST_F(RecordPipelineTest, ProduceFailuresFailTheTaskUnlessToleranceIsAll) {
  const absl::Status too_large = convert::JavaError(
      absl::StatusCode::kInvalidArgument, "org.apache.kafka.common.errors.RecordTooLargeException",
      "The message is 67108964 bytes when serialized which is larger than 1048576, which is the "
      "value of the max.request.size configuration.");
  std::unique_ptr<RecordPipeline> strict =
      Pipeline({{"connector.class", "FileStreamSource"}}, config::ConnectorType::kSource);
  ASSERT_NE(strict, nullptr);
  SourceRecord line = Line("a");
  absl::Status failed = strict->ReportProduceFailure(&line, too_large);
  EXPECT_EQ(failed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(failed.message(),
            "org.apache.kafka.connect.errors.ConnectException: Unrecoverable exception from "
            "producer send callback\n"
            "Caused by: org.apache.kafka.common.errors.RecordTooLargeException: The message is "
            "67108964 bytes when serialized which is larger than 1048576, which is the value of "
            "the max.request.size configuration.");

  std::unique_ptr<RecordPipeline> tolerant = Pipeline(
      {{"connector.class", "FileStreamSource"}, {"errors.tolerance", "all"}},
      config::ConnectorType::kSource);
  ASSERT_NE(tolerant, nullptr);
  EXPECT_TRUE(tolerant->ReportProduceFailure(&line, too_large).ok());
}

}  // namespace
}  // namespace sluice::runtime
