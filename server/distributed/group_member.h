// A worker's membership in its Kafka Connect group (group.id, protocol type "connect"), as Kafka
// Connect's WorkerCoordinator holds it: find the group coordinator, join (JoinGroup, offering
// the protocols of connect.protocol with this worker's metadata), let the leader compute every
// member's assignment, sync (SyncGroup), hand the assignment over, then heartbeat every
// heartbeat.interval.ms until a rebalance, an error or Stop() says otherwise.
//
//   GroupMemberOptions options;
//   options.bootstrap_servers = {"broker:9092"};
//   options.group_id = "connect-cluster";
//   GroupMember member(options, {
//       .metadata = [&] { return herder.CurrentMetadata(); },
//       .assign = [&](const LeaderInput& in) { return assignor.Assign(in); },
//       .on_assignment = [&](const MemberAssignment& a) { herder.Enqueue(a); },
//   });
//   member.Start();
//   ...
//   member.RequestRejoin();  // after revocations, a config change, a scheduled delay
//   ...
//   member.Stop();           // LeaveGroup, returns within about a second
//
// How it reacts (AbstractCoordinator's rules):
//   JoinGroup MEMBER_ID_REQUIRED        rejoin at once with the member id the broker gave
//   UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION
//                                       forget the member id and generation, rejoin
//   REBALANCE_IN_PROGRESS               rejoin (keeping the member id)
//   NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, a lost connection
//                                       find the coordinator again (after retry.backoff.ms),
//                                       then carry on (heartbeats go on in the same
//                                       generation; a join or sync starts over)
//   COORDINATOR_LOAD_IN_PROGRESS        retry after retry.backoff.ms
//   anything fatal (authorization, inconsistent group protocol, invalid session timeout,
//   unsupported version, ...)           on_fatal_error, and the member stops taking part (it
//                                       neither heartbeats nor rejoins; Stop() still leaves)
//
// Threads: one background thread per member does every request; the callbacks run on it, one
// at a time, and must return quickly (a callback that blocks stops the heartbeats, and the
// broker drops the member after session.timeout.ms): hand the work to another thread. The
// exception is on_join_prepare, which runs while no heartbeat is due. No callback may call
// Stop(). The public methods are thread-safe.
#ifndef SLUICE_SERVER_DISTRIBUTED_GROUP_MEMBER_H_
#define SLUICE_SERVER_DISTRIBUTED_GROUP_MEMBER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/distributed/connect_protocol.h"
#include "server/distributed/kafka_connection.h"
#include "server/distributed/membership.h"

namespace sluice::distributed {

// The worker settings of membership (reference §4.2), with Kafka Connect's defaults.
struct GroupMemberOptions {
  std::vector<std::string> bootstrap_servers;  // bootstrap.servers
  KafkaConnectionOptions connection;           // security.protocol, ssl.*, sasl.*, client.id
  std::string group_id;                        // group.id
  ConnectProtocolCompatibility protocol = ConnectProtocolCompatibility::kSessioned;
  absl::Duration session_timeout = absl::Seconds(10);    // session.timeout.ms
  absl::Duration heartbeat_interval = absl::Seconds(3);  // heartbeat.interval.ms
  absl::Duration rebalance_timeout = absl::Minutes(1);   // rebalance.timeout.ms
  absl::Duration request_timeout = absl::Seconds(40);    // request.timeout.ms
  absl::Duration retry_backoff = absl::Milliseconds(100);  // retry.backoff.ms
  // How long Stop() gives LeaveGroup before it gives up (the broker then notices the member's
  // absence after session.timeout.ms).
  absl::Duration leave_timeout = absl::Milliseconds(500);
};

// A member of the group as the leader sees it.
struct GroupMemberMetadata {
  std::string member_id;
  WorkerMetadata metadata;
};

// What the leader's assignor is given.
struct LeaderInput {
  int32_t generation = -1;
  // The last generation this member completed (a sync that handed it an assignment), -1 before
  // the first: Java's WorkerCoordinator.lastCompletedGenerationId. It stays behind when a sync
  // fails or the member is dropped, and the incremental assignor then distrusts its memory.
  int32_t last_completed_generation = -1;
  ConnectProtocolCompatibility protocol = ConnectProtocolCompatibility::kSessioned;
  std::string leader_id;
  std::vector<GroupMemberMetadata> members;  // in the coordinator's order, the leader among them
};

// What a member is given after a rebalance.
struct MemberAssignment {
  int32_t generation = -1;
  std::string member_id;
  bool leader = false;
  ConnectProtocolCompatibility protocol = ConnectProtocolCompatibility::kSessioned;
  ConnectAssignment assignment;
};

struct GroupMemberCallbacks {
  // A (re)join is about to start: the generation and member id it leaves (-1 and "" before the
  // first). Under the eager protocol the herder stops all its work here, as Java's
  // WorkerCoordinator.onJoinPrepare has it revoke everything; it may block up to
  // rebalance.timeout.ms (the coordinator waits that long for members to rejoin). Optional.
  std::function<void(int32_t generation, const std::string& member_id)> on_join_prepare;
  // This worker's metadata for the next JoinGroup: advertised URL, config offset, and (for the
  // cooperative protocols) the assignment it runs now. Called before every join.
  std::function<WorkerMetadata()> metadata;
  // The leader's assignment: every member id to its assignment. A member left out is sent an
  // empty one. An error makes the leader rejoin after retry.backoff.ms.
  std::function<absl::StatusOr<std::map<std::string, ConnectAssignment>>(const LeaderInput&)>
      assign;
  // The assignment of each generation this member completes.
  std::function<void(const MemberAssignment&)> on_assignment;
  // A fatal error: the member stopped taking part in the group. Optional.
  std::function<void(const absl::Status&)> on_fatal_error;
};

// Thread-safe (see the file comment).
class GroupMember final : public Membership {
 public:
  GroupMember(GroupMemberOptions options, GroupMemberCallbacks callbacks);
  // Stops if running.
  ~GroupMember() override;
  GroupMember(const GroupMember&) = delete;
  GroupMember& operator=(const GroupMember&) = delete;

