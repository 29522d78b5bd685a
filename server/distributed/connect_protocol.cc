#include "server/distributed/connect_protocol.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "formats/java_hash_map.h"
#include "server/distributed/kafka_wire.h"
#include "sluice/sdk/data.h"

namespace sluice::distributed {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr ConnectProtocolCompatibility kModes[] = {ConnectProtocolCompatibility::kEager,
                                                   ConnectProtocolCompatibility::kCompatible,
                                                   ConnectProtocolCompatibility::kSessioned};

// Field names are Java's (ConnectProtocol's *_KEY_NAME): they appear in its error messages.
constexpr std::string_view kVersion = "version";
constexpr std::string_view kUrl = "url";
constexpr std::string_view kConfigOffset = "config-offset";
constexpr std::string_view kAllocation = "allocation";
constexpr std::string_view kError = "error";
constexpr std::string_view kLeader = "leader";
constexpr std::string_view kLeaderUrl = "leader-url";
constexpr std::string_view kAssignment = "assignment";
constexpr std::string_view kRevoked = "revoked";
constexpr std::string_view kDelay = "delay";
constexpr std::string_view kConnector = "connector";
constexpr std::string_view kTasks = "tasks";

// ---- Writing

void WriteEntries(WireWriter& w, std::string_view field,
                  const std::vector<ConnectorAssignment>& entries) {
  w.ArrayCount(field, entries.size());
  for (const ConnectorAssignment& entry : entries) {
    w.String(kConnector, entry.connector);
    w.ArrayCount(kTasks, entry.tasks.size());
    for (int32_t task : entry.tasks) w.Int32(task);
  }
}

// ConnectProtocol.serializeAssignment (version 0) or
// IncrementalCooperativeConnectProtocol.serializeAssignment (versions 1 and 2).
void WriteAssignment(WireWriter& w, const ConnectAssignment& a, ConnectProtocolCompatibility mode) {
  w.Int16(ProtocolVersion(mode));
  w.Int16(static_cast<int16_t>(a.error));
  w.String(kLeader, a.leader);
  w.String(kLeaderUrl, a.leader_url);
  w.Int64(a.config_offset);
  WriteEntries(w, kAssignment, a.assigned);
  if (mode == ConnectProtocolCompatibility::kEager) {
    if (!a.revoked.empty()) {
      w.Fail(kRevoked, "the eager protocol (default) cannot carry revocations");
    }
    if (a.delay != absl::ZeroDuration()) {
      w.Fail(kDelay, "the eager protocol (default) cannot carry a scheduled delay");
    }
    return;
  }
  WriteEntries(w, kRevoked, a.revoked);
  const int64_t delay_ms = absl::ToInt64Milliseconds(a.delay);
  if (delay_ms < std::numeric_limits<int32_t>::min() ||
      delay_ms > std::numeric_limits<int32_t>::max()) {
    w.Fail(kDelay, absl::StrCat(delay_ms, " ms does not fit an int32"));
    return;
  }
  w.Int32(static_cast<int32_t>(delay_ms));
}

// ---- Reading

// Java's checkVersionCompatibility: any version >= 0 is read with the newest layout.
void ReadVersion(WireReader& r, int16_t* version) {
  *version = r.Int16(kVersion);
  if (r.ok() && *version < 0) {
    r.Fail(absl::StrCat("Unsupported subscription version: ", *version));
  }
}

// A field of a schema that tolerates missing fields at its end (Java's Schema with
// tolerateMissingFieldsWithDefaults): absent when no bytes are left; an error then if the field
// has no default.
bool Present(WireReader& r, std::string_view field, bool has_default) {
  if (!r.ok()) return false;
  if (r.remaining() > 0) return true;
  if (!has_default) {
    r.Fail(absl::StrCat("Error reading field '", Av(field), "': Missing value for field '",
                        Av(field), "' which has no default value."));
  }
  return false;
}

// A nullable array of connector entries (null reads as empty, as Java's extractConnectors).
std::vector<ConnectorAssignment> ReadEntries(WireReader& r, std::string_view field) {
  std::vector<ConnectorAssignment> entries;
  const std::optional<int32_t> n = r.NullableArrayCount(field);
  for (int32_t i = 0; n.has_value() && i < *n && r.ok(); ++i) {
    r.EnterStruct(field);
    ConnectorAssignment entry;
    entry.connector = r.String(kConnector);
    const int32_t tasks = r.ArrayCount(kTasks);
    for (int32_t t = 0; t < tasks && r.ok(); ++t) entry.tasks.push_back(r.Int32(kTasks));
    r.ExitStruct();
    entries.push_back(std::move(entry));
  }
  return entries;
}

// IncrementalCooperativeConnectProtocol.deserializeAssignment: header, then ASSIGNMENT_V1,
// whose error, leader, leader-url and config-offset are required and the rest default.
ConnectAssignment ReadAssignment(WireReader& r) {
  ConnectAssignment a;
  ReadVersion(r, &a.version);
  if (Present(r, kError, false)) a.error = static_cast<AssignmentError>(r.Int16(kError));
  if (Present(r, kLeader, false)) a.leader = r.String(kLeader);
  if (Present(r, kLeaderUrl, false)) a.leader_url = r.String(kLeaderUrl);
  if (Present(r, kConfigOffset, false)) a.config_offset = r.Int64(kConfigOffset);
  if (Present(r, kAssignment, true)) a.assigned = ReadEntries(r, kAssignment);
  if (Present(r, kRevoked, true)) a.revoked = ReadEntries(r, kRevoked);
  if (Present(r, kDelay, true)) a.delay = absl::Milliseconds(r.Int32(kDelay));
  return a;
}

// The entry of `connector`, added at the end if there is none yet (a LinkedHashMap's
// computeIfAbsent).
ConnectorAssignment& EntryFor(std::vector<ConnectorAssignment>& entries,
                              const std::string& connector) {
  for (ConnectorAssignment& e : entries) {
    if (e.connector == connector) return e;
  }
  entries.push_back({connector, {}});
  return entries.back();
}

absl::StatusOr<std::string> Finish(WireWriter w, std::string_view what) {
  absl::StatusOr<std::string> bytes = std::move(w).Finish();
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("encoding ", Av(what), ": ", bytes.status().message()));
  }
  return bytes;
}

}  // namespace

