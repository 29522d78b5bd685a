// Filter (org.apache.kafka.connect.transforms.Filter): drops every record. Useful with a
// predicate (`transforms.<name>.predicate`), which decides which records it applies to.
//
// Thread-safe: stateless.
#ifndef SLUICE_SERVER_TRANSFORMS_FILTER_H_
#define SLUICE_SERVER_TRANSFORMS_FILTER_H_

#include <string_view>

#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kFilterClass = "org.apache.kafka.connect.transforms.Filter";

class Filter final : public Transformation {
 public:
  absl::StatusOr<bool> Apply(ConnectRecord& record) override;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_FILTER_H_