  // Starts the background thread, which joins the group. Once only.
  void Start() override ABSL_LOCKS_EXCLUDED(lifecycle_mu_, mu_);
  // Makes the member rejoin (a new JoinGroup in the current membership) as soon as its thread
  // is between requests, as WorkerCoordinator.requestRejoin does.
  void RequestRejoin() override ABSL_LOCKS_EXCLUDED(mu_);
  // Interrupts any request under way, sends LeaveGroup (within options.leave_timeout) if the
  // member has an id, and joins the thread. Returns within about a second whatever the broker
  // does. Idempotent.
  void Stop() override ABSL_LOCKS_EXCLUDED(lifecycle_mu_, mu_);

  // The member id the coordinator gave ("" before the first join) and the generation of the
  // last completed sync (-1 before).
  std::string member_id() const override ABSL_LOCKS_EXCLUDED(mu_);
  int32_t generation() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // What a step of the background thread ran into: a status, and the Kafka error code when
  // the broker answered with one (kNone for a connection or decoding failure).
  struct StepResult {
    absl::Status status;
    KafkaErrorCode code = KafkaErrorCode::kNone;
    bool ok() const { return status.ok(); }
  };

  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // Finds the coordinator through a bootstrap server and connects to it.
  StepResult ConnectCoordinator(absl::Time deadline, const Canceller* cancel);
  StepResult JoinAndSync() ABSL_LOCKS_EXCLUDED(mu_);
  // The leader's part of a sync: the assignor's answer, encoded for every member.
  absl::StatusOr<std::vector<SyncGroupAssignment>> LeaderAssignments(
      const JoinGroupResponse& joined, ConnectProtocolCompatibility protocol);
  StepResult Heartbeat() ABSL_LOCKS_EXCLUDED(mu_);
  void Leave() ABSL_LOCKS_EXCLUDED(mu_);
  // Reacts to a failed step: forgets the coordinator, the member id, or marks a rejoin, and
  // backs off where Kafka's client does; false for a fatal error.
  bool Recover(const StepResult& result) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits `d` or until Stop() or RequestRejoin(); true when stopping.
  bool WaitFor(absl::Duration d) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits `d` or until Stop(); true when stopping.
  bool WaitForStop(absl::Duration d) ABSL_LOCKS_EXCLUDED(mu_);
  bool stopping() const ABSL_LOCKS_EXCLUDED(mu_);

  const GroupMemberOptions options_;
  const GroupMemberCallbacks callbacks_;
  // Wakes the thread's blocked I/O on Stop().
  Canceller stop_canceller_;

  // Serializes Start() and Stop().
  absl::Mutex lifecycle_mu_;
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);
  bool started_ ABSL_GUARDED_BY(lifecycle_mu_) = false;

  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool rejoin_requested_ ABSL_GUARDED_BY(mu_) = false;
  std::string member_id_ ABSL_GUARDED_BY(mu_);
  int32_t generation_ ABSL_GUARDED_BY(mu_) = -1;

  // The background thread's own state; no other thread touches it.
  std::unique_ptr<KafkaConnection> coordinator_;
  // Whether the member must (re)join before heartbeating.
  bool need_join_ = true;
  // The generation of the last completed sync; unlike generation_, never forgotten.
  int32_t last_completed_generation_ = -1;
};

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_GROUP_MEMBER_H_
