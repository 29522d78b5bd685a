#include "server/distributed/group_member.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace sluice::distributed {
namespace {

// Kafka's AbstractCoordinator gives a JoinGroup this much beyond the rebalance timeout, since
// the broker may hold it that long before answering.
constexpr absl::Duration kJoinGroupTimeoutLapse = absl::Seconds(5);

bool IsCoordinatorError(KafkaErrorCode code) {
  return code == KafkaErrorCode::kNotCoordinator ||
         code == KafkaErrorCode::kCoordinatorNotAvailable;
}

}  // namespace

GroupMember::GroupMember(GroupMemberOptions options, GroupMemberCallbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {}

GroupMember::~GroupMember() { Stop(); }

void GroupMember::Start() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void GroupMember::RequestRejoin() {
  absl::MutexLock lock(&mu_);
  rejoin_requested_ = true;
}

void GroupMember::Stop() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  stop_canceller_.Cancel();
  if (thread_.joinable()) thread_.join();
}

std::string GroupMember::member_id() const {
  absl::MutexLock lock(&mu_);
  return member_id_;
}

int32_t GroupMember::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

bool GroupMember::stopping() const {
  absl::MutexLock lock(&mu_);
  return stop_;
}

bool GroupMember::WaitFor(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || rejoin_requested_; };
  mu_.AwaitWithTimeout(absl::Condition(&woken), d);
  return stop_;
}

bool GroupMember::WaitForStop(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stop_), d);
  return stop_;
}

void GroupMember::Run() {
  while (!stopping()) {
    StepResult result;
    if (coordinator_ == nullptr || coordinator_->broken()) {
      coordinator_.reset();
      result = ConnectCoordinator(absl::Now() + options_.request_timeout, &stop_canceller_);
    } else if (need_join_) {
      result = JoinAndSync();
    } else {
      if (WaitFor(options_.heartbeat_interval)) break;
      bool rejoin;
      {
        absl::MutexLock lock(&mu_);
        rejoin = rejoin_requested_;
      }
      if (rejoin) {
        need_join_ = true;
        continue;
      }
      result = Heartbeat();
    }
    if (result.ok() || stopping()) continue;
    if (!Recover(result)) {
      spdlog::error("Group {}: {}; the worker no longer takes part in the group",
                    options_.group_id, result.status.ToString());
      if (callbacks_.on_fatal_error) callbacks_.on_fatal_error(result.status);
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&stop_));
      break;
    }
  }
  Leave();
}

bool GroupMember::Recover(const StepResult& result) {
  const KafkaErrorCode code = result.code;
  if (code == KafkaErrorCode::kUnknownMemberId || code == KafkaErrorCode::kIllegalGeneration) {
    spdlog::info("Group {}: {}; rejoining as a new member", options_.group_id,
                 std::string(result.status.message()));
    absl::MutexLock lock(&mu_);
    member_id_.clear();
    generation_ = -1;
    need_join_ = true;
    return true;
  }
  if (code == KafkaErrorCode::kRebalanceInProgress) {
    spdlog::info("Group {}: rebalance in progress; rejoining", options_.group_id);
    need_join_ = true;
    return true;
  }
  if (IsCoordinatorError(code) || (code == KafkaErrorCode::kNone &&
                                   (absl::IsUnavailable(result.status) ||
                                    absl::IsDeadlineExceeded(result.status) ||
                                    absl::IsInvalidArgument(result.status) ||
                                    absl::IsInternal(result.status)))) {
    // The coordinator moved or went away, or the connection broke (a response that does not
    // decode means a stream that cannot be trusted either).
    spdlog::info("Group {}: {}; looking for the coordinator again", options_.group_id,
                 std::string(result.status.message()));
    coordinator_.reset();
    WaitForStop(options_.retry_backoff);
    return true;
  }
  if (code == KafkaErrorCode::kCoordinatorLoadInProgress || absl::IsAborted(result.status)) {
    // Loading, or the leader's assignor or an assignment that could not be read: try again.
    spdlog::info("Group {}: {}; retrying", options_.group_id, std::string(result.status.message()));
    need_join_ = need_join_ || code != KafkaErrorCode::kCoordinatorLoadInProgress;
    WaitForStop(options_.retry_backoff);
    return true;
  }
  return false;
}

