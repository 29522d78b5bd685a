// Changing a consumer group from outside it: what Kafka Connect's offsets API (KIP-875) does
// to a stopped sink connector's group (DeleteGroups for a reset, AlterConsumerGroupOffsets /
// DeleteConsumerGroupOffsets for an alter), plus a way to commit on brokers that have none of
// those calls.
//
// The embedded broker (librdkafka 2.0.2's mock cluster) answers neither DescribeGroups,
// DeleteGroups nor OffsetDelete, and it refuses an OffsetCommit from outside any group it has
// seen, even an empty one: its OffsetCommit handler looks the committing member up in the group
// and answers UNKNOWN_MEMBER_ID when it is not there, and it never forgets a group. The only
// commit it accepts for such a group is a member's, so CommitOffsetsAsMember joins the group,
// waits until the group's assignment gives it every partition to commit (so no other member
// holds one of them), commits with the group's generation, and leaves.
//
// Never call DeleteConsumerGroup or DeleteConsumerGroupOffsets on a broker that lacks
// DeleteGroups / OffsetDelete (the embedded one, Kafka before 2.4): librdkafka 2.0.2 then fails
// an assertion and aborts the process, or hangs when the client is destroyed (seen here with
// DeleteGroups and DescribeConsumerGroups; confluentinc/librdkafka#3663, #4605). Callers know
// which broker they talk to.
//
// `settings` are librdkafka client settings: bootstrap.servers and whatever else (security)
// the group's own consumers use. Every call makes its own short-lived client.
//
// Thread-safe (no shared state).
#ifndef SLUICE_SERVER_KAFKA_CONSUMER_GROUPS_H_
#define SLUICE_SERVER_KAFKA_CONSUMER_GROUPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/kafka/client.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/records.h"

namespace sluice::kafka {

// Deletes `group` with its committed offsets. OK when it is gone, also when it did not exist.
// FailedPrecondition when it has members.
absl::Status DeleteConsumerGroup(const ConfigMap& settings, const std::string& group,
                                 absl::Duration timeout);

// Commits `offsets` for `group` from outside it. FailedPrecondition when the group has members
// (the broker answers UNKNOWN_MEMBER_ID).
absl::Status AlterConsumerGroupOffsets(const ConfigMap& settings, const std::string& group,
                                       const std::vector<CommittedOffset>& offsets,
                                       absl::Duration timeout);

// Deletes the committed offsets of `partitions` for `group`. FailedPrecondition when the group
// has members subscribed to one of their topics.
absl::Status DeleteConsumerGroupOffsets(const ConfigMap& settings, const std::string& group,
                                        const std::vector<TopicPartition>& partitions,
                                        absl::Duration timeout);

// Joins `group` (subscribed to the topics of `offsets`), waits for an assignment holding every
// partition of `offsets`, commits them and leaves. FailedPrecondition when that assignment
// does not come within `timeout` because another member holds some of those partitions;
// DeadlineExceeded when no assignment comes at all.
absl::Status CommitOffsetsAsMember(const ConfigMap& settings, const std::string& group,
                                   const std::vector<CommittedOffset>& offsets,
                                   absl::Duration timeout);

// The offset a consumer without a committed offset starts from in `partition` under
// `auto_offset_reset` ("latest" / "largest" / "end": the end of the log; anything else: its
// start).
absl::StatusOr<int64_t> StartingOffset(const ConfigMap& settings, const TopicPartition& partition,
                                       const std::string& auto_offset_reset,
                                       absl::Duration timeout);

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_CONSUMER_GROUPS_H_
