#include "server/kafka/admin_call.h"

#include <algorithm>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "server/kafka/errors.h"

namespace sluice::kafka {

int Millis(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, 3'600'000));
}

absl::StatusOr<KafkaHandle> NewAdminClient(ConfigMap settings) {
  settings.erase("group.id");
  settings.erase("group.instance.id");
  settings.try_emplace("client.id", "sluice-worker-groups");
  settings.try_emplace("log_level", "3");
  absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(settings);
  if (!conf.ok()) return conf.status();
  return NewClient(RD_KAFKA_CONSUMER, *conf);
}

absl::StatusOr<AdminCall> AdminCall::Create(const ConfigMap& settings, rd_kafka_admin_op_t op,
                                            absl::Duration timeout) {
  absl::StatusOr<KafkaHandle> rk = NewAdminClient(settings);
  if (!rk.ok()) return rk.status();
  AdminCall call;
  call.timeout_ms = Millis(timeout);
  call.queue = Queue(rd_kafka_queue_new(rk->get()));
  call.options = AdminOptions(rd_kafka_AdminOptions_new(rk->get(), op));
  char errstr[256];
  if (rd_kafka_AdminOptions_set_request_timeout(call.options.get(), call.timeout_ms, errstr,
                                                sizeof(errstr)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InvalidArgumentError(absl::StrCat("Admin request timeout: ", errstr));
  }
  call.rk = *std::move(rk);
  return call;
}

absl::StatusOr<Event> AdminCall::Wait(absl::string_view what) {
  // The request timeout bounds the call; the margin lets its own timeout error arrive.
  Event event(rd_kafka_queue_poll(queue.get(), timeout_ms + 2000));
  if (event == nullptr) {
    return absl::DeadlineExceededError(absl::StrCat(what, ": no answer from Kafka"));
  }
  rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    absl::Status s = ToStatus(err, what);
    const char* detail = rd_kafka_event_error_string(event.get());
    if (detail != nullptr && std::string_view(detail) != rd_kafka_err2str(err)) {
      return absl::Status(s.code(), absl::StrCat(s.message(), " (", detail, ")"));
    }
    return s;
  }
  return event;
}

}  // namespace sluice::kafka
