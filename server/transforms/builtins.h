// The built-in transformation classes, grouped by the source file that implements them; the
// registry (BuiltinTransformations) puts them together.
#ifndef SLUICE_SERVER_TRANSFORMS_BUILTINS_H_
#define SLUICE_SERVER_TRANSFORMS_BUILTINS_H_

#include <vector>

#include "server/transforms/transformation.h"

namespace sluice::transforms {

// org.apache.kafka.connect.transforms.InsertHeader (insert_header.cc).
std::vector<TransformationClass> InsertHeaderClasses();

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_BUILTINS_H_
