// Expected bytes and statuses come from Kafka 3.9.1: a throwaway Java program ran
// connect-runtime's own KafkaStatusBackingStore (put/putSafe/deleteTopic with a capturing log,
// and read() fed the records below) and printed what it wrote and what its caches then held.
#include "server/store/status_records.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::store {
namespace {

StatusValue Status(State state, std::optional<std::string> trace, std::string worker,
                   int32_t generation) {
  return StatusValue{state, std::move(trace), std::move(worker), generation};
}

TEST(StatusRecords, ConnectorStatusesAreWrittenAsJavaWritesThem) {
  EXPECT_EQ(ConnectorStatusRecord("my-conn", Status(State::kRunning, std::nullopt,
                                                    "10.0.0.5:8083", 7)).value(),
            (TopicRecord{"status-connector-my-conn", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"10.0.0.5:8083\",\"generation\":7}"}));
  EXPECT_EQ(ConnectorStatusRecord(
                "my-conn",
                Status(State::kFailed,
                       "org.apache.kafka.connect.errors.ConnectException: boom \"q\" \\ caf\u00e9 "
                       "\u2713 \U0001F600\n\tat X.y(X.java:1)\n\001",
                       "w:1", -3)).value(),
            (TopicRecord{"status-connector-my-conn", "{\"state\":\"FAILED\",\"trace\":\"org.apache.kafka.connect.errors.ConnectException: boom \\\"q\\\" \\\\ café ✓ \\uD83D\\uDE00\\n\\tat X.y(X.java:1)\\n\\u0001\",\"worker_id\":\"w:1\",\"generation\":-3}"}));
  EXPECT_EQ(ConnectorStatusRecord("my-conn", Status(State::kStopped, std::nullopt, "w:1",
                                                    2147483647)).value(),
            (TopicRecord{"status-connector-my-conn", "{\"state\":\"STOPPED\",\"trace\":null,\"worker_id\":\"w:1\",\"generation\":2147483647}"}));
  EXPECT_EQ(ConnectorStatusRecord("my-conn", Status(State::kDestroyed, std::nullopt, "w:1",
                                                    8)).value(),
            (TopicRecord{"status-connector-my-conn", std::nullopt}));
}

TEST(StatusRecords, TaskStatusesAreWrittenAsJavaWritesThem) {
  EXPECT_EQ(TaskStatusRecord({"my-conn", 3}, Status(State::kUnassigned, std::nullopt,
                                                     "w:1", 0)).value(),
            (TopicRecord{"status-task-my-conn-3", "{\"state\":\"UNASSIGNED\",\"trace\":null,\"worker_id\":\"w:1\",\"generation\":0}"}));
  EXPECT_EQ(TaskStatusRecord({"my-conn", 3}, Status(State::kRestarting, "", "w:1", 1)).value(),
            (TopicRecord{"status-task-my-conn-3", "{\"state\":\"RESTARTING\",\"trace\":\"\",\"worker_id\":\"w:1\",\"generation\":1}"}));
  EXPECT_EQ(TaskStatusRecord({"my-conn", 3}, Status(State::kDestroyed, std::nullopt,
                                                     "w:1", 1)).value(),
            (TopicRecord{"status-task-my-conn-3", std::nullopt}));
}

TEST(StatusRecords, StatusWithoutWorkerIdIsRefusedWithJavasMessage) {
  StatusValue status{State::kRunning, std::nullopt, std::nullopt, 1};
  absl::StatusOr<TopicRecord> record = ConnectorStatusRecord("my-conn", status);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(record.status().message(),
            "Invalid value: null used for required field: \"worker_id\", schema type: STRING");
}

TEST(StatusRecords, TopicStatusesAreWrittenAsJavaWritesThem) {
  EXPECT_EQ(TopicStatusRecord({"connect-test", "local-file-sink", 0, 1700000000000}),
            (TopicRecord{"status-topic-connect-test:connector-local-file-sink", "{\"topic\":{\"name\":\"connect-test\",\"connector\":\"local-file-sink\",\"task\":0,\"discoverTimestamp\":1700000000000}}"}));
  EXPECT_EQ(TopicStatusRecord({"t.\u00e9", "c:x", -1, -5}),
            (TopicRecord{"status-topic-t.é:connector-c:x", "{\"topic\":{\"name\":\"t.é\",\"connector\":\"c:x\",\"task\":-1,\"discoverTimestamp\":-5}}"}));
  EXPECT_EQ(TopicStatusTombstone("connect-test", "local-file-sink"),
            (TopicRecord{"status-topic-connect-test:connector-local-file-sink", std::nullopt}));
}

TEST(StatusRecords, StatusValuesReadBackAsWritten) {
  StatusValue status = Status(State::kFailed, "trace\n", "w:1", 12);
  EXPECT_EQ(DecodeStatusValue(EncodeStatusValue(status).value()), status);
  TopicStatus topic{"t", "c", 2, 17};
  EXPECT_EQ(DecodeTopicStatusValue(EncodeTopicStatusValue(topic)), topic);
}

TEST(StatusRecords, KeysParseAsJavaParsesThem) {
  EXPECT_EQ(ParseConnectorStatusKey("status-connector-a-b"), "a-b");
  EXPECT_EQ(ParseConnectorStatusKey("status-connector-"), std::nullopt);
  EXPECT_EQ(ParseTaskStatusKey("status-task-x-y-z-7"), (ConnectorTaskId{"x-y-z", 7}));
  EXPECT_EQ(ParseTaskStatusKey("status-task-q--2"), (ConnectorTaskId{"q-", 2}));
  EXPECT_EQ(ParseTaskStatusKey("status-task-m"), std::nullopt);
  EXPECT_EQ(ParseTaskStatusKey("status-task-m-"), std::nullopt);
  auto topic = ParseTopicStatusKey("status-topic-a:b:connector-c");
  ASSERT_TRUE(topic.has_value());
  EXPECT_EQ(topic->topic, "a");
  EXPECT_EQ(topic->connector, "r-c");  // 11 characters after the first ':' are skipped
  EXPECT_EQ(ParseTopicStatusKey("status-topic-x:conn"), std::nullopt);
  EXPECT_EQ(ParseTopicStatusKey("status-topic-:connector-m"), std::nullopt);
  EXPECT_EQ(ParseTopicStatusKey("status-topic-x:connector-"), std::nullopt);
  EXPECT_EQ(ParseTopicStatusKey("status-topic-x"), std::nullopt);
}

struct PutSafeCase {
  std::string name;
  std::optional<std::string> cached;  // the status record read before
  std::string worker;
  int32_t generation;
  bool written;
};

// KafkaStatusBackingStore.putSafe after read() of `cached`: did it send?
TEST(StatusRecords, PutSafeWritesAsJavaDoes) {
  const std::vector<PutSafeCase> cases = {
  {"no cached status", std::nullopt, "w2", 1, true},
  {"same worker, lower generation", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1\",\"generation\":5}", "w1", 1, true},
  {"other worker, lower generation", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1\",\"generation\":5}", "w2", 4, false},
  {"other worker, same generation", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1\",\"generation\":5}", "w2", 5, true},
  {"other worker, higher generation", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1\",\"generation\":5}", "w2", 6, true},
  {"task: other worker, lower generation", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1\",\"generation\":5}", "w2", 4, false},
  {"task: same worker, lower generation", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1\",\"generation\":5}", "w1", 4, true},
  };
  for (const PutSafeCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::optional<StatusValue> cached;
    if (c.cached.has_value()) cached = DecodeStatusValue(*c.cached);
    EXPECT_EQ(CanWriteSafely(cached, Status(State::kUnassigned, std::nullopt, c.worker,
                                            c.generation)),
              c.written);
  }
}

TEST(StatusRecords, IncomingUnassignedTaskLosesOnlyToRunningOfNoLowerGeneration) {
  const StatusValue running = Status(State::kRunning, std::nullopt, "w1", 5);
  const StatusValue failed = Status(State::kFailed, "x", "w1", 5);
  auto unassigned = [](int32_t g) { return Status(State::kUnassigned, std::nullopt, "w2", g); };
  EXPECT_TRUE(IgnoresIncomingTaskStatus(running, unassigned(5)));
  EXPECT_TRUE(IgnoresIncomingTaskStatus(running, unassigned(4)));
  EXPECT_FALSE(IgnoresIncomingTaskStatus(running, unassigned(6)));
  EXPECT_FALSE(IgnoresIncomingTaskStatus(failed, unassigned(1)));
  EXPECT_FALSE(IgnoresIncomingTaskStatus(std::nullopt, unassigned(1)));
  EXPECT_FALSE(IgnoresIncomingTaskStatus(running, Status(State::kPaused, std::nullopt, "w2", 1)));
}

std::string StatusText(const StatusValue& s) {
  return absl::StrCat(std::string(StateName(s.state)), " trace=", s.trace.value_or("null"),
                      " worker=", s.worker_id.value_or("null"), " gen=", s.generation);
}

// The same text the Java program printed from the store's caches.
std::string Dump(const StatusTopicState& state) {
  std::string out;
  for (const std::string& c : state.Connectors()) {
    absl::StrAppend(&out, "connector ", c, ": ", StatusText(*state.Connector(c)), "\n");
  }
  for (const std::string& c : state.ConnectorsWithTasks()) {
    for (const auto& [t, s] : state.Tasks(c)) {
      absl::StrAppend(&out, "task ", c, "-", t, ": ", StatusText(s), "\n");
    }
  }
  for (const std::string& c : state.ConnectorsWithTopics()) {
    for (const auto& [t, s] : state.Topics(c)) {
      absl::StrAppend(&out, "topic ", c, " ", t, ": name=", s.topic, " connector=", s.connector,
                      " task=", s.task, " ts=", s.discover_timestamp_ms, "\n");
    }
  }
  return out;
}

struct Scenario {
  std::string name;
  std::vector<std::pair<std::string, std::optional<std::string>>> records;
  std::string expected;
};

// Fed in order to Kafka 3.9.1's KafkaStatusBackingStore.read(); `expected` is what it then held.
TEST(StatusTopicState, AppliesRecordsAsKafkaStatusBackingStore) {
  const std::vector<Scenario> scenarios = {
{"reads",
 {
  {"status-connector-a", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":3}"},
  {"status-task-a-0", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":5}"},
  {"status-task-a-0", "{\"state\":\"UNASSIGNED\",\"trace\":null,\"worker_id\":\"w2:8083\",\"generation\":5}"},
  {"status-task-a-1", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":5}"},
  {"status-task-a-1", "{\"state\":\"UNASSIGNED\",\"trace\":null,\"worker_id\":\"w2:8083\",\"generation\":6}"},
  {"status-task-a-2", "{\"state\":\"FAILED\",\"trace\":\"boom\",\"worker_id\":\"w1:8083\",\"generation\":9}"},
  {"status-task-a-2", "{\"state\":\"UNASSIGNED\",\"trace\":null,\"worker_id\":\"w2:8083\",\"generation\":1}"},
  {"status-task-a-3", "{\"state\":\"UNASSIGNED\",\"trace\":null,\"worker_id\":\"w2:8083\",\"generation\":1}"},
  {"status-task-a-3", "{\"state\":\"PAUSED\",\"trace\":null,\"worker_id\":\"w2:8083\",\"generation\":1}"},
  {"status-task-a-4", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":5}"},
  {"status-task-a-4", "{\"state\":\"UNASSIGNED\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":4}"},
  {"status-task-a-4", std::nullopt},
  {"status-connector-b", "{\"state\":\"STOPPED\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":3}"},
  {"status-task-b-0", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":3}"},
  {"status-task-b-1", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":3}"},
  {"status-connector-b", std::nullopt},
  {"status-task-orphan-0", "{\"state\":\"RESTARTING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":3}"},
  {"status-task-x-y-z-7", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-task-q--2", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-task-q-+3", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-task-q-٤", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-topic-connect-test:connector-a", "{\"topic\":{\"name\":\"connect-test\",\"connector\":\"a\",\"task\":0,\"discoverTimestamp\":1700000000000}}"},
  {"status-topic-other:connector-a", "{\"topic\":{\"name\":\"other\",\"connector\":\"a\",\"task\":1,\"discoverTimestamp\":1700000000001}}"},
  {"status-topic-other:connector-a", std::nullopt},
  {"status-topic-t2:connector-gone", "{\"topic\":{\"name\":\"t2\",\"connector\":\"gone\",\"task\":1,\"discoverTimestamp\":5}}"},
  {"status-topic-t2:connector-gone", std::nullopt},
  {"status-topic-a:b:connector-c", "{\"topic\":{\"name\":\"n\",\"connector\":\"k\",\"task\":2,\"discoverTimestamp\":6}}"},
  {"status-topic-t3:XXXXXXXXXXzz", "{\"topic\":{\"name\":\"t3\",\"connector\":\"zz\",\"task\":2,\"discoverTimestamp\":6}}"},
 },
 R"(connector a: RUNNING trace=null worker=w1:8083 gen=3
task a-0: RUNNING trace=null worker=w1:8083 gen=5
task a-1: UNASSIGNED trace=null worker=w2:8083 gen=6
task a-2: UNASSIGNED trace=null worker=w2:8083 gen=1
task a-3: PAUSED trace=null worker=w2:8083 gen=1
task orphan-0: RESTARTING trace=null worker=w1:8083 gen=3
task q-3: RUNNING trace=null worker=w gen=1
task q-4: RUNNING trace=null worker=w gen=1
task q--2: RUNNING trace=null worker=w gen=1
task x-y-z-7: RUNNING trace=null worker=w gen=1
topic a connect-test: name=connect-test connector=a task=0 ts=1700000000000
topic r-c a: name=n connector=k task=2 ts=6
topic zz t3: name=t3 connector=zz task=2 ts=6
)"},
{"malformed",
 {
  {"status-connector-m", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-connector-m", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":\"2\"}"},
  {"status-connector-m", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":2.0}"},
  {"status-connector-m", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\"}"},
  {"status-connector-m", "{\"state\":\"STARTED\",\"trace\":null,\"worker_id\":\"w\",\"generation\":3}"},
  {"status-connector-m", "{\"trace\":null,\"worker_id\":\"w\",\"generation\":3}"},
  {"status-connector-m", "{\"state\":\"FAILED\",\"trace\":5,\"worker_id\":\"w\",\"generation\":3}"},
  {"status-connector-m", "{\"state\":\"FAILED\",\"trace\":\"t\",\"worker_id\":5,\"generation\":3}"},
  {"status-connector-m", "not json"},
  {"status-connector-m", "null"},
  {"status-connector-m", "[]"},
  {"status-connector-m", ""},
  {"status-connector-n", "{\"state\":\"PAUSED\",\"generation\":4294967297,\"extra\":{\"a\":1}}"},
  {"status-connector-", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-task-m-x", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-task-m", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-task-m-", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-task-m-0", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-task-m-0", "{\"state\":\"DESTROYED\",\"trace\":null,\"worker_id\":\"w\",\"generation\":2}"},
  {"status-task-m-1", "{\"state\":\"RUNNING\",\"worker_id\":\"w\",\"generation\":1}"},
  {"status-task-m-99999999999", "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w\",\"generation\":1}"},
  {"status-topic-:connector-m", "{\"topic\":{\"name\":\"x\",\"connector\":\"m\",\"task\":0,\"discoverTimestamp\":1}}"},
  {"status-topic-x", "{\"topic\":{\"name\":\"x\",\"connector\":\"m\",\"task\":0,\"discoverTimestamp\":1}}"},
  {"status-topic-x:connector-", "{\"topic\":{\"name\":\"x\",\"connector\":\"m\",\"task\":0,\"discoverTimestamp\":1}}"},
  {"status-topic-x:conn", "{\"topic\":{\"name\":\"x\",\"connector\":\"m\",\"task\":0,\"discoverTimestamp\":1}}"},
  {"status-topic-x:connector-m", "{\"topic\":{\"connector\":\"m\",\"task\":0,\"discoverTimestamp\":1}}"},
  {"status-topic-x:connector-m", "{\"topic\":{\"name\":\"x\",\"connector\":\"m\",\"task\":\"0\",\"discoverTimestamp\":1}}"},
  {"status-topic-x:connector-m", "{\"topic\":{\"name\":\"x\",\"connector\":\"m\",\"task\":0}}"},
  {"status-topic-x:connector-m", "{\"topic\":\"x\"}"},
  {"status-topic-y:connector-m", "{\"topic\":{\"name\":\"y\",\"connector\":\"m\",\"task\":4294967297,\"discoverTimestamp\":-1,\"v\":2},\"more\":1}"},
  {"status-other-m", "{}"},
 },
 R"(connector m: RUNNING trace=null worker=w gen=1
connector n: PAUSED trace=null worker=null gen=1
task m-0: DESTROYED trace=null worker=w gen=2
task m-1: RUNNING trace=null worker=w gen=1
topic m y: name=y connector=m task=1 ts=-1
)"},
  };
  for (const Scenario& scenario : scenarios) {
    SCOPED_TRACE(scenario.name);
    StatusTopicState state;
    for (const auto& [key, value] : scenario.records) state.Apply({key, value});
    EXPECT_EQ(Dump(state), scenario.expected);
  }
}

}  // namespace
}  // namespace sluice::store
