#include "server/kafka/consumer_groups.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/kafka/admin_call.h"
#include "server/kafka/errors.h"

namespace sluice::kafka {
namespace {

// The error of one group result, and of any of its partitions.
absl::Status GroupResultStatus(const rd_kafka_group_result_t* result, absl::string_view what) {
  if (const rd_kafka_error_t* error = rd_kafka_group_result_error(result); error != nullptr) {
    return ToStatus(rd_kafka_error_code(error), what);
  }
  if (const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(result);
      parts != nullptr) {
    for (int i = 0; i < parts->cnt; ++i) {
      if (parts->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ToStatus(parts->elems[i].err,
                        absl::StrCat(what, " (", parts->elems[i].topic, "-",
                                     parts->elems[i].partition, ")"));
      }
    }
  }
  return absl::OkStatus();
}

// The first failure among a deletion's group results. A group that does not exist has nothing
// to delete: deleting is idempotent, as in Kafka Connect.
absl::Status DeletionStatus(const rd_kafka_group_result_t** results, size_t count,
                            absl::string_view what) {
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_error_t* error = rd_kafka_group_result_error(results[i]);
    if (error != nullptr && rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
      continue;
    }
    if (absl::Status s = GroupResultStatus(results[i], what); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DeleteConsumerGroup(const ConfigMap& settings, const std::string& group,
                                 absl::Duration timeout) {
  const std::string what = absl::StrCat("Deleting consumer group ", group);
  absl::StatusOr<AdminCall> call =
      AdminCall::Create(settings, RD_KAFKA_ADMIN_OP_DELETEGROUPS, timeout);
  if (!call.ok()) return call.status();
  rd_kafka_DeleteGroup_t* request = rd_kafka_DeleteGroup_new(group.c_str());
  rd_kafka_DeleteGroups(call->rk.get(), &request, 1, call->options.get(), call->queue.get());
  rd_kafka_DeleteGroup_destroy(request);
  absl::StatusOr<Event> event = call->Wait(what);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_DeleteGroups_result_groups(
      rd_kafka_event_DeleteGroups_result(event->get()), &count);
  return DeletionStatus(results, count, what);
}

absl::Status AlterConsumerGroupOffsets(const ConfigMap& settings, const std::string& group,
                                       const std::vector<CommittedOffset>& offsets,
                                       absl::Duration timeout) {
  const std::string what = absl::StrCat("Altering the offsets of consumer group ", group);
  absl::StatusOr<AdminCall> call =
      AdminCall::Create(settings, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout);
  if (!call.ok()) return call.status();
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const CommittedOffset& o : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset = o.offset;
  }
  rd_kafka_AlterConsumerGroupOffsets_t* request =
      rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get());
  rd_kafka_AlterConsumerGroupOffsets(call->rk.get(), &request, 1, call->options.get(),
                                     call->queue.get());
  rd_kafka_AlterConsumerGroupOffsets_destroy(request);
  absl::StatusOr<Event> event = call->Wait(what);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_AlterConsumerGroupOffsets_result_groups(
      rd_kafka_event_AlterConsumerGroupOffsets_result(event->get()), &count);
  for (size_t i = 0; i < count; ++i) {
    absl::Status s = GroupResultStatus(results[i], what);
    if (s.ok()) continue;
    // Only members may commit to a group that has members: the broker answers
    // UNKNOWN_MEMBER_ID (or, mid-rebalance, ILLEGAL_GENERATION / REBALANCE_IN_PROGRESS).
    const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(results[i]);
    for (int p = 0; parts != nullptr && p < parts->cnt; ++p) {
      rd_kafka_resp_err_t err = parts->elems[p].err;
      if (err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID ||
          err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION ||
          err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS) {
        return absl::FailedPreconditionError(s.message());
      }
    }
    return s;
  }
  return absl::OkStatus();
}

absl::Status DeleteConsumerGroupOffsets(const ConfigMap& settings, const std::string& group,
                                        const std::vector<TopicPartition>& partitions,
                                        absl::Duration timeout) {
  const std::string what = absl::StrCat("Deleting offsets of consumer group ", group);
  absl::StatusOr<AdminCall> call =
      AdminCall::Create(settings, RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, timeout);
  if (!call.ok()) return call.status();
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const TopicPartition& tp : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  }
  rd_kafka_DeleteConsumerGroupOffsets_t* request =
      rd_kafka_DeleteConsumerGroupOffsets_new(group.c_str(), list.get());
  rd_kafka_DeleteConsumerGroupOffsets(call->rk.get(), &request, 1, call->options.get(),
                                      call->queue.get());
  rd_kafka_DeleteConsumerGroupOffsets_destroy(request);
  absl::StatusOr<Event> event = call->Wait(what);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
      rd_kafka_event_DeleteConsumerGroupOffsets_result(event->get()), &count);
  return DeletionStatus(results, count, what);
}

