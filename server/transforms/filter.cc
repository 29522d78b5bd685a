#include "server/transforms/filter.h"

#include <memory>
#include <string>
#include <utility>

#include "server/transforms/builtins.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {

absl::StatusOr<bool> Filter::Apply(ConnectRecord&) { return false; }

std::vector<TransformationClass> FilterClasses() {
  TransformationClass c;
  c.class_name = std::string(kFilterClass);
  c.version = TransformsVersion();
  c.create = [](const ConfigMap&) -> absl::StatusOr<std::unique_ptr<Transformation>> {
    return std::make_unique<Filter>();
  };
  return {std::move(c)};
}

}  // namespace sluice::transforms