absl::StatusOr<ConnectProtocolCompatibility> ParseConnectProtocolSetting(std::string_view value) {
  for (ConnectProtocolCompatibility mode : kModes) {
    if (absl::EqualsIgnoreCase(Av(SettingName(mode)), Av(value))) return mode;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("Unknown Connect protocol compatibility mode: ", Av(value)));
}

absl::StatusOr<ConnectProtocolCompatibility> CompatibilityOfProtocol(std::string_view name) {
  for (ConnectProtocolCompatibility mode : kModes) {
    if (absl::EqualsIgnoreCase(Av(ProtocolName(mode)), Av(name))) return mode;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("Not found Connect protocol compatibility mode for protocol: ", Av(name)));
}

std::string_view SettingName(ConnectProtocolCompatibility mode) {
  switch (mode) {
    case ConnectProtocolCompatibility::kEager: return "eager";
    case ConnectProtocolCompatibility::kCompatible: return "compatible";
    case ConnectProtocolCompatibility::kSessioned: return "sessioned";
  }
  return "";
}

std::string_view ProtocolName(ConnectProtocolCompatibility mode) {
  switch (mode) {
    case ConnectProtocolCompatibility::kEager: return "default";
    case ConnectProtocolCompatibility::kCompatible: return "compatible";
    case ConnectProtocolCompatibility::kSessioned: return "sessioned";
  }
  return "";
}

int16_t ProtocolVersion(ConnectProtocolCompatibility mode) {
  switch (mode) {
    case ConnectProtocolCompatibility::kEager: return 0;
    case ConnectProtocolCompatibility::kCompatible: return 1;
    case ConnectProtocolCompatibility::kSessioned: return 2;
  }
  return 0;
}

absl::StatusOr<std::string> EncodeWorkerMetadata(const WorkerMetadata& metadata,
                                                 ConnectProtocolCompatibility mode) {
  WireWriter w;
  w.Int16(ProtocolVersion(mode));
  w.String(kUrl, metadata.url);
  w.Int64(metadata.config_offset);
  if (mode != ConnectProtocolCompatibility::kEager) {
    if (!metadata.assignment.has_value()) {
      w.NullableBytes(kAllocation, std::nullopt);
    } else {
      WireWriter allocation;
      WriteAssignment(allocation, *metadata.assignment, mode);
      absl::StatusOr<std::string> bytes = Finish(std::move(allocation), "worker metadata");
      if (!bytes.ok()) return bytes.status();
      w.Bytes(kAllocation, *bytes);
    }
  }
  return Finish(std::move(w), "worker metadata");
}

absl::StatusOr<WorkerMetadata> DecodeWorkerMetadata(std::string_view bytes) {
  WireReader r(bytes);
  WorkerMetadata metadata;
  ReadVersion(r, &metadata.version);
  metadata.url = r.String(kUrl);
  metadata.config_offset = r.Int64(kConfigOffset);
  std::optional<std::string> allocation;
  if (Present(r, kAllocation, true)) allocation = r.NullableBytes(kAllocation);
  if (!r.ok()) return r.status();
  if (allocation.has_value()) {
    // The allocation is a whole assignment with its own header, read on its own as Java does
    // (its errors are not prefixed by the 'allocation' field).
    absl::StatusOr<ConnectAssignment> assignment = DecodeConnectAssignment(*allocation);
    if (!assignment.ok()) return assignment.status();
    metadata.assignment = *std::move(assignment);
  }
  return metadata;
}