GroupMember::StepResult GroupMember::ConnectCoordinator(absl::Time deadline,
                                                        const Canceller* cancel) {
  absl::StatusOr<std::unique_ptr<KafkaConnection>> bootstrap =
      ConnectBootstrap(options_.bootstrap_servers, options_.connection, deadline, cancel);
  if (!bootstrap.ok()) return {bootstrap.status()};
  FindCoordinatorRequest find;
  find.key = options_.group_id;
  absl::StatusOr<FindCoordinatorResponse> found = (*bootstrap)->Call(find, deadline, cancel);
  if (!found.ok()) return {found.status()};
  if (found->error_code != KafkaErrorCode::kNone) {
    absl::Status s = KafkaErrorToStatus(
        found->error_code, absl::StrCat("FindCoordinator for group ", options_.group_id, " at ",
                                        (*bootstrap)->address()));
    return {s, found->error_code};
  }
  absl::StatusOr<std::unique_ptr<KafkaConnection>> coordinator =
      KafkaConnection::Connect(found->host, found->port, options_.connection, deadline, cancel);
  if (!coordinator.ok()) return {coordinator.status()};
  spdlog::info("Group {}: coordinator is {} (node {})", options_.group_id,
               (*coordinator)->address(), found->node_id);
  coordinator_ = *std::move(coordinator);
  return {};
}

absl::StatusOr<std::vector<SyncGroupAssignment>> GroupMember::LeaderAssignments(
    const JoinGroupResponse& joined, ConnectProtocolCompatibility protocol) {
  LeaderInput input;
  input.generation = joined.generation_id;
  input.last_completed_generation = last_completed_generation_;
  input.protocol = protocol;
  input.leader_id = joined.leader;
  std::string leader_url;
  for (const JoinGroupMember& m : joined.members) {
    absl::StatusOr<WorkerMetadata> metadata = DecodeWorkerMetadata(m.metadata);
    if (!metadata.ok()) {
      return absl::AbortedError(absl::StrCat("Cannot read the metadata of member ", m.member_id,
                                             ": ", metadata.status().message()));
    }
    if (m.member_id == joined.leader) leader_url = metadata->url;
    input.members.push_back({m.member_id, *std::move(metadata)});
  }
  if (!callbacks_.assign) return absl::AbortedError("No assignor to run as the group's leader");
  absl::StatusOr<std::map<std::string, ConnectAssignment>> assigned = callbacks_.assign(input);
  if (!assigned.ok()) {
    return absl::AbortedError(
        absl::StrCat("The leader's assignment failed: ", assigned.status().message()));
  }
  std::vector<SyncGroupAssignment> out;
  for (const GroupMemberMetadata& m : input.members) {
    ConnectAssignment assignment;
    if (auto it = assigned->find(m.member_id); it != assigned->end()) {
      assignment = it->second;
    } else {
      assignment.leader = joined.leader;
      assignment.leader_url = leader_url;
    }
    absl::StatusOr<std::string> bytes = EncodeConnectAssignment(assignment, protocol);
    if (!bytes.ok()) {
      return absl::AbortedError(absl::StrCat("Cannot encode the assignment of member ",
                                             m.member_id, ": ", bytes.status().message()));
    }
    out.push_back({m.member_id, *std::move(bytes)});
  }
  return out;
}

