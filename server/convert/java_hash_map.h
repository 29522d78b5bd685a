// java.util.HashMap iteration order for server/: the implementation is formats/java_hash_map.h
// (the schemaless JSON reader there needs it, and formats/ may not depend on server/). These
// names keep the worker's code (transforms, converters) reading as convert::OrderAsJavaHashMap.
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_CONVERT_JAVA_HASH_MAP_H_
#define SLUICE_SERVER_CONVERT_JAVA_HASH_MAP_H_

#include "formats/java_hash_map.h"

namespace sluice::convert {

using formats::JavaHashCode;
using formats::JavaHashMapCapacity;
using formats::JavaStringHashCode;
using formats::OrderAsJavaHashMap;

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_JAVA_HASH_MAP_H_
