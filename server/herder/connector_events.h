// Reads the events a running connector instance raises on its own (the plugin protocol's
// ConnectorEvents stream): a request to reconfigure its tasks
// (ConnectorContext.requestTaskReconfiguration) or a failure (ConnectorContext.raiseError), and
// hands each to a callback. One reader per connector runtime; it never blocks on the herder's
// locks (the callback only queues the event), so stopping the runtime never waits for it.
//
// Thread-safe: the reader owns its thread; the destructor cancels the stream and joins it.
#ifndef SLUICE_SERVER_HERDER_CONNECTOR_EVENTS_H_
#define SLUICE_SERVER_HERDER_CONNECTOR_EVENTS_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "sluice/plugin/v1/plugin.grpc.pb.h"

namespace sluice::herder {

struct ConnectorEvent {
  enum class Kind { kReconfigure, kFailure };
  Kind kind = Kind::kReconfigure;
  std::string message;  // kFailure: the error and its trace
};

class ConnectorEventsReader {
 public:
  using Callback = std::function<void(const ConnectorEvent&)>;

  // Starts reading `stub`'s ConnectorEvents. `stub` outlives the reader; `callback` runs on the
  // reader's thread and must not block.
  ConnectorEventsReader(sluice::plugin::v1::Plugin::Stub* stub, Callback callback);
  ~ConnectorEventsReader();
  ConnectorEventsReader(const ConnectorEventsReader&) = delete;
  ConnectorEventsReader& operator=(const ConnectorEventsReader&) = delete;

 private:
  void Run(sluice::plugin::v1::Plugin::Stub* stub);

  Callback callback_;
  grpc::ClientContext context_;
  std::thread thread_;
};

}  // namespace sluice::herder

#endif  // SLUICE_SERVER_HERDER_CONNECTOR_EVENTS_H_
