// Why a plugin protocol message cannot be read. Protobuf parses nested messages recursively and
// refuses a message whose messages nest deeper than its recursion limit (100 below the outermost
// message), so every reader of the plugin protocol (the worker, the host, an exec plugin in any
// language) refuses Connect data nested deeper than about 48 levels of structs or arrays or 32 of
// maps. Protobuf only says "could not parse"; these functions walk the wire format without
// recursion (so any depth is safe) to say what was wrong, for the trace of the task that failed.
//
//   if (!message.ParseFromString(bytes)) {
//     return absl::InvalidArgumentError(DescribeUnreadableMessage(*message.GetDescriptor(), bytes));
//   }
//
// Thread-safe: pure functions.
#ifndef SLUICE_SDK_CPP_WIRE_NESTING_H_
#define SLUICE_SDK_CPP_WIRE_NESTING_H_

#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/records.h"

namespace sluice::wire {

// How many levels of messages `bytes`, a serialized message of `type`, nests below the
// outermost one: 0 for a message without message fields set, 1 when it holds messages that hold
// none, and so on. Fields that `type` does not declare are skipped. InvalidArgument when the
// bytes are not valid wire format.
absl::StatusOr<int> NestedMessageDepth(const google::protobuf::Descriptor& type,
                                       std::string_view bytes);

// The deepest nesting protobuf parses (its default recursion limit): NestedMessageDepth above it
// fails to parse.
int MaxNestedMessageDepth();

// How many levels of messages the codec's encoding of `value` takes, the pb::Value itself
// included: 1 for a primitive, 2 more than its deepest element for an array or struct (Value,
// ArrayValue or StructValue), 3 more than its deepest key or value for a map (Value, MapValue,
// MapEntry). Iterative: any depth is safe.
int EncodedDepth(const Value& value);
// The same for a schema encoded as a pb::Schema: its fields (a Field, then the field's schema),
// key and value schemas, parameters and default value.
int EncodedDepth(const Schema& schema);

// How deep the messages of a Put batch carrying `record` nest (a SinkWorkerMessage, as
// NestedMessageDepth counts): the plugin can read the batch only when this is at most
// MaxNestedMessageDepth().
int SinkRecordNestedDepth(const SinkRecord& record);

// "its messages nest <depth> levels deep and protobuf reads at most 100, so the plugin protocol
// carries Connect data nested at most about 48 levels deep as structs or arrays, 32 as maps".
std::string DescribeTooDeep(int depth);

// Why `bytes`, which failed to parse as `type`, cannot be read: too deeply nested (with the
// depth and the limit, and what that means in Connect data), or not valid wire format. One
// sentence, without the message's name or size (the caller adds its context).
std::string DescribeUnreadableMessage(const google::protobuf::Descriptor& type,
                                      std::string_view bytes);

}  // namespace sluice::wire

#endif  // SLUICE_SDK_CPP_WIRE_NESTING_H_
