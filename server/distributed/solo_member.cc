#include "server/distributed/solo_member.h"

#include <openssl/rand.h>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sluice::distributed {

namespace {

// A member id as Kafka's coordinator makes one: "<client.id>-<random UUID>".
std::string NewMemberId(const std::string& client_id) {
  unsigned char b[16] = {};
  if (RAND_bytes(b, sizeof(b)) != 1) {
    for (size_t i = 0; i < sizeof(b); ++i) b[i] = static_cast<unsigned char>(i * 37 + 11);
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant
  std::string uuid;
  for (size_t i = 0; i < sizeof(b); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) uuid += '-';
    uuid += absl::StrFormat("%02x", b[i]);
  }
  return absl::StrCat(client_id, "-", uuid);
}

}  // namespace

SoloMember::SoloMember(SoloMemberOptions options, GroupMemberCallbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {}

SoloMember::~SoloMember() { Stop(); }

void SoloMember::Start() {
  absl::MutexLock lock(&mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void SoloMember::RequestRejoin() {
  absl::MutexLock lock(&mu_);
  rejoin_ = true;
}

void SoloMember::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::string SoloMember::member_id() const {
  absl::MutexLock lock(&mu_);
  return member_id_;
}

int32_t SoloMember::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

void SoloMember::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SoloMember* m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(m->mu_) {
            return m->stopping_ || m->rejoin_;
          },
          this));
      if (stopping_) return;
      rejoin_ = false;
    }
    if (!Round()) {
      absl::MutexLock lock(&mu_);
      // The leader rejoins after retry.backoff.ms, as GroupMember does.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.retry_backoff);
      rejoin_ = true;
    }
  }
}

bool SoloMember::Round() {
  std::string member_id;
  int32_t last_generation;
  {
    absl::MutexLock lock(&mu_);
    last_generation = generation_;
    member_id = member_id_;
  }
  if (callbacks_.on_join_prepare) callbacks_.on_join_prepare(last_generation, member_id);
  if (member_id.empty()) {
    member_id = NewMemberId(options_.client_id);
    absl::MutexLock lock(&mu_);
    member_id_ = member_id;
  }
  auto fail = [&](const absl::Status& s) {
    spdlog::error("Group of one worker: {}", std::string(s.message()));
    return false;
  };
  // The coordinator would pick the first protocol offered, the setting's own, and hand the
  // leader the metadata of that protocol.
  absl::StatusOr<std::vector<JoinGroupProtocol>> protocols =
      JoinGroupProtocols(callbacks_.metadata(), options_.protocol);
  if (!protocols.ok()) return fail(protocols.status());
  absl::StatusOr<ConnectProtocolCompatibility> protocol =
      CompatibilityOfProtocol(protocols->front().name);
  if (!protocol.ok()) return fail(protocol.status());
  absl::StatusOr<WorkerMetadata> metadata = DecodeWorkerMetadata(protocols->front().metadata);
  if (!metadata.ok()) return fail(metadata.status());

  LeaderInput input;
  input.generation = last_generation < 0 ? 1 : last_generation + 1;
  input.protocol = *protocol;
  input.leader_id = member_id;
  input.last_completed_generation = last_generation;
  input.members.push_back({member_id, *std::move(metadata)});
  absl::StatusOr<std::map<std::string, ConnectAssignment>> assignments = callbacks_.assign(input);
  if (!assignments.ok()) return fail(assignments.status());
  ConnectAssignment mine;
  if (auto it = assignments->find(member_id); it != assignments->end()) mine = it->second;
  absl::StatusOr<std::string> bytes = EncodeConnectAssignment(mine, *protocol);
  if (!bytes.ok()) return fail(bytes.status());
  absl::StatusOr<ConnectAssignment> decoded = DecodeConnectAssignment(*bytes);
  if (!decoded.ok()) return fail(decoded.status());
  {
    absl::MutexLock lock(&mu_);
    generation_ = input.generation;
  }
  callbacks_.on_assignment({input.generation, member_id, /*leader=*/true, *protocol,
                            *std::move(decoded)});
  return true;
}

}  // namespace sluice::distributed
