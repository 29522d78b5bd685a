#include "sdk/cpp/wire/nesting.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"

namespace sluice::wire {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

}  // namespace

int MaxNestedMessageDepth() { return CodedInputStream::GetDefaultRecursionLimit(); }

absl::StatusOr<int> NestedMessageDepth(const Descriptor& type, std::string_view bytes) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError("the message is larger than 2 GiB");
  }
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  // One frame per message being read: its type and the limit to restore when it ends.
  struct Frame {
    const Descriptor* type;
    CodedInputStream::Limit outer_limit;
  };
  std::vector<Frame> open = {{&type, 0}};
  int deepest = 0;
  auto malformed = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "the bytes are not a valid ", type.full_name(), " message (bad wire format at byte ",
        in.CurrentPosition(), " of ", bytes.size(), ")"));
  };
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) {
      // The end of the current nested message, of the whole input, or garbage.
      if (open.size() > 1 && in.BytesUntilLimit() == 0) {
        in.PopLimit(open.back().outer_limit);
        open.pop_back();
        continue;
      }
      if (open.size() == 1 && in.CurrentPosition() == static_cast<int>(bytes.size())) break;
      return malformed();
    }
    const FieldDescriptor* field =
        open.back().type->FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    if (field != nullptr && field->type() == FieldDescriptor::TYPE_MESSAGE &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length;
      // A length past the end of the input or of the enclosing message is malformed.
      if (!in.ReadVarint32(&length) ||
          length > bytes.size() - static_cast<size_t>(in.CurrentPosition()) ||
          (in.BytesUntilLimit() >= 0 && length > static_cast<uint32_t>(in.BytesUntilLimit()))) {
        return malformed();
      }
      open.push_back({field->message_type(), in.PushLimit(static_cast<int>(length))});
      deepest = std::max(deepest, static_cast<int>(open.size()) - 1);
      continue;
    }
    if (!WireFormatLite::SkipField(&in, tag)) return malformed();
  }
  return deepest;
}

std::string DescribeTooDeep(int depth) {
  return absl::StrCat(
      "its messages nest ", depth, " levels deep and protobuf reads at most ",
      MaxNestedMessageDepth(),
      ", so the plugin protocol carries Connect data nested at most about 48 levels deep as "
      "structs or arrays, 32 as maps");
}

std::string DescribeUnreadableMessage(const Descriptor& type, std::string_view bytes) {
  absl::StatusOr<int> depth = NestedMessageDepth(type, bytes);
  if (!depth.ok()) return std::string(depth.status().message());
  if (*depth > MaxNestedMessageDepth()) return DescribeTooDeep(*depth);
  return absl::StrCat("protobuf could not parse it as a ", type.full_name(),
                      " message (a field of the wrong type, invalid UTF-8 in a string field, or "
                      "a value out of range)");
}

int EncodedDepth(const Value& root) {
  const auto is_container = [](const Value& v) {
    return v.kind() == Value::Kind::kArray || v.kind() == Value::Kind::kMap ||
           v.kind() == Value::Kind::kStruct;
  };
  if (!is_container(root)) return 1;
  // Containers still to visit, each with the level of its own pb::Value.
  std::vector<std::pair<const Value*, int>> todo = {{&root, 1}};
  int deepest = 1;
  while (!todo.empty()) {
    const auto [value, level] = todo.back();
    todo.pop_back();
    // The container message (ArrayValue, MapValue, StructValue) is one level below its Value;
    // a map's entries one more.
    deepest = std::max(deepest, level + 1);
    auto visit = [&](const Value& child, int child_level) {
      deepest = std::max(deepest, child_level);
      if (is_container(child)) todo.emplace_back(&child, child_level);
    };
    switch (value->kind()) {
      case Value::Kind::kArray:
        for (const Value& item : value->array()) visit(item, level + 2);
        break;
      case Value::Kind::kMap:
        for (const MapEntry& entry : value->map()) {
          deepest = std::max(deepest, level + 2);
          visit(entry.key, level + 3);
          visit(entry.value, level + 3);
        }
        break;
      case Value::Kind::kStruct:
        for (const Value& field : value->struct_value().values()) visit(field, level + 2);
        break;
      default:
        break;
    }
  }
  return deepest;
}

int EncodedDepth(const Schema& root) {
  std::vector<std::pair<const Schema*, int>> todo = {{&root, 1}};
  int deepest = 1;
  while (!todo.empty()) {
    const auto [schema, level] = todo.back();
    todo.pop_back();
    deepest = std::max(deepest, level);
    if (!schema->parameters().empty()) deepest = std::max(deepest, level + 1);  // map entries
    if (schema->default_value() != nullptr) {
      deepest = std::max(deepest, level + EncodedDepth(*schema->default_value()));
    }
    for (const Field& field : schema->fields()) {
      deepest = std::max(deepest, level + 1);  // the Field message
      if (field.schema != nullptr) todo.emplace_back(field.schema.get(), level + 2);
    }
    if (schema->key_schema() != nullptr) todo.emplace_back(schema->key_schema().get(), level + 1);
    if (schema->value_schema() != nullptr) {
      todo.emplace_back(schema->value_schema().get(), level + 1);
    }
  }
  return deepest;
}

int SinkRecordNestedDepth(const SinkRecord& record) {
  // SinkWorkerMessage (0) > SinkBatch (1) > SinkRecord (2) > Data (3) > Value (4); a header's
  // Data is one level deeper (Header, 3). Schemas: SinkBatch > SchemaDefinition (2) > Schema (3).
  int deepest = 3;
  auto data = [&](const SchemaPtr& schema, const Value& value, int data_level) {
    deepest = std::max(deepest, data_level + EncodedDepth(value));
    if (schema != nullptr) deepest = std::max(deepest, 2 + EncodedDepth(*schema));
  };
  data(record.key_schema, record.key, 3);
  data(record.value_schema, record.value, 3);
  for (const Header& header : record.headers) data(header.schema, header.value, 4);
  return deepest;
}

}  // namespace sluice::wire
