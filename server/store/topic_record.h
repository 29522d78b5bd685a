// What the config, status and offsets record formats share: one record of a compacted topic, the
// id of a task, and Kafka Connect's parse of a task key. See config_records.h, status_records.h
// and offset_records.h.
//
// Thread-safe: plain values and pure functions.
#ifndef SLUICE_SERVER_STORE_TOPIC_RECORD_H_
#define SLUICE_SERVER_STORE_TOPIC_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::store {

// A record of the config or status topic: a UTF-8 key (Kafka Connect's StringSerializer) and the
// value bytes, or nullopt for a tombstone.
struct TopicRecord {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const TopicRecord& o) const { return key == o.key && value == o.value; }
};

// Kafka Connect's ConnectorTaskId.
struct ConnectorTaskId {
  std::string connector;
  int32_t task = 0;

  bool operator==(const ConnectorTaskId& o) const {
    return connector == o.connector && task == o.task;
  }
  bool operator<(const ConnectorTaskId& o) const {
    return connector != o.connector ? connector < o.connector : task < o.task;
  }
};

// How Kafka Connect reads a task key (`task-{c}-{n}` in the config topic, whose prefix is one
// '-'-separated piece; `status-task-{c}-{n}` in the status topic, two pieces): the key is split
// on '-' as Java's String.split does (trailing empty pieces dropped), needs at least
// prefix_pieces + 2 pieces, the last piece is the task number as Integer.parseInt reads it (an
// optional sign, decimal digits of any script in the BMP, int32 range), and the pieces between
// the prefix and the number, joined again with '-', are the connector (which may be empty or
// end with '-'). nullopt where Java gets no task id.
std::optional<ConnectorTaskId> ParseTaskKey(std::string_view key, int prefix_pieces);

// Java's Integer.parseInt(s) (radix 10) over UTF-8 text; nullopt where Java throws
// NumberFormatException.
std::optional<int32_t> ParseJavaInt(std::string_view s);

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_TOPIC_RECORD_H_