GroupMember::StepResult GroupMember::JoinAndSync() {
  std::string member_id;
  int32_t generation;
  {
    absl::MutexLock lock(&mu_);
    rejoin_requested_ = false;
    member_id = member_id_;
    generation = generation_;
  }
  if (callbacks_.on_join_prepare) callbacks_.on_join_prepare(generation, member_id);
  while (true) {
    const WorkerMetadata metadata = callbacks_.metadata ? callbacks_.metadata() : WorkerMetadata{};
    absl::StatusOr<std::vector<JoinGroupProtocol>> protocols =
        JoinGroupProtocols(metadata, options_.protocol);
    if (!protocols.ok()) return {protocols.status()};
    JoinGroupRequest join;
    join.group_id = options_.group_id;
    join.session_timeout = options_.session_timeout;
    join.rebalance_timeout = options_.rebalance_timeout;
    join.member_id = member_id;
    join.protocols = *std::move(protocols);
    absl::StatusOr<JoinGroupResponse> joined = coordinator_->Call(
        join, absl::Now() + options_.rebalance_timeout + kJoinGroupTimeoutLapse,
        &stop_canceller_);
    if (!joined.ok()) return {joined.status()};
    if (joined->error_code == KafkaErrorCode::kMemberIdRequired) {
      // KIP-394: the first join only fetches a member id; join again with it at once.
      member_id = joined->member_id;
      absl::MutexLock lock(&mu_);
      member_id_ = member_id;
      continue;
    }
    const std::string context = absl::StrCat("JoinGroup of group ", options_.group_id, " at ",
                                             coordinator_->address());
    if (joined->error_code != KafkaErrorCode::kNone) {
      return {KafkaErrorToStatus(joined->error_code, context), joined->error_code};
    }
    {
      absl::MutexLock lock(&mu_);
      member_id_ = joined->member_id;
    }
    absl::StatusOr<ConnectProtocolCompatibility> protocol =
        CompatibilityOfProtocol(joined->protocol_name);
    if (!protocol.ok()) {
      return {absl::FailedPreconditionError(
          absl::StrCat(context, ": ", protocol.status().message()))};
    }
    spdlog::info("Group {}: joined generation {} as {} ({}, protocol {})", options_.group_id,
                 joined->generation_id, joined->member_id,
                 joined->IsLeader() ? "leader" : "follower", joined->protocol_name);

    SyncGroupRequest sync;
    sync.group_id = options_.group_id;
    sync.generation_id = joined->generation_id;
    sync.member_id = joined->member_id;
    if (joined->IsLeader()) {
      absl::StatusOr<std::vector<SyncGroupAssignment>> assignments =
          LeaderAssignments(*joined, *protocol);
      if (!assignments.ok()) return {assignments.status()};
      sync.assignments = *std::move(assignments);
    }
    absl::StatusOr<SyncGroupResponse> synced =
        coordinator_->Call(sync, absl::Now() + options_.request_timeout, &stop_canceller_);
    if (!synced.ok()) return {synced.status()};
    if (synced->error_code != KafkaErrorCode::kNone) {
      return {KafkaErrorToStatus(synced->error_code,
                                 absl::StrCat("SyncGroup of group ", options_.group_id,
                                              " generation ", joined->generation_id)),
              synced->error_code};
    }
    absl::StatusOr<ConnectAssignment> assignment = DecodeConnectAssignment(synced->assignment);
    if (!assignment.ok()) {
      return {absl::AbortedError(absl::StrCat("Cannot read the assignment of generation ",
                                              joined->generation_id, ": ",
                                              assignment.status().message()))};
    }
    {
      absl::MutexLock lock(&mu_);
      generation_ = joined->generation_id;
    }
    last_completed_generation_ = joined->generation_id;
    need_join_ = false;
    MemberAssignment event;
    event.generation = joined->generation_id;
    event.member_id = joined->member_id;
    event.leader = joined->IsLeader();
    event.protocol = *protocol;
    event.assignment = *std::move(assignment);
    if (callbacks_.on_assignment) callbacks_.on_assignment(event);
    return {};
  }
}

GroupMember::StepResult GroupMember::Heartbeat() {
  HeartbeatRequest heartbeat;
  heartbeat.group_id = options_.group_id;
  {
    absl::MutexLock lock(&mu_);
    heartbeat.generation_id = generation_;
    heartbeat.member_id = member_id_;
  }
  absl::StatusOr<HeartbeatResponse> response =
      coordinator_->Call(heartbeat, absl::Now() + options_.request_timeout, &stop_canceller_);
  if (!response.ok()) return {response.status()};
  if (response->error_code != KafkaErrorCode::kNone) {
    return {KafkaErrorToStatus(response->error_code,
                               absl::StrCat("Heartbeat of group ", options_.group_id,
                                            " generation ", heartbeat.generation_id)),
            response->error_code};
  }
  return {};
}

void GroupMember::Leave() {
  LeavingMember leaving;
  {
    absl::MutexLock lock(&mu_);
    leaving.member_id = member_id_;
  }
  if (leaving.member_id.empty()) return;
  // Stop() cancelled stop_canceller_; the leave has a deadline of its own instead.
  const absl::Time deadline = absl::Now() + options_.leave_timeout;
  if (coordinator_ == nullptr || coordinator_->broken()) {
    coordinator_.reset();
    if (!ConnectCoordinator(deadline, nullptr).ok()) {
      spdlog::warn("Group {}: could not reach the coordinator to leave; the group notices after "
                   "session.timeout.ms",
                   options_.group_id);
      return;
    }
  }
  LeaveGroupRequest leave;
  leave.group_id = options_.group_id;
  leave.members.push_back(leaving);
  absl::StatusOr<LeaveGroupResponse> response = coordinator_->Call(leave, deadline, nullptr);
  if (!response.ok() || response->error_code != KafkaErrorCode::kNone) {
    spdlog::warn("Group {}: LeaveGroup failed: {}", options_.group_id,
                 response.ok() ? KafkaErrorName(response->error_code)
                               : response.status().ToString());
  } else {
    spdlog::info("Group {}: {} left the group", options_.group_id, leaving.member_id);
  }
  absl::MutexLock lock(&mu_);
  member_id_.clear();
  generation_ = -1;
}

}  // namespace sluice::distributed
