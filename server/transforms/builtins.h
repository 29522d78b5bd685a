// The built-in transformation and predicate classes, one function per Kafka Connect class
// family. registry.cc gathers them into BuiltinTransformations() / BuiltinPredicates().
//
// Thread-safety: the functions build new descriptors on each call; descriptors are immutable.
#ifndef SLUICE_SERVER_TRANSFORMS_BUILTINS_H_
#define SLUICE_SERVER_TRANSFORMS_BUILTINS_H_

#include <vector>

#include "server/transforms/transformation.h"

namespace sluice::transforms {

// org.apache.kafka.connect.transforms.Cast$Key and Cast$Value.
std::vector<TransformationClass> CastClasses();
// org.apache.kafka.connect.transforms.TimestampConverter$Key and $Value.
std::vector<TransformationClass> TimestampConverterClasses();
// org.apache.kafka.connect.transforms.TimestampRouter.
std::vector<TransformationClass> TimestampRouterClasses();
// org.apache.kafka.connect.transforms.RegexRouter.
std::vector<TransformationClass> RegexRouterClasses();
// org.apache.kafka.connect.transforms.predicates.TopicNameMatches.
std::vector<PredicateClass> TopicNameMatchesClasses();

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_BUILTINS_H_
