// SoloMember with Kafka Connect's real assignors: a group of one worker gets all the work, keeps
// it across rounds (its metadata reports what it runs), and sees its generation grow.
#include "server/distributed/solo_member.h"

#include <deque>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/distributed/assignor.h"

namespace sluice::distributed {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

// The herder's side: keeps what it was assigned and reports it in its metadata.
class FakeWorker {
 public:
  explicit FakeWorker(std::unique_ptr<Assignor> assignor) : assignor_(std::move(assignor)) {}

  GroupMemberCallbacks Callbacks() {
    return {.on_join_prepare = [this](int32_t, const std::string&) { ++prepares_; },
            .metadata = [this] { return Metadata(); },
            .assign = [this](const LeaderInput& in) { return Assign(in); },
            .on_assignment = [this](const MemberAssignment& a) { Assigned(a); }};
  }

  void FailNextAssignment() {
    absl::MutexLock lock(&mu_);
    fail_next_ = true;
  }
  // Waits up to 10 s for the assignment of generation `generation`.
  std::optional<MemberAssignment> Await(int32_t generation) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    absl::MutexLock lock(&mu_);
    while (true) {
      for (const MemberAssignment& a : received_) {
        if (a.generation == generation) return a;
      }
      changed_ = false;
      if (!mu_.AwaitWithDeadline(absl::Condition(&changed_), deadline)) return std::nullopt;
    }
  }
  int prepares() const { return prepares_.load(); }

 private:
  WorkerMetadata Metadata() {
    absl::MutexLock lock(&mu_);
    WorkerMetadata m;
    m.url = "http://w:8083/";
    m.config_offset = 7;
    if (!received_.empty()) m.assignment = running_;
    return m;
  }
  absl::StatusOr<std::map<std::string, ConnectAssignment>> Assign(const LeaderInput& in) {
    {
      absl::MutexLock lock(&mu_);
      if (fail_next_) {
        fail_next_ = false;
        return absl::UnavailableError("config topic not readable");
      }
    }
    ConfigSnapshot snapshot;
    snapshot.offset = 7;
    snapshot.task_counts = {{"a", 2}, {"b", 1}};
    return assignor_->Assign(in, snapshot);
  }
  void Assigned(const MemberAssignment& a) {
    absl::MutexLock lock(&mu_);
    running_ = RunningAfter(running_, a.assignment);
    received_.push_back(a);
    changed_ = true;
  }

  std::unique_ptr<Assignor> assignor_;
  std::atomic<int> prepares_{0};
  absl::Mutex mu_;
  bool changed_ ABSL_GUARDED_BY(mu_) = false;
  bool fail_next_ ABSL_GUARDED_BY(mu_) = false;
  ConnectAssignment running_ ABSL_GUARDED_BY(mu_);
  std::vector<MemberAssignment> received_ ABSL_GUARDED_BY(mu_);
};

std::unique_ptr<Assignor> Cooperative() {
  return NewConnectAssignor(absl::Minutes(5), [] { return absl::Now(); });
}

TEST(SoloMember, TheOnlyMemberLeadsAndIsAssignedEverything) {
  FakeWorker worker(Cooperative());
  SoloMember member({.client_id = "connect-w:8083"}, worker.Callbacks());
  member.Start();
  std::optional<MemberAssignment> first = worker.Await(1);
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->leader);
  EXPECT_EQ(first->protocol, ConnectProtocolCompatibility::kSessioned);
  EXPECT_THAT(first->member_id, StartsWith("connect-w:8083-"));
  EXPECT_EQ(first->assignment.leader, first->member_id);
  EXPECT_EQ(first->assignment.leader_url, "http://w:8083/");
  EXPECT_EQ(first->assignment.config_offset, 7);
  EXPECT_THAT(ConnectorsOf(first->assignment.assigned), ElementsAre("a", "b"));
  EXPECT_EQ(TasksOf(first->assignment.assigned).size(), 3u);
  EXPECT_EQ(member.generation(), 1);
  EXPECT_EQ(worker.prepares(), 1);
  member.Stop();
}

TEST(SoloMember, ARejoinKeepsTheWorkItRuns) {
  FakeWorker worker(Cooperative());
  SoloMember member({.client_id = "connect-w:8083"}, worker.Callbacks());
  member.Start();
  ASSERT_TRUE(worker.Await(1).has_value());
  member.RequestRejoin();
  std::optional<MemberAssignment> second = worker.Await(2);
  ASSERT_TRUE(second.has_value());
  // Incremental cooperative: nothing new to start, nothing to stop.
  EXPECT_TRUE(second->assignment.assigned.empty());
  EXPECT_TRUE(second->assignment.revoked.empty());
  EXPECT_EQ(second->member_id, member.member_id());
  member.Stop();
}

TEST(SoloMember, TheEagerProtocolAssignsEverythingEveryRound) {
  FakeWorker worker(Cooperative());
  SoloMember member({.client_id = "c", .protocol = ConnectProtocolCompatibility::kEager},
                    worker.Callbacks());
  member.Start();
  ASSERT_TRUE(worker.Await(1).has_value());
  member.RequestRejoin();
  std::optional<MemberAssignment> second = worker.Await(2);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->protocol, ConnectProtocolCompatibility::kEager);
  EXPECT_THAT(ConnectorsOf(second->assignment.assigned), ElementsAre("a", "b"));
  member.Stop();
}

TEST(SoloMember, AFailedAssignmentIsTriedAgain) {
  FakeWorker worker(Cooperative());
  worker.FailNextAssignment();
  SoloMember member({.client_id = "c", .retry_backoff = absl::Milliseconds(10)},
                    worker.Callbacks());
  member.Start();
  ASSERT_TRUE(worker.Await(1).has_value());
  EXPECT_EQ(worker.prepares(), 2);
  member.Stop();
}

TEST(SoloMember, StopBeforeStartAndTwiceIsFine) {
  FakeWorker worker(Cooperative());
  SoloMember member({.client_id = "c"}, worker.Callbacks());
  member.Stop();
  member.Stop();
  EXPECT_EQ(member.generation(), -1);
}

}  // namespace
}  // namespace sluice::distributed
