// Kafka Connect's group protocols: what a worker puts in its JoinGroup metadata and what the
// leader hands each member through SyncGroup, byte for byte as Kafka Connect 3.9 encodes them
// (org.apache.kafka.connect.runtime.distributed.ConnectProtocol,
// IncrementalCooperativeConnectProtocol, ConnectProtocolCompatibility), so that Sluice and Java
// workers can share a group (reference §3.7, §9.1).
//
//   protocol "default"    (eager, version 0):  metadata = url, config offset;
//                                              assignment = error, leader, leader url, config
//                                              offset, connector -> tasks
//   protocol "compatible" (version 1) and
//   protocol "sessioned"  (version 2, KIP-507): metadata also carries the worker's current
//                                              assignment; the assignment also carries what is
//                                              revoked and a scheduled rebalance delay
//
//   absl::StatusOr<std::vector<JoinGroupProtocol>> protocols =
//       JoinGroupProtocols(metadata, ConnectProtocolCompatibility::kSessioned);
//   ... the leader decodes each member's metadata with DecodeWorkerMetadata and answers with
//   EncodeConnectAssignment(assignment, <the protocol the coordinator chose>); every member
//   reads its own with DecodeConnectAssignment.
//
// Decoding follows Java's readers, which every Java worker runs whatever protocol was chosen:
// any version >= 0 is read as the newest known layout, fields missing at the end of an
// assignment or metadata take their defaults, bytes after the known fields are ignored (a newer
// worker may add fields), and errors carry Java's SchemaException message (InvalidArgument).
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_DISTRIBUTED_CONNECT_PROTOCOL_H_
#define SLUICE_SERVER_DISTRIBUTED_CONNECT_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/distributed/group_messages.h"

namespace sluice::distributed {

// The `connect.protocol` setting, and the protocol of each mode.
enum class ConnectProtocolCompatibility {
  kEager,       // protocol "default", version 0
  kCompatible,  // protocol "compatible", version 1
  kSessioned,   // protocol "sessioned", version 2
};

// The mode a `connect.protocol` value names, ignoring case as Java does; InvalidArgument
// "Unknown Connect protocol compatibility mode: <value>" otherwise.
absl::StatusOr<ConnectProtocolCompatibility> ParseConnectProtocolSetting(std::string_view value);
// The mode of a protocol name the coordinator chose ("sessioned"), ignoring case; InvalidArgument
// "Not found Connect protocol compatibility mode for protocol: <name>" otherwise.
absl::StatusOr<ConnectProtocolCompatibility> CompatibilityOfProtocol(std::string_view name);
// "eager", "compatible", "sessioned".
std::string_view SettingName(ConnectProtocolCompatibility mode);
// "default", "compatible", "sessioned".
std::string_view ProtocolName(ConnectProtocolCompatibility mode);
// 0, 1, 2.
int16_t ProtocolVersion(ConnectProtocolCompatibility mode);

// In a tasks list, the connector instance itself.
inline constexpr int32_t kConnectorTask = -1;

// ConnectProtocol.Assignment's error codes. Other values may arrive and are kept.
enum class AssignmentError : int16_t {
  kNoError = 0,
  // The leader could not read the config topic up to the highest offset a member reported:
  // every member reads the config topic to its end and rejoins.
  kConfigMismatch = 1,
};

struct ConnectorTaskId {
  std::string connector;
  int32_t task = 0;
  bool operator==(const ConnectorTaskId& o) const {
    return connector == o.connector && task == o.task;
  }
};

// One entry of an assignment on the wire: a connector and the tasks of it that are given (or
// revoked), where kConnectorTask stands for the connector instance.
struct ConnectorAssignment {
  std::string connector;
  std::vector<int32_t> tasks;
  bool operator==(const ConnectorAssignment& o) const {
    return connector == o.connector && tasks == o.tasks;
  }
};

// An assignment (SyncGroup), or a worker's current assignment inside its metadata.
struct ConnectAssignment {
  // The version its header carried, as decoded. Encoders write the version of the protocol
  // they are given, as Java does, not this.
  int16_t version = 1;
  AssignmentError error = AssignmentError::kNoError;
  std::string leader;      // the leader's member id
  std::string leader_url;  // the leader's advertised REST URL
  int64_t config_offset = 0;
  std::vector<ConnectorAssignment> assigned;
  // Version 1+: what the member must stop, and when to rejoin (sent as int32 milliseconds).
  std::vector<ConnectorAssignment> revoked;
  absl::Duration delay = absl::ZeroDuration();

