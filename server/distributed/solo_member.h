// A Connect group of one worker, run without a group coordinator: each round (at Start and at
// every RequestRejoin) this worker is the leader and the only member. It calls the same
// callbacks as GroupMember, in the same order (on_join_prepare, metadata, assign,
// on_assignment), with the metadata and the assignment encoded and decoded as they would
// travel through Kafka, so the herder above cannot tell the difference.
//
// For distributed mode on the embedded broker: librdkafka's mock coordinator aborts the whole
// process when two members offer different first protocols, and misorders syncs (DESIGN.md §4),
// so sluiced never joins a Connect group there. A cluster of several workers needs a real Kafka.
//
// Thread-safe; the callbacks run on the member's own thread, one at a time.
#ifndef SLUICE_SERVER_DISTRIBUTED_SOLO_MEMBER_H_
#define SLUICE_SERVER_DISTRIBUTED_SOLO_MEMBER_H_

#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/distributed/connect_protocol.h"
#include "server/distributed/group_member.h"
#include "server/distributed/membership.h"

namespace sluice::distributed {

struct SoloMemberOptions {
  std::string client_id;  // the member id starts with it, as a coordinator's would
  ConnectProtocolCompatibility protocol = ConnectProtocolCompatibility::kSessioned;
  // How long to wait before the next round when the assignor fails (retry.backoff.ms).
  absl::Duration retry_backoff = absl::Milliseconds(100);
};

class SoloMember final : public Membership {
 public:
  SoloMember(SoloMemberOptions options, GroupMemberCallbacks callbacks);
  ~SoloMember() override;
  SoloMember(const SoloMember&) = delete;
  SoloMember& operator=(const SoloMember&) = delete;

  void Start() override ABSL_LOCKS_EXCLUDED(mu_);
  void RequestRejoin() override ABSL_LOCKS_EXCLUDED(mu_);
  void Stop() override ABSL_LOCKS_EXCLUDED(mu_);
  std::string member_id() const override ABSL_LOCKS_EXCLUDED(mu_);
  int32_t generation() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // One join and sync. False when the assignor failed (the round is tried again).
  bool Round() ABSL_LOCKS_EXCLUDED(mu_);

  const SoloMemberOptions options_;
  const GroupMemberCallbacks callbacks_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool rejoin_ ABSL_GUARDED_BY(mu_) = true;  // the first round
  std::string member_id_ ABSL_GUARDED_BY(mu_);
  int32_t generation_ ABSL_GUARDED_BY(mu_) = -1;
};

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_SOLO_MEMBER_H_
