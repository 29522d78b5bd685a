#include "server/herder/connector_events.h"

#include "absl/strings/str_cat.h"

namespace sluice::herder {

namespace pb = ::sluice::plugin::v1;

ConnectorEventsReader::ConnectorEventsReader(pb::Plugin::Stub* stub, Callback callback)
    : callback_(std::move(callback)) {
  thread_ = std::thread([this, stub] { Run(stub); });
}

ConnectorEventsReader::~ConnectorEventsReader() {
  context_.TryCancel();
  thread_.join();
}

void ConnectorEventsReader::Run(pb::Plugin::Stub* stub) {
  std::unique_ptr<grpc::ClientReader<pb::ConnectorEvent>> reader =
      stub->ConnectorEvents(&context_, pb::ConnectorEventsRequest());
  pb::ConnectorEvent event;
  while (reader->Read(&event)) {
    if (event.has_reconfigure()) {
      callback_({ConnectorEvent::Kind::kReconfigure, ""});
    } else if (event.has_failure()) {
      const pb::ConnectorFailure& f = event.failure();
      callback_({ConnectorEvent::Kind::kFailure,
                 f.trace().empty() ? f.message() : absl::StrCat(f.message(), "\n", f.trace())});
    }
  }
  // The host went away or the reader was cancelled; the host's exit is reported elsewhere.
  (void)reader->Finish();
}

}  // namespace sluice::herder
