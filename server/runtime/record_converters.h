// The converters one task uses: key and value converters from the connector config when it sets
// them (key.converter=..., key.converter.*), else the worker's; plus the error-tolerance policy
// (errors.tolerance) that decides what a conversion failure does.
//
// Thread-compatible: owned and used by one runner thread.
#ifndef SLUICE_SERVER_RUNTIME_RECORD_CONVERTERS_H_
#define SLUICE_SERVER_RUNTIME_RECORD_CONVERTERS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/config/worker_config.h"
#include "server/convert/converter.h"
#include "sluice/sdk/records.h"

namespace sluice::runtime {

enum class ErrorTolerance { kNone, kAll };

struct RecordConverters {
  std::unique_ptr<convert::Converter> key;
  std::unique_ptr<convert::Converter> value;
  ErrorTolerance tolerance = ErrorTolerance::kNone;

  // InvalidArgument naming the key for an unknown converter class or a bad errors.tolerance.
  static absl::StatusOr<RecordConverters> Create(const config::WorkerConfig& worker,
                                                 const ConfigMap& connector_config);
};

// Header values on the wire, in the text form of Kafka Connect's default SimpleHeaderConverter
// for strings, numbers and booleans (containers as JSON). Null stays null.
std::optional<std::string> HeaderToBytes(const Header& header);
// Reading a header back: its text as an optional string (schema OPTIONAL_STRING).
Header HeaderFromBytes(std::string key, std::optional<std::string_view> bytes);

}  // namespace sluice::runtime

#endif  // SLUICE_SERVER_RUNTIME_RECORD_CONVERTERS_H_
