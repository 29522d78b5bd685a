#include "server/distributed/assignor.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <limits>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "formats/java_hash_map.h"

namespace sluice::distributed {
namespace {

// ---------------------------------------------------------------------------------------------
// Java's orders.

// The code point of the UTF-8 sequence starting at s[i], or -1 when there is none.
int32_t CodePointAt(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const uint32_t lead = byte(i);
  int extra;
  uint32_t cp;
  if (lead < 0x80) return static_cast<int32_t>(lead);
  if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    return -1;
  }
  for (int k = 1; k <= extra; ++k) {
    if (i + static_cast<size_t>(k) >= s.size() || (byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  return static_cast<int32_t>(cp);
}

// Where a code point sorts among UTF-16 code unit sequences: the BMP below the surrogates, then
// the supplementary planes (their high surrogates), then the BMP above the surrogates.
int64_t Utf16OrderKey(int32_t cp) {
  if (cp < 0xD800) return cp;
  if (cp >= 0x10000) return 0xD800 + static_cast<int64_t>(cp - 0x10000);
  return static_cast<int64_t>(cp) + 0x110000;
}

// Java's String.compareTo (UTF-16 code units) for UTF-8 text. UTF-8 byte order is code point
// order, which differs from UTF-16 order only between a supplementary character and one in
// U+E000..U+FFFF; bytes that are not UTF-8 compare as bytes.
int JavaCompare(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  if (i == n) return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  size_t start = i;
  while (start > 0 && (static_cast<unsigned char>(a[start]) & 0xC0) == 0x80) --start;
  const int32_t ca = CodePointAt(a, start);
  const int32_t cb = CodePointAt(b, start);
  if (ca < 0 || cb < 0) {
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]) ? -1 : 1;
  }
  return Utf16OrderKey(ca) < Utf16OrderKey(cb) ? -1 : 1;
}

struct JavaStringLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return JavaCompare(a, b) < 0;
  }
};

// ConnectorTaskId.compareTo: connector, then task.
struct JavaTaskLess {
  bool operator()(const ConnectorTaskId& a, const ConnectorTaskId& b) const {
    const int c = JavaCompare(a.connector, b.connector);
    return c != 0 ? c < 0 : a.task < b.task;
  }
};

int32_t JavaHashCode(const std::string& s) { return formats::JavaStringHashCode(s); }
// ConnectorTaskId.hashCode.
int32_t JavaHashCode(const ConnectorTaskId& t) {
  const uint32_t connector = static_cast<uint32_t>(formats::JavaStringHashCode(t.connector));
  return static_cast<int32_t>(31u * connector + static_cast<uint32_t>(t.task));
}

// ---------------------------------------------------------------------------------------------
// java.util.HashMap's iteration order.

constexpr size_t kDefaultBuckets = 16;    // new HashMap<>(), new HashSet<>(), Collectors.toSet()
constexpr size_t kTreeifyThreshold = 8;   // a bin this long is a tree, or makes the table grow
constexpr size_t kMinTreeifyCapacity = 64;

size_t TableSizeFor(size_t n) { return n <= 1 ? 1 : std::bit_ceil(n); }

// The buckets of new HashSet<>(collection of n) on JDK 17: new HashMap<>(max((int) (n / .75f) +
// 1, 16)).
size_t CopyBuckets(size_t n) {
  return TableSizeFor(
      std::max<size_t>(static_cast<size_t>(static_cast<float>(n) / 0.75f) + 1, kDefaultBuckets));
}

uint32_t Spread(int32_t h) {
  const uint32_t u = static_cast<uint32_t>(h);
  return u ^ (u >> 16);
}

