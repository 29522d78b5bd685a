// DropHeaders (org.apache.kafka.connect.transforms.DropHeaders): removes every header whose key
// is one of `headers`; the others keep their order.
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_DROP_HEADERS_H_
#define SLUICE_SERVER_TRANSFORMS_DROP_HEADERS_H_

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kDropHeadersClass =
    "org.apache.kafka.connect.transforms.DropHeaders";

ConfigDef DropHeadersConfigDef();

class DropHeaders final : public Transformation {
 public:
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  explicit DropHeaders(std::set<std::string> headers) : headers_(std::move(headers)) {}

  std::set<std::string> headers_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_DROP_HEADERS_H_
