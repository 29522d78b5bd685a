#include "server/transforms/record_is_tombstone.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/transforms/builtins.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {

absl::StatusOr<bool> RecordIsTombstone::Test(const ConnectRecord& record) {
  return record.value.is_null();
}

std::vector<PredicateClass> RecordIsTombstoneClasses() {
  PredicateClass c;
  c.class_name = std::string(kRecordIsTombstoneClass);
  c.version = TransformsVersion();
  c.create = [](const ConfigMap&) -> absl::StatusOr<std::unique_ptr<Predicate>> {
    return std::make_unique<RecordIsTombstone>();
  };
  return {std::move(c)};
}

}  // namespace sluice::transforms
