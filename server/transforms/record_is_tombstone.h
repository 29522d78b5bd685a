// RecordIsTombstone (org.apache.kafka.connect.transforms.predicates.RecordIsTombstone): true
// for records whose value is null.
//
// Thread-safe: stateless.
#ifndef SLUICE_SERVER_TRANSFORMS_RECORD_IS_TOMBSTONE_H_
#define SLUICE_SERVER_TRANSFORMS_RECORD_IS_TOMBSTONE_H_

#include <string_view>

#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kRecordIsTombstoneClass =
    "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone";

class RecordIsTombstone final : public Predicate {
 public:
  absl::StatusOr<bool> Test(const ConnectRecord& record) override;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_RECORD_IS_TOMBSTONE_H_