namespace {

// What the rebalance callback of CommitOffsetsAsMember records. Touched on the polling thread
// only (librdkafka calls the callback from rd_kafka_consumer_poll).
struct MemberState {
  std::set<TopicPartition> assigned;
  int assignments = 0;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void MemberRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                     rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* state = static_cast<MemberState*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    state->assigned.clear();
    for (int i = 0; i < partitions->cnt; ++i) {
      state->assigned.insert({partitions->elems[i].topic, partitions->elems[i].partition});
    }
    ++state->assignments;
    rd_kafka_assign(rk, partitions);
  } else {
    if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) state->error = err;
    state->assigned.clear();
    rd_kafka_assign(rk, nullptr);
  }
}

}  // namespace

absl::Status CommitOffsetsAsMember(const ConfigMap& settings, const std::string& group,
                                   const std::vector<CommittedOffset>& offsets,
                                   absl::Duration timeout) {
  if (offsets.empty()) return absl::OkStatus();
  const absl::Time deadline = absl::Now() + timeout;
  MemberState state;
  ConfigMap member_settings = settings;
  member_settings["group.id"] = group;
  member_settings.try_emplace("client.id", "sluice-worker-groups");
  member_settings["enable.auto.commit"] = "false";
  member_settings["enable.auto.offset.store"] = "false";
  member_settings.try_emplace("log_level", "3");
  // A short session: after this member leaves, the group waits about this long for members to
  // rejoin before its next generation (the embedded broker's rebalance delay follows it).
  member_settings["session.timeout.ms"] = "6000";
  member_settings.erase("group.instance.id");
  absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(member_settings);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_rebalance_cb(*conf, &MemberRebalance);
  rd_kafka_conf_set_opaque(*conf, &state);
  absl::StatusOr<KafkaHandle> rk = NewClient(RD_KAFKA_CONSUMER, *conf);
  if (!rk.ok()) return rk.status();
  rd_kafka_poll_set_consumer(rk->get());

  std::set<std::string> topics;
  std::set<TopicPartition> wanted;
  for (const CommittedOffset& o : offsets) {
    topics.insert(o.topic);
    wanted.insert({o.topic, o.partition});
  }
  PartitionList subscription(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& topic : topics) {
    rd_kafka_topic_partition_list_add(subscription.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk->get(), subscription.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return ToStatus(err, absl::StrCat("Joining consumer group ", group));
  }

  absl::Status result = absl::DeadlineExceededError(
      absl::StrCat("Joining consumer group ", group, ": no assignment within ",
                   absl::FormatDuration(timeout)));
  while (absl::Now() < deadline) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(rk->get(), 100);
    // Records fetched meanwhile are dropped: this member only commits.
    if (message != nullptr) rd_kafka_message_destroy(message);
    if (state.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      result = ToStatus(state.error, absl::StrCat("Joining consumer group ", group));
      break;
    }
    if (state.assignments == 0) continue;
    const bool holds_all = std::includes(state.assigned.begin(), state.assigned.end(),
                                         wanted.begin(), wanted.end());
    if (!holds_all) {
      result = absl::FailedPreconditionError(absl::StrCat(
          "Consumer group ", group, " has other members: they hold some of the partitions ",
          "to commit"));
      continue;  // they may still leave before the deadline
    }
    PartitionList commit(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const CommittedOffset& o : offsets) {
      rd_kafka_topic_partition_list_add(commit.get(), o.topic.c_str(), o.partition)->offset =
          o.offset;
    }
    err = rd_kafka_commit(rk->get(), commit.get(), /*async=*/0);
    if (err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ||
        err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION) {
      continue;  // a member came or went; wait for the next assignment
    }
    result = ToStatus(err, absl::StrCat("Committing offsets as a member of group ", group));
    break;
  }
  rd_kafka_consumer_close(rk->get());
  return result;
}

absl::StatusOr<int64_t> StartingOffset(const ConfigMap& settings, const TopicPartition& partition,
                                       const std::string& auto_offset_reset,
                                       absl::Duration timeout) {
  absl::StatusOr<KafkaHandle> rk = NewAdminClient(settings);
  if (!rk.ok()) return rk.status();
  int64_t low = 0;
  int64_t high = 0;
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(rk->get(), partition.topic.c_str(), partition.partition,
                                       &low, &high, Millis(timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return ToStatus(err, absl::StrCat("Reading the offsets of ", partition.topic, "-",
                                      partition.partition));
  }
  const bool end = auto_offset_reset == "latest" || auto_offset_reset == "largest" ||
                   auto_offset_reset == "end";
  return end ? high : low;
}

}  // namespace sluice::kafka
