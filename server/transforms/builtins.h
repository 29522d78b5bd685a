// The class descriptors of each built-in transformation and predicate, one function per Kafka
// class (its $Key and $Value variants together). registry.cc gathers them into
// BuiltinTransformations() / BuiltinPredicates(); adding a transform is a declaration here, its
// file pair, and one line in registry.cc.
//
// Thread-safe: each call builds fresh descriptors.
#ifndef SLUICE_SERVER_TRANSFORMS_BUILTINS_H_
#define SLUICE_SERVER_TRANSFORMS_BUILTINS_H_

#include <vector>

#include "server/transforms/transformation.h"

namespace sluice::transforms {

// Transformations (org.apache.kafka.connect.transforms.*).
std::vector<TransformationClass> CastClasses();
std::vector<TransformationClass> DropHeadersClasses();
std::vector<TransformationClass> ExtractFieldClasses();
std::vector<TransformationClass> FilterClasses();
std::vector<TransformationClass> FlattenClasses();
std::vector<TransformationClass> HeaderFromClasses();
std::vector<TransformationClass> HoistFieldClasses();
std::vector<TransformationClass> InsertFieldClasses();
std::vector<TransformationClass> InsertHeaderClasses();
std::vector<TransformationClass> MaskFieldClasses();
std::vector<TransformationClass> RegexRouterClasses();
std::vector<TransformationClass> ReplaceFieldClasses();
std::vector<TransformationClass> SetSchemaMetadataClasses();
std::vector<TransformationClass> TimestampConverterClasses();
std::vector<TransformationClass> TimestampRouterClasses();
std::vector<TransformationClass> ValueToKeyClasses();

// Predicates (org.apache.kafka.connect.transforms.predicates.*).
std::vector<PredicateClass> HasHeaderKeyClasses();
std::vector<PredicateClass> RecordIsTombstoneClasses();
std::vector<PredicateClass> TopicNameMatchesClasses();

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_BUILTINS_H_
