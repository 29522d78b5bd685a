#include "server/store/offset_records.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "absl/status/statusor.h"
#include "formats/schemaless_json.h"

namespace sluice::store {

std::string EncodeOffsetKey(std::string_view connector, const Value& partition) {
  return formats::SerializeSchemaless(
      Value::Array({Value::String(std::string(connector)), partition}));
}

std::optional<OffsetKey> DecodeOffsetKey(const std::optional<std::string>& key) {
  if (!key.has_value()) return std::nullopt;
  absl::StatusOr<Value> parsed = formats::ParseSchemaless(*key);
  if (!parsed.ok() || parsed->kind() != Value::Kind::kArray || parsed->array().size() != 2) {
    return std::nullopt;
  }
  const Value& connector = parsed->array()[0];
  const Value& partition = parsed->array()[1];
  if (connector.kind() != Value::Kind::kString || partition.kind() != Value::Kind::kMap) {
    return std::nullopt;
  }
  return OffsetKey{connector.string(), partition};
}

namespace {

uint64_t DoubleBits(double d) {
  if (std::isnan(d)) return 0x7ff8000000000000ULL;  // doubleToLongBits' canonical NaN
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

}  // namespace

bool JavaValueEquals(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kFloat32:
    case Value::Kind::kFloat64:
      return DoubleBits(a.floating()) == DoubleBits(b.floating());
    case Value::Kind::kArray: {
      if (a.array().size() != b.array().size()) return false;
      for (size_t i = 0; i < a.array().size(); ++i) {
        if (!JavaValueEquals(a.array()[i], b.array()[i])) return false;
      }
      return true;
    }
    case Value::Kind::kMap: {
      if (a.map().size() != b.map().size()) return false;
      for (const MapEntry& e : a.map()) {
        auto match = std::find_if(b.map().begin(), b.map().end(), [&](const MapEntry& f) {
          return JavaValueEquals(e.key, f.key);
        });
        if (match == b.map().end() || !JavaValueEquals(e.value, match->value)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

int32_t Murmur2(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const uint32_t length = static_cast<uint32_t>(bytes.size());
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  uint32_t h = kSeed ^ length;
  const uint32_t length4 = length / 4;
  for (uint32_t i = 0; i < length4; ++i) {
    const uint32_t i4 = i * 4;
    uint32_t k = data[i4] | (uint32_t{data[i4 + 1]} << 8) | (uint32_t{data[i4 + 2]} << 16) |
                 (uint32_t{data[i4 + 3]} << 24);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  const uint32_t tail = length & ~3u;
  switch (length % 4) {
    case 3:
      h ^= uint32_t{data[tail + 2]} << 16;
      [[fallthrough]];
    case 2:
      h ^= uint32_t{data[tail + 1]} << 8;
      [[fallthrough]];
    case 1:
      h ^= data[tail];
      h *= kM;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t DefaultPartition(std::string_view key, int32_t partitions) {
  const int32_t positive = Murmur2(key) & 0x7fffffff;  // Utils.toPositive
  return positive % partitions;
}

void OffsetTopicState::Apply(const std::optional<std::string>& key,
                             const std::optional<std::string>& value) {
  if (std::optional<OffsetKey> parsed = DecodeOffsetKey(key); parsed.has_value()) {
    std::vector<Value>& set = partitions_[parsed->connector];
    auto it = std::find_if(set.begin(), set.end(), [&](const Value& p) {
      return JavaValueEquals(p, parsed->partition);
    });
    if (!value.has_value()) {
      if (it != set.end()) set.erase(it);
    } else if (it == set.end()) {
      set.push_back(std::move(parsed->partition));
    }
  }
  if (!key.has_value()) {
    null_key_value_ = value;
  } else if (!value.has_value()) {
    data_.erase(*key);
  } else {
    data_[*key] = *value;
  }
}

std::optional<std::string> OffsetTopicState::Get(const std::optional<std::string>& key) const {
  if (!key.has_value()) return null_key_value_;
  auto it = data_.find(*key);
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

std::vector<Value> OffsetTopicState::ConnectorPartitions(const std::string& connector) const {
  auto it = partitions_.find(connector);
  return it == partitions_.end() ? std::vector<Value>{} : it->second;
}

}  // namespace sluice::store
