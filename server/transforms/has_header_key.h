// HasHeaderKey (org.apache.kafka.connect.transforms.predicates.HasHeaderKey): true for records
// with at least one header named `name`.
//
// Thread-safe: immutable after Create.
#ifndef SLUICE_SERVER_TRANSFORMS_HAS_HEADER_KEY_H_
#define SLUICE_SERVER_TRANSFORMS_HAS_HEADER_KEY_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kHasHeaderKeyClass =
    "org.apache.kafka.connect.transforms.predicates.HasHeaderKey";

ConfigDef HasHeaderKeyConfigDef();

class HasHeaderKey final : public Predicate {
 public:
  static absl::StatusOr<std::unique_ptr<Predicate>> Create(const ConfigMap& config);

  absl::StatusOr<bool> Test(const ConnectRecord& record) override;

 private:
  explicit HasHeaderKey(std::string name) : name_(std::move(name)) {}

  std::string name_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_HAS_HEADER_KEY_H_
