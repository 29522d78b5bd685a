// The group leader's assignors: which worker runs which connector and task, computed by the
// leader of a Kafka Connect group each generation and sent to every member through SyncGroup.
// They make the same decisions as Kafka Connect 3.9's (reference §9): EagerAssignor for the
// `default` protocol (a fresh round robin every generation) and IncrementalCooperativeAssignor
// for `compatible` and `sessioned` (KIP-415: keep what runs, start what is new, revoke only to
// balance, hold a departed worker's work for scheduled.rebalance.max.delay.ms), down to the
// order of the entries in each assignment, so that a group with a Sluice leader hands Java
// workers the very assignments a Java leader would.
//
//   // One per worker, for the worker's whole life (as Java's WorkerCoordinator holds its own).
//   std::unique_ptr<Assignor> assignor =
//       NewConnectAssignor(absl::Milliseconds(300000), [] { return absl::Now(); });
//   GroupMemberCallbacks callbacks;
//   callbacks.assign = [&](const LeaderInput& in) {
//     // The snapshot this worker's own metadata reported, or one read to the end of the config
//     // topic when a member reported a higher offset (see Assignor).
//     return assignor->Assign(in, SnapshotFor(in));
//   };
//
// Where Java walks a java.util.HashMap or HashSet (the members, a worker's connectors when
// revoking deleted ones, the workers that may take lost work) the walk follows that HashMap's
// iteration order, as the JDK 17 HashMap lays it out.
#ifndef SLUICE_SERVER_DISTRIBUTED_ASSIGNOR_H_
#define SLUICE_SERVER_DISTRIBUTED_ASSIGNOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/distributed/connect_protocol.h"
#include "server/distributed/group_member.h"

namespace sluice::distributed {

// The leader's view of the config topic when it assigns (Java's ClusterConfigState, reduced to
// what the assignors read).
struct ConfigSnapshot {
  // The config topic offset the snapshot was read up to.
  int64_t offset = -1;
  // Every connector with a config in the snapshot -> the number of its tasks to run (the task
  // count of its last committed task configs; 0 when none were committed yet, or when its task
  // configs are inconsistent, as ClusterConfigState.tasks() gives none for those). Both
  // assignors walk connectors in Java's String order (a TreeSet, Collections.sort), so the
  // order of this map does not matter.
  std::map<std::string, int32_t> task_counts;
};

// Computes every member's assignment for one generation.
//
// The snapshot: Java's leader assigns from the config snapshot its own join metadata reported,
// unless a member reported a higher config offset, in which case it first reads the config
// topic to its end (WorkerCoordinator.configFreshSnapshot) and uses that. The caller does the
// same before calling Assign: pass the snapshot whose offset this leader put in its metadata,
// or, when some member's metadata offset is higher, a snapshot read to the end of the topic.
// If the snapshot is still behind the highest offset a member reported, every member gets a
// CONFIG_MISMATCH assignment (error 1, that highest offset, nothing assigned), upon which each
// reads the config topic to its end and rejoins. Otherwise the assignments carry the
// snapshot's offset.
//
// The leader's URL in the assignments is the one in the leader's own metadata, as in Java.
class Assignor {
 public:
  virtual ~Assignor() = default;

  // Returns every member id's assignment. InvalidArgument when `in` has no members, when the
  // leader is not among them, or when the protocol is not one this assignor serves.
  virtual absl::StatusOr<std::map<std::string, ConnectAssignment>> Assign(
      const LeaderInput& in, const ConfigSnapshot& snapshot) = 0;
};

// Java's EagerAssignor, for protocol `default`: connectors, then their tasks, dealt round robin
// over the members sorted by id; every assignment is whole (the members stopped everything
// before joining) and of version 0. Stateless; thread-safe.
std::unique_ptr<Assignor> NewEagerAssignor();

// Java's IncrementalCooperativeAssignor, for protocols `compatible` (version 1) and `sessioned`
// (version 2). It keeps state across generations, as Java's does (the previous assignment and
// generation, the previous members, pending revocations, the scheduled rebalance and its delay,
// the count of successive revoking rebalances, the workers that may take lost work): like Java's
// WorkerCoordinator, each worker keeps one instance for its whole life and uses it whenever it
// leads (a worker that leads again finds its state of before, and discards the previous
// assignment when its last completed generation says it is stale). `max_delay` is
// scheduled.rebalance.max.delay.ms (whole milliseconds; clamped to an int32 as Java's int
// setting is); `now` is the clock it reads, once per Assign. InvalidArgument for protocol
// `default`. Thread-compatible.
std::unique_ptr<Assignor> NewIncrementalCooperativeAssignor(absl::Duration max_delay,
                                                            std::function<absl::Time()> now);

// What Java's WorkerCoordinator.onLeaderElected runs: the eager assignor when the group chose
// protocol `default`, otherwise one incremental cooperative assignor kept across generations.
// Thread-compatible.
std::unique_ptr<Assignor> NewConnectAssignor(absl::Duration max_delay,
                                             std::function<absl::Time()> now);

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_ASSIGNOR_H_