  bool operator==(const ConnectAssignment& o) const {
    return version == o.version && error == o.error && leader == o.leader &&
           leader_url == o.leader_url && config_offset == o.config_offset &&
           assigned == o.assigned && revoked == o.revoked && delay == o.delay;
  }
};

// What a worker tells the group when it joins.
struct WorkerMetadata {
  int16_t version = 1;  // as decoded; encoders write the protocol's version
  std::string url;      // the worker's advertised REST URL
  int64_t config_offset = 0;
  // Version 1+: the assignment the worker runs, or nullopt before its first one (sent as a
  // null allocation, as Java sends its empty assignment).
  std::optional<ConnectAssignment> assignment;
};

// The metadata in `mode`'s layout. The eager layout has no assignment. InvalidArgument when a
// string is longer than 32767 bytes.
absl::StatusOr<std::string> EncodeWorkerMetadata(const WorkerMetadata& metadata,
                                                 ConnectProtocolCompatibility mode);
absl::StatusOr<WorkerMetadata> DecodeWorkerMetadata(std::string_view bytes);

// The assignment in `mode`'s layout. InvalidArgument when a string is longer than 32767 bytes,
// the delay does not fit an int32 of milliseconds, or the eager layout is asked to carry
// revocations or a delay (it has no room for them).
absl::StatusOr<std::string> EncodeConnectAssignment(const ConnectAssignment& assignment,
                                                    ConnectProtocolCompatibility mode);
absl::StatusOr<ConnectAssignment> DecodeConnectAssignment(std::string_view bytes);

// The protocols a worker offers in JoinGroup for its `connect.protocol` setting, most preferred
// first, each with its metadata: sessioned -> sessioned, compatible, default; compatible ->
// compatible, default; eager -> default (WorkerCoordinator.metadata()).
absl::StatusOr<std::vector<JoinGroupProtocol>> JoinGroupProtocols(
    const WorkerMetadata& metadata, ConnectProtocolCompatibility setting);

// The entries Java writes for an assignment of `connectors` and `tasks`: the connectors in the
// iteration order of a java.util.HashSet of them, each with kConnectorTask, then each task
// under its connector (new connectors in task order). Java encodes what its assignor computes
// this way, so a Sluice leader that does the same sends the same bytes.
std::vector<ConnectorAssignment> GroupAssigned(const std::vector<std::string>& connectors,
                                               const std::vector<ConnectorTaskId>& tasks);
// The entries Java writes for a revocation: the distinct connectors in the order given, then
// each task under its connector.
std::vector<ConnectorAssignment> GroupRevoked(const std::vector<std::string>& connectors,
                                              const std::vector<ConnectorTaskId>& tasks);
// The connectors (entries holding kConnectorTask) and the tasks of `entries`, in order, as
// Java reads them back.
std::vector<std::string> ConnectorsOf(const std::vector<ConnectorAssignment>& entries);
std::vector<ConnectorTaskId> TasksOf(const std::vector<ConnectorAssignment>& entries);

// What a worker runs once it has applied `received` under a cooperative protocol (Kafka
// Connect's assignment snapshot): what it ran (`running.assigned`), less what `received`
// revokes, plus what it assigns; with `received`'s header (leader, URL, offset, error, delay)
// and nothing revoked. This is what the worker reports in its next join's metadata.
ConnectAssignment RunningAfter(const ConnectAssignment& running, const ConnectAssignment& received);

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_CONNECT_PROTOCOL_H_