absl::StatusOr<std::string> EncodeConnectAssignment(const ConnectAssignment& assignment,
                                                    ConnectProtocolCompatibility mode) {
  WireWriter w;
  WriteAssignment(w, assignment, mode);
  return Finish(std::move(w), "Connect assignment");
}

absl::StatusOr<ConnectAssignment> DecodeConnectAssignment(std::string_view bytes) {
  WireReader r(bytes);
  ConnectAssignment assignment = ReadAssignment(r);
  if (!r.ok()) return r.status();
  return assignment;
}

absl::StatusOr<std::vector<JoinGroupProtocol>> JoinGroupProtocols(
    const WorkerMetadata& metadata, ConnectProtocolCompatibility setting) {
  std::vector<ConnectProtocolCompatibility> offered;
  switch (setting) {
    case ConnectProtocolCompatibility::kSessioned:
      offered = {ConnectProtocolCompatibility::kSessioned,
                 ConnectProtocolCompatibility::kCompatible, ConnectProtocolCompatibility::kEager};
      break;
    case ConnectProtocolCompatibility::kCompatible:
      offered = {ConnectProtocolCompatibility::kCompatible, ConnectProtocolCompatibility::kEager};
      break;
    case ConnectProtocolCompatibility::kEager:
      offered = {ConnectProtocolCompatibility::kEager};
      break;
  }
  std::vector<JoinGroupProtocol> protocols;
  for (ConnectProtocolCompatibility mode : offered) {
    absl::StatusOr<std::string> bytes = EncodeWorkerMetadata(metadata, mode);
    if (!bytes.ok()) return bytes.status();
    protocols.push_back({std::string(ProtocolName(mode)), *std::move(bytes)});
  }
  return protocols;
}

std::vector<ConnectorAssignment> GroupAssigned(const std::vector<std::string>& connectors,
                                               const std::vector<ConnectorTaskId>& tasks) {
  // new HashSet<>(connectors): a HashMap sized max((int) (n / .75f) + 1, 16), filled in order.
  std::vector<MapEntry> set;
  absl::flat_hash_set<std::string> seen;
  for (const std::string& c : connectors) {
    if (seen.insert(c).second) set.push_back(MapEntry{Value::String(c), Value::Null()});
  }
  const size_t capacity = std::max<size_t>(
      static_cast<size_t>(static_cast<float>(connectors.size()) / 0.75f) + 1, 16);
  formats::OrderAsJavaHashMap(set, formats::JavaHashMapCapacity::WithInitialCapacity(capacity));

  std::vector<ConnectorAssignment> entries;
  for (const MapEntry& e : set) EntryFor(entries, e.key.string()).tasks.push_back(kConnectorTask);
  for (const ConnectorTaskId& t : tasks) EntryFor(entries, t.connector).tasks.push_back(t.task);
  return entries;
}

std::vector<ConnectorAssignment> GroupRevoked(const std::vector<std::string>& connectors,
                                              const std::vector<ConnectorTaskId>& tasks) {
  std::vector<ConnectorAssignment> entries;
  absl::flat_hash_set<std::string> seen;
  for (const std::string& c : connectors) {
    if (seen.insert(c).second) EntryFor(entries, c).tasks.push_back(kConnectorTask);
  }
  for (const ConnectorTaskId& t : tasks) EntryFor(entries, t.connector).tasks.push_back(t.task);
  return entries;
}

std::vector<std::string> ConnectorsOf(const std::vector<ConnectorAssignment>& entries) {
  std::vector<std::string> connectors;
  for (const ConnectorAssignment& e : entries) {
    for (int32_t task : e.tasks) {
      if (task == kConnectorTask) connectors.push_back(e.connector);
    }
  }
  return connectors;
}

std::vector<ConnectorTaskId> TasksOf(const std::vector<ConnectorAssignment>& entries) {
  std::vector<ConnectorTaskId> tasks;
  for (const ConnectorAssignment& e : entries) {
    for (int32_t task : e.tasks) {
      if (task != kConnectorTask) tasks.push_back({e.connector, task});
    }
  }
  return tasks;
}

ConnectAssignment RunningAfter(const ConnectAssignment& running,
                               const ConnectAssignment& received) {
  std::vector<std::string> connectors = ConnectorsOf(running.assigned);
  std::vector<ConnectorTaskId> tasks = TasksOf(running.assigned);
  for (const std::string& c : ConnectorsOf(received.revoked)) {
    connectors.erase(std::remove(connectors.begin(), connectors.end(), c), connectors.end());
  }
  for (const ConnectorTaskId& t : TasksOf(received.revoked)) {
    tasks.erase(std::remove(tasks.begin(), tasks.end(), t), tasks.end());
  }
  for (const std::string& c : ConnectorsOf(received.assigned)) connectors.push_back(c);
  for (const ConnectorTaskId& t : TasksOf(received.assigned)) tasks.push_back(t);
  ConnectAssignment out = received;
  out.assigned = GroupAssigned(connectors, tasks);
  out.revoked.clear();
  return out;
}

}  // namespace sluice::distributed