// `items` (distinct, in the order they were added) in the order a HashMap or HashSet whose
// table starts at `buckets` iterates them. The table doubles when it holds more than 3/4 of its
// buckets, and when a bin reaches kTreeifyThreshold while the table is smaller than
// kMinTreeifyCapacity; bins of a larger table that long become trees, whose order is not
// modelled (they keep insertion order here).
template <typename T>
std::vector<T> InJavaHashOrder(std::vector<T> items, size_t buckets) {
  if (items.size() < 2) return items;
  std::vector<uint32_t> hashes;
  hashes.reserve(items.size());
  std::vector<size_t> bin_sizes(buckets, 0);
  const auto regrow = [&] {
    buckets *= 2;
    bin_sizes.assign(buckets, 0);
    for (uint32_t h : hashes) ++bin_sizes[h & (buckets - 1)];
  };
  for (const T& item : items) {
    const uint32_t h = Spread(JavaHashCode(item));
    const size_t already = bin_sizes[h & (buckets - 1)]++;
    hashes.push_back(h);
    if (already >= kTreeifyThreshold && buckets < kMinTreeifyCapacity) regrow();
    if (static_cast<double>(hashes.size()) > static_cast<double>(buckets) * 0.75) regrow();
  }
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const uint32_t mask = static_cast<uint32_t>(buckets - 1);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return (hashes[a] & mask) < (hashes[b] & mask); });
  std::vector<T> out;
  out.reserve(items.size());
  for (size_t i : order) out.push_back(std::move(items[i]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The collections the assignor works with.

using ConnectorTreeSet = std::set<std::string, JavaStringLess>;
using TaskTreeSet = std::set<ConnectorTaskId, JavaTaskLess>;

// java.util.LinkedHashSet: insertion order, each element once.
template <typename T, typename Less>
class LinkedSet {
 public:
  LinkedSet() = default;
  template <typename Range>
  explicit LinkedSet(const Range& range) {
    AddAll(range);
  }

  bool Add(const T& x) {
    if (!index_.insert(x).second) return false;
    items_.push_back(x);
    return true;
  }
  template <typename Range>
  void AddAll(const Range& range) {
    for (const T& x : range) Add(x);
  }
  // Removes every element that `set` has (anything with count()).
  template <typename Set>
  void RemoveAll(const Set& set) {
    std::vector<T> kept;
    for (T& x : items_) {
      if (set.count(x) > 0) {
        index_.erase(x);
      } else {
        kept.push_back(std::move(x));
      }
    }
    items_ = std::move(kept);
  }
  size_t count(const T& x) const { return index_.count(x); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const std::vector<T>& items() const { return items_; }
  typename std::vector<T>::const_iterator begin() const { return items_.begin(); }
  typename std::vector<T>::const_iterator end() const { return items_.end(); }

 private:
  std::vector<T> items_;
  std::set<T, Less> index_;
};

using Connectors = LinkedSet<std::string, JavaStringLess>;
using Tasks = LinkedSet<ConnectorTaskId, JavaTaskLess>;

// WorkerCoordinator.ConnectorsAndTasks as its Builder makes it (LinkedHashSets).
struct ConnectorsAndTasks {
  Connectors connectors;
  Tasks tasks;
  bool empty() const { return connectors.empty() && tasks.empty(); }
  void AddAll(const ConnectorsAndTasks& o) {
    connectors.AddAll(o.connectors);
    tasks.AddAll(o.tasks);
  }
};

// The same as sorted sets, for what the assignor only diffs and looks up.
struct SortedConnectorsAndTasks {
  ConnectorTreeSet connectors;
  TaskTreeSet tasks;
  bool empty() const { return connectors.empty() && tasks.empty(); }
};

// base minus each of `subtract`, sorted (IncrementalCooperativeAssignor.diff builds TreeSets).
SortedConnectorsAndTasks Diff(const SortedConnectorsAndTasks& base,
                              std::initializer_list<const SortedConnectorsAndTasks*> subtract) {
  SortedConnectorsAndTasks out = base;
  for (const SortedConnectorsAndTasks* s : subtract) {
    for (const std::string& c : s->connectors) out.connectors.erase(c);
    for (const ConnectorTaskId& t : s->tasks) out.tasks.erase(t);
  }
  return out;
}

ConnectorsAndTasks Linked(const SortedConnectorsAndTasks& sorted) {
  return {Connectors(sorted.connectors), Tasks(sorted.tasks)};
}

// WorkerCoordinator.WorkerLoad.
struct WorkerLoad {
  std::string worker;
  Connectors connectors;
  Tasks tasks;
  bool empty() const { return connectors.empty() && tasks.empty(); }
};

using PerWorker = std::map<std::string, ConnectorsAndTasks>;

void AddAll(PerWorker& base, const PerWorker& add) {
  for (const auto& [worker, what] : add) base[worker].AddAll(what);
}

void RemoveAll(std::vector<WorkerLoad>& loads, const PerWorker& remove) {
  for (WorkerLoad& load : loads) {
    auto it = remove.find(load.worker);
    if (it == remove.end()) continue;
    load.connectors.RemoveAll(it->second.connectors);
    load.tasks.RemoveAll(it->second.tasks);
  }
}

// ---------------------------------------------------------------------------------------------
// What both assignors read of the members.

struct Members {
  // Java's memberConfigs (a HashMap by member id) in its iteration order; a member id given
  // twice keeps its first place and its last metadata, as HashMap.put does.
  std::vector<const GroupMemberMetadata*> in_hash_order;
  const GroupMemberMetadata* leader = nullptr;
  int64_t max_offset = 0;
};

absl::StatusOr<Members> ReadMembers(const LeaderInput& in) {
  if (in.members.empty()) return absl::InvalidArgumentError("No members to assign to");
  std::vector<const GroupMemberMetadata*> unique;
  std::map<std::string, size_t> position;
  for (const GroupMemberMetadata& m : in.members) {
    auto [it, added] = position.emplace(m.member_id, unique.size());
    if (added) {
      unique.push_back(&m);
    } else {
      unique[it->second] = &m;
    }
  }
  std::vector<std::string> ids;
  for (const GroupMemberMetadata* m : unique) ids.push_back(m->member_id);
  ids = InJavaHashOrder(std::move(ids), kDefaultBuckets);
  Members out;
  for (const std::string& id : ids) out.in_hash_order.push_back(unique[position[id]]);
  for (const GroupMemberMetadata* m : out.in_hash_order) {
    if (m->member_id == in.leader_id) out.leader = m;
  }
  if (out.leader == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("The leader ", in.leader_id, " is not among the group's members"));
  }
  out.max_offset = out.in_hash_order.front()->metadata.config_offset;
  for (const GroupMemberMetadata* m : out.in_hash_order) {
    out.max_offset = std::max(out.max_offset, m->metadata.config_offset);
  }
  return out;
}

ConnectAssignment AssignmentHeader(int16_t version, AssignmentError error, const Members& members,
                                   int64_t offset) {
  ConnectAssignment a;
  a.version = version;
  a.error = error;
  a.leader = members.leader->member_id;
  a.leader_url = members.leader->metadata.url;
  a.config_offset = offset;
  return a;
}

// Everyone reads the config topic to its end and rejoins.
std::map<std::string, ConnectAssignment> ConfigMismatch(const Members& members, int16_t version) {
  std::map<std::string, ConnectAssignment> out;
  for (const GroupMemberMetadata* m : members.in_hash_order) {
    out[m->member_id] =
        AssignmentHeader(version, AssignmentError::kConfigMismatch, members, members.max_offset);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// EagerAssignor.

class EagerAssignor final : public Assignor {
 public:
  absl::StatusOr<std::map<std::string, ConnectAssignment>> Assign(
      const LeaderInput& in, const ConfigSnapshot& snapshot) override {
    absl::StatusOr<Members> members = ReadMembers(in);
    if (!members.ok()) return members.status();
    constexpr int16_t kVersion = 0;  // ConnectProtocol.serializeAssignment writes version 0
    if (snapshot.offset < members->max_offset) return ConfigMismatch(*members, kVersion);

    std::vector<std::string> connectors;
    for (const auto& [name, count] : snapshot.task_counts) connectors.push_back(name);
    std::sort(connectors.begin(), connectors.end(), JavaStringLess());
    std::vector<std::string> ids;
    for (const GroupMemberMetadata* m : members->in_hash_order) ids.push_back(m->member_id);
    std::sort(ids.begin(), ids.end(), JavaStringLess());

    // One round robin over the sorted members: the connectors, then every connector's tasks.
    std::map<std::string, std::vector<std::string>> connectors_of;
    std::map<std::string, std::vector<ConnectorTaskId>> tasks_of;
    size_t next = 0;
    const auto member = [&]() -> const std::string& { return ids[next++ % ids.size()]; };
    for (const std::string& c : connectors) connectors_of[member()].push_back(c);
    for (const std::string& c : connectors) {
      for (int32_t t = 0; t < snapshot.task_counts.at(c); ++t) {
        tasks_of[member()].push_back({c, t});
      }
    }

    std::map<std::string, ConnectAssignment> out;
    for (const GroupMemberMetadata* m : members->in_hash_order) {
      ConnectAssignment a =
          AssignmentHeader(kVersion, AssignmentError::kNoError, *members, snapshot.offset);
      a.assigned = GroupAssigned(connectors_of[m->member_id], tasks_of[m->member_id]);
      out[m->member_id] = std::move(a);
    }
    return out;
  }
};

// ---------------------------------------------------------------------------------------------
// IncrementalCooperativeAssignor.

// org.apache.kafka.common.utils.ExponentialBackoff(maxDelay == 0 ? 0 : 1, 40, maxDelay, 0), the
// delay before each further successive revoking rebalance, in Java's floating point steps. At the
// cap, (long) pow(40, log(max) / log(40)) is max or max - 1 by the last bit of log and pow:
// glibc's and HotSpot's x86_64 intrinsics disagree on it for 229 of the max delays up to
// 2,000,000 ms (not for the default 300000), leaving the capped delay 1 ms apart.
class RevokingBackoff {
 public:
  explicit RevokingBackoff(int64_t max_ms)
      : initial_(std::min<int64_t>(max_ms, max_ms == 0 ? 0 : 1)), max_(max_ms) {
    exp_max_ = max_ > initial_ ? std::log(static_cast<double>(max_) /
                                          static_cast<double>(std::max<int64_t>(initial_, 1))) /
                                     std::log(static_cast<double>(kMultiplier))
                               : 0;
  }

  int64_t Backoff(int64_t attempts) const {
    if (exp_max_ == 0) return initial_;
    const double exp = std::min(static_cast<double>(attempts), exp_max_);
    const double term = static_cast<double>(initial_) * std::pow(kMultiplier, exp);
    return std::min(static_cast<int64_t>(term), max_);
  }

 private:
  static constexpr int kMultiplier = 40;
  int64_t initial_;
  int64_t max_;
  double exp_max_;
};

class IncrementalCooperativeAssignor final : public Assignor {
 public:
  IncrementalCooperativeAssignor(absl::Duration max_delay, std::function<absl::Time()> now)
      : max_delay_(static_cast<int32_t>(std::clamp<int64_t>(
            absl::ToInt64Milliseconds(max_delay), 0, std::numeric_limits<int32_t>::max()))),
        now_(std::move(now)),
        backoff_(max_delay_) {}

  absl::StatusOr<std::map<std::string, ConnectAssignment>> Assign(
      const LeaderInput& in, const ConfigSnapshot& snapshot) override {
    if (in.protocol == ConnectProtocolCompatibility::kEager) {
      return absl::InvalidArgumentError(
          "The incremental cooperative assignor serves the compatible and sessioned protocols, "
          "not default");
    }
    absl::StatusOr<Members> members = ReadMembers(in);
    if (!members.ok()) return members.status();
    const int16_t version = ProtocolVersion(in.protocol);
    if (snapshot.offset < members->max_offset) return ConfigMismatch(*members, version);

    std::vector<WorkerLoad> reported;
    for (const GroupMemberMetadata* m : members->in_hash_order) {
      WorkerLoad load{m->member_id, {}, {}};
      if (m->metadata.assignment.has_value()) {
        load.connectors.AddAll(ConnectorsOf(m->metadata.assignment->assigned));
        load.tasks.AddAll(TasksOf(m->metadata.assignment->assigned));
      }
      reported.push_back(std::move(load));
    }
    const Outcome outcome =
        PerformTaskAssignment(snapshot, in.last_completed_generation, in.generation, reported);

    std::map<std::string, ConnectAssignment> out;
    for (const GroupMemberMetadata* m : members->in_hash_order) {
      ConnectAssignment a =
          AssignmentHeader(version, AssignmentError::kNoError, *members, snapshot.offset);
      if (auto it = outcome.assigned.find(m->member_id); it != outcome.assigned.end()) {
        a.assigned = GroupAssigned(it->second.first, it->second.second);
      }
      if (auto it = outcome.revoked.find(m->member_id); it != outcome.revoked.end()) {
        a.revoked = GroupRevoked(it->second.connectors.items(), it->second.tasks.items());
      }
      a.delay = absl::Milliseconds(delay_);
      out[m->member_id] = std::move(a);
    }
    return out;
  }

 private:
  struct Outcome {
    // Per worker: the connectors and tasks it starts, in the order they were given to it.
    std::map<std::string, std::pair<std::vector<std::string>, std::vector<ConnectorTaskId>>>
        assigned;
    PerWorker revoked;
  };

  // IncrementalCooperativeAssignor.performTaskAssignment(configSnapshot,
  // lastCompletedGenerationId, currentGenerationId, memberAssignments); `members` in the
  // iteration order of Java's memberAssignments.
  Outcome PerformTaskAssignment(const ConfigSnapshot& snapshot, int32_t last_completed_generation,
                                int32_t generation, const std::vector<WorkerLoad>& members) {
    const int64_t now = absl::ToUnixMillis(now_());
    // The leader's memory is of a generation it did not complete: forget it.
    if (previous_generation_id_ != last_completed_generation) previous_assignment_ = {};

    SortedConnectorsAndTasks configured;
    for (const auto& [name, count] : snapshot.task_counts) {
      configured.connectors.insert(name);
      for (int32_t t = 0; t < count; ++t) configured.tasks.insert({name, t});
    }
    SortedConnectorsAndTasks active;
    for (const WorkerLoad& m : members) {
      active.connectors.insert(m.connectors.begin(), m.connectors.end());
      active.tasks.insert(m.tasks.begin(), m.tasks.end());
    }

    // A revocation of the previous round did not take effect: start over from what runs.
    if (!previous_revocation_.empty()) {
      const bool still_running =
          std::any_of(previous_revocation_.connectors.begin(),
                      previous_revocation_.connectors.end(),
                      [&](const std::string& c) { return active.connectors.count(c) > 0; }) ||
          std::any_of(previous_revocation_.tasks.begin(), previous_revocation_.tasks.end(),
                      [&](const ConnectorTaskId& t) { return active.tasks.count(t) > 0; });
      if (still_running) previous_assignment_ = active;
      previous_revocation_ = {};
    }

    const SortedConnectorsAndTasks deleted = Diff(previous_assignment_, {&configured});
    const SortedConnectorsAndTasks duplicated = Duplicated(members);
    const SortedConnectorsAndTasks lost = Diff(previous_assignment_, {&active, &deleted});
    const SortedConnectorsAndTasks created = Diff(configured, {&previous_assignment_, &active});

    // What each worker runs now, less what was deleted.
    std::map<std::string, SortedConnectorsAndTasks> current;
    for (const WorkerLoad& m : members) {
      SortedConnectorsAndTasks& c = current[m.worker];
      for (const std::string& x : m.connectors) {
        if (deleted.connectors.count(x) == 0) c.connectors.insert(x);
      }
      for (const ConnectorTaskId& x : m.tasks) {
        if (deleted.tasks.count(x) == 0) c.tasks.insert(x);
      }
    }

    PerWorker to_revoke;
    const PerWorker deleted_to_revoke = Intersection(deleted, members);
    AddAll(to_revoke, deleted_to_revoke);
    const PerWorker duplicated_to_revoke = Intersection(duplicated, members);
    AddAll(to_revoke, duplicated_to_revoke);

    // The assignment after this round: what runs, less what is revoked, plus what is given.
    std::vector<WorkerLoad> next = members;
    RemoveAll(next, deleted_to_revoke);
    RemoveAll(next, duplicated_to_revoke);

    ConnectorsAndTasks lost_to_reassign;
    HandleLostAssignments(lost, lost_to_reassign, next, now);

    // No revocations for balance while a delayed rebalance is pending.
    if (delay_ == 0) {
      const PerWorker balancing = LoadBalancingRevocations(configured, next);
      if (revoked_in_previous_ && !balancing.empty()) {
        // A second revoking round in a row: back off before revoking again.
        ++num_successive_revoking_rebalances_;
        delay_ = static_cast<int32_t>(backoff_.Backoff(num_successive_revoking_rebalances_));
        if (delay_ != 0) {
          scheduled_rebalance_ = now + delay_;
        } else {
          AddAll(to_revoke, balancing);
          RemoveAll(next, balancing);
        }
      } else if (!balancing.empty()) {
        AddAll(to_revoke, balancing);
        RemoveAll(next, balancing);
        revoked_in_previous_ = true;
      } else if (revoked_in_previous_) {
        // Balanced again: the backoff starts over.
        revoked_in_previous_ = false;
        num_successive_revoking_rebalances_ = 0;
      }
    } else {
      revoked_in_previous_ = false;
    }

    ConnectorsAndTasks to_assign = Linked(created);
    to_assign.AddAll(lost_to_reassign);
    AssignConnectors(next, to_assign.connectors.items());
    AssignTasks(next, to_assign.tasks.items());

    Outcome outcome;
    for (const WorkerLoad& load : next) {
      const SortedConnectorsAndTasks& before = current[load.worker];
      auto& [connectors, tasks] = outcome.assigned[load.worker];
      for (const std::string& c : load.connectors) {
        if (before.connectors.count(c) == 0) connectors.push_back(c);
      }
      for (const ConnectorTaskId& t : load.tasks) {
        if (before.tasks.count(t) == 0) tasks.push_back(t);
      }
    }
    outcome.revoked = to_revoke;

    // computePreviousAssignment: what will run, less the revoked, plus the lost (still held).
    previous_assignment_ = {};
    for (const WorkerLoad& load : next) {
      previous_assignment_.connectors.insert(load.connectors.begin(), load.connectors.end());
      previous_assignment_.tasks.insert(load.tasks.begin(), load.tasks.end());
    }
    for (const auto& [worker, revoked] : to_revoke) {
      for (const std::string& c : revoked.connectors) {
        previous_assignment_.connectors.erase(c);
        previous_revocation_.connectors.insert(c);
      }
      for (const ConnectorTaskId& t : revoked.tasks) {
        previous_assignment_.tasks.erase(t);
        previous_revocation_.tasks.insert(t);
      }
    }
    previous_assignment_.connectors.insert(lost.connectors.begin(), lost.connectors.end());
    previous_assignment_.tasks.insert(lost.tasks.begin(), lost.tasks.end());
    previous_generation_id_ = generation;
    previous_members_.clear();
    for (const WorkerLoad& m : members) previous_members_.insert(m.worker);
    return outcome;
  }

  // The connectors and tasks that more than one worker runs.
  static SortedConnectorsAndTasks Duplicated(const std::vector<WorkerLoad>& members) {
    std::map<std::string, int, JavaStringLess> connector_count;
    std::map<ConnectorTaskId, int, JavaTaskLess> task_count;
    for (const WorkerLoad& m : members) {
      for (const std::string& c : m.connectors) ++connector_count[c];
      for (const ConnectorTaskId& t : m.tasks) ++task_count[t];
    }
    SortedConnectorsAndTasks out;
    for (const auto& [c, n] : connector_count) {
      if (n > 1) out.connectors.insert(c);
    }
    for (const auto& [t, n] : task_count) {
      if (n > 1) out.tasks.insert(t);
    }
    return out;
  }

  // Per worker, what it runs of `what`, in the order of a new HashSet of what it runs.
  static PerWorker Intersection(const SortedConnectorsAndTasks& what,
                                const std::vector<WorkerLoad>& members) {
    PerWorker out;
    for (const WorkerLoad& m : members) {
      ConnectorsAndTasks& mine = out[m.worker];
      for (const std::string& c :
           InJavaHashOrder(m.connectors.items(), CopyBuckets(m.connectors.size()))) {
        if (what.connectors.count(c) > 0) mine.connectors.Add(c);
      }
      for (const ConnectorTaskId& t :
           InJavaHashOrder(m.tasks.items(), CopyBuckets(m.tasks.size()))) {
        if (what.tasks.count(t) > 0) mine.tasks.Add(t);
      }
    }
    return out;
  }

  // handleLostAssignments: what left with a departed worker is held for the delay, then given
  // to the workers that came up empty meanwhile, or else spread as new.
  void HandleLostAssignments(const SortedConnectorsAndTasks& lost, ConnectorsAndTasks& to_reassign,
                             std::vector<WorkerLoad>& workers, int64_t now) {
    if (lost.empty() && !revoked_in_previous_) {
      ResetDelay();
      return;
    }
    std::set<std::string> active_members;
    for (const WorkerLoad& w : workers) active_members.insert(w.worker);
    const bool all_previous_here =
        std::includes(active_members.begin(), active_members.end(), previous_members_.begin(),
                      previous_members_.end());
    if (scheduled_rebalance_ <= 0 && all_previous_here) {
      // Nobody left: some worker missed its assignment. Reassign at once.
      to_reassign.AddAll(Linked(lost));
      return;
    }
    if (max_delay_ == 0) {
      to_reassign.AddAll(Linked(lost));
      return;
    }

    if (scheduled_rebalance_ > 0 && now >= scheduled_rebalance_) {
      // The delay is over.
      std::vector<WorkerLoad*> candidates;
      for (const std::string& id : candidate_workers_) {
        for (WorkerLoad& w : workers) {
          if (w.worker == id) candidates.push_back(&w);
        }
      }
      if (!candidates.empty()) {
        // In turn, starting over with the first candidate for the tasks.
        size_t i = 0;
        for (const std::string& c : lost.connectors) {
          candidates[i++ % candidates.size()]->connectors.Add(c);
        }
        i = 0;
        for (const ConnectorTaskId& t : lost.tasks) {
          candidates[i++ % candidates.size()]->tasks.Add(t);
        }
      } else {
        to_reassign.AddAll(Linked(lost));
      }
      ResetDelay();
      revoked_in_previous_ = false;
      return;
    }

    std::vector<std::string> empty_workers;
    for (const WorkerLoad& w : workers) {
      if (w.empty()) empty_workers.push_back(w.worker);
    }
    candidate_workers_.AddAll(InJavaHashOrder(std::move(empty_workers), kDefaultBuckets));
    if (now < scheduled_rebalance_) {
      delay_ = CalculateDelay(now);
    } else {
      delay_ = max_delay_;
    }
    scheduled_rebalance_ = now + delay_;
  }

  void ResetDelay() {
    candidate_workers_ = {};
    scheduled_rebalance_ = 0;
    delay_ = 0;
  }

  int32_t CalculateDelay(int64_t now) const {
    const int64_t diff = scheduled_rebalance_ - now;
    return diff > 0 ? static_cast<int32_t>(std::min<int64_t>(diff, max_delay_)) : 0;
  }

  // performLoadBalancingRevocations: what each worker gives up so that none runs more than a
  // balanced share, counting connectors and tasks separately.
  PerWorker LoadBalancingRevocations(const SortedConnectorsAndTasks& configured,
                                     const std::vector<WorkerLoad>& workers) const {
    if (std::all_of(workers.begin(), workers.end(),
                    [](const WorkerLoad& w) { return w.empty(); })) {
      return {};
    }
    if (configured.empty()) return {};
    PerWorker out;
    Revocations<std::string>(
        configured.connectors.size(), workers,
        [](const WorkerLoad& w) -> const Connectors& { return w.connectors; },
        [&](const std::string& worker, const std::vector<std::string>& revoked) {
          out[worker].connectors.AddAll(revoked);
        });
    Revocations<ConnectorTaskId>(
        configured.tasks.size(), workers,
        [](const WorkerLoad& w) -> const Tasks& { return w.tasks; },
        [&](const std::string& worker, const std::vector<ConnectorTaskId>& revoked) {
          out[worker].tasks.AddAll(revoked);
        });
    return out;
  }

  // loadBalancingRevocations for one kind of resource: walks the workers in order, lets the
  // first ones over the minimum keep one extra while extras remain, and revokes the first of
  // what each runs beyond its allowance.
  template <typename E, typename Allocation, typename Emit>
  static void Revocations(size_t total, const std::vector<WorkerLoad>& workers,
                          Allocation allocation, Emit emit) {
    const size_t n = workers.size();
    const size_t min_per_worker = total / n;
    const size_t with_extra = total % n;
    size_t at_min = 0;
    size_t at_min_plus_one = 0;
    for (const WorkerLoad& w : workers) {
      const size_t size = allocation(w).size();
      if (size == min_per_worker) ++at_min;
      if (size == min_per_worker + 1) ++at_min_plus_one;
    }
    if (at_min_plus_one == with_extra && at_min + at_min_plus_one == n) return;

    size_t extras_given = 0;
    for (const WorkerLoad& w : workers) {
      const size_t size = allocation(w).size();
      if (size <= min_per_worker) continue;
      size_t allowed;
      if (extras_given < with_extra) {
        ++extras_given;
        if (size == min_per_worker + 1) continue;
        allowed = min_per_worker + 1;
      } else {
        allowed = min_per_worker;
      }
      const auto& items = allocation(w).items();
      emit(w.worker, std::vector<E>(items.begin(), items.begin() + (size - allowed)));
    }
  }

  // assignConnectors / assignTasks: the workers sorted by load (then id), and the new ones dealt
  // in rounds over the least loaded.
  static void AssignConnectors(std::vector<WorkerLoad>& workers,
                               const std::vector<std::string>& connectors) {
    std::stable_sort(workers.begin(), workers.end(), [](const WorkerLoad& a, const WorkerLoad& b) {
      if (a.connectors.size() != b.connectors.size()) {
        return a.connectors.size() < b.connectors.size();
      }
      return JavaCompare(a.worker, b.worker) < 0;
    });
    Deal(workers, connectors, [](WorkerLoad& w) -> Connectors& { return w.connectors; });
  }

  static void AssignTasks(std::vector<WorkerLoad>& workers,
                          const std::vector<ConnectorTaskId>& tasks) {
    std::stable_sort(workers.begin(), workers.end(), [](const WorkerLoad& a, const WorkerLoad& b) {
      if (a.tasks.size() != b.tasks.size()) return a.tasks.size() < b.tasks.size();
      return JavaCompare(a.worker, b.worker) < 0;
    });
    Deal(workers, tasks, [](WorkerLoad& w) -> Tasks& { return w.tasks; });
  }

  // Each round gives one to every worker as loaded as the first (least loaded) one.
  template <typename E, typename Allocation>
  static void Deal(std::vector<WorkerLoad>& sorted_workers, const std::vector<E>& items,
                   Allocation allocation) {
    size_t next = 0;
    while (next < items.size()) {
      const size_t first_load = allocation(sorted_workers.front()).size();
      size_t up_to = 0;
      while (up_to < sorted_workers.size() &&
             allocation(sorted_workers[up_to]).size() <= first_load) {
        ++up_to;
      }
      for (size_t i = 0; i < up_to && next < items.size(); ++i) {
        allocation(sorted_workers[i]).Add(items[next++]);
      }
    }
  }

  const int32_t max_delay_;
  const std::function<absl::Time()> now_;
  const RevokingBackoff backoff_;

  SortedConnectorsAndTasks previous_assignment_;
  SortedConnectorsAndTasks previous_revocation_;
  bool revoked_in_previous_ = false;
  LinkedSet<std::string, std::less<std::string>> candidate_workers_;
  int64_t scheduled_rebalance_ = 0;
  int32_t delay_ = 0;
  int32_t previous_generation_id_ = -1;
  std::set<std::string> previous_members_;
  int num_successive_revoking_rebalances_ = 0;
};

// WorkerCoordinator.onLeaderElected's choice.
class ProtocolAssignor final : public Assignor {
 public:
  ProtocolAssignor(absl::Duration max_delay, std::function<absl::Time()> now)
      : incremental_(max_delay, std::move(now)) {}

  absl::StatusOr<std::map<std::string, ConnectAssignment>> Assign(
      const LeaderInput& in, const ConfigSnapshot& snapshot) override {
    if (in.protocol == ConnectProtocolCompatibility::kEager) return eager_.Assign(in, snapshot);
    return incremental_.Assign(in, snapshot);
  }

 private:
  EagerAssignor eager_;
  IncrementalCooperativeAssignor incremental_;
};

}  // namespace

std::unique_ptr<Assignor> NewEagerAssignor() { return std::make_unique<EagerAssignor>(); }

std::unique_ptr<Assignor> NewIncrementalCooperativeAssignor(absl::Duration max_delay,
                                                            std::function<absl::Time()> now) {
  return std::make_unique<IncrementalCooperativeAssignor>(max_delay, std::move(now));
}

std::unique_ptr<Assignor> NewConnectAssignor(absl::Duration max_delay,
                                             std::function<absl::Time()> now) {
  return std::make_unique<ProtocolAssignor>(max_delay, std::move(now));
}

}  // namespace sluice::distributed
