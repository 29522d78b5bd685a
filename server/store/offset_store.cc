#include "server/store/offset_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "formats/schemaless_json.h"
#include "server/store/atomic_file.h"

namespace sluice::store {
namespace {

constexpr std::string_view kFormat = "sluice-offsets-v1";

std::vector<std::pair<std::string, std::string>> Sorted(
    const absl::flat_hash_map<std::string, std::string>& entries) {
  std::vector<std::pair<std::string, std::string>> out(entries.begin(), entries.end());
  std::sort(out.begin(), out.end());
  return out;
}

void Apply(const std::vector<OffsetWrite>& writes,
           absl::flat_hash_map<std::string, std::string>& entries) {
  for (const auto& [key, value] : writes) {
    if (value.has_value()) {
      entries[key] = *value;
    } else {
      entries.erase(key);
    }
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<FileOffsetStore>> FileOffsetStore::Open(std::string path) {
  auto store = std::unique_ptr<FileOffsetStore>(new FileOffsetStore(path));
  absl::StatusOr<std::optional<std::string>> content = ReadFileIfExists(path);
  if (!content.ok()) return content.status();
  if (!content->has_value()) return store;
  auto corrupt = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("Offsets file ", path, " is not a Sluice offsets file: ", why));
  };
  absl::StatusOr<Value> root = formats::ParseSchemaless(**content);
  if (!root.ok()) return corrupt(root.status().message());
  const Value* format = root->kind() == Value::Kind::kMap ? root->Find("format") : nullptr;
  if (format == nullptr || format->kind() != Value::Kind::kString ||
      format->string() != kFormat) {
    return corrupt("no \"format\":\"sluice-offsets-v1\"");
  }
  const Value* offsets = root->Find("offsets");
  if (offsets == nullptr || offsets->kind() != Value::Kind::kArray) {
    return corrupt("no \"offsets\" array");
  }
  absl::MutexLock lock(&store->mu_);
  for (const Value& entry : offsets->array()) {
    if (entry.kind() != Value::Kind::kArray || entry.array().size() != 2 ||
        entry.array()[0].kind() != Value::Kind::kString ||
        entry.array()[1].kind() != Value::Kind::kString) {
      return corrupt("an entry is not a [key, value] pair of strings");
    }
    store->entries_[entry.array()[0].string()] = entry.array()[1].string();
  }
  return store;
}

std::string FileOffsetStore::Serialize(
    const absl::flat_hash_map<std::string, std::string>& entries) const {
  std::vector<Value> items;
  for (auto& [key, value] : Sorted(entries)) {
    items.push_back(Value::Array({Value::String(key), Value::String(value)}));
  }
  return formats::SerializeSchemaless(
      Value::Map({{Value::String("format"), Value::String(std::string(kFormat))},
                  {Value::String("offsets"), Value::Array(std::move(items))}}));
}

std::optional<std::string> FileOffsetStore::Get(absl::string_view key) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

absl::Status FileOffsetStore::Write(const std::vector<OffsetWrite>& writes) {
  absl::MutexLock lock(&mu_);
  absl::flat_hash_map<std::string, std::string> next = entries_;
  Apply(writes, next);
  if (absl::Status s = WriteFileAtomically(path_, Serialize(next)); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("Writing offsets: ", s.message()));
  }
  entries_ = std::move(next);
  return absl::OkStatus();
}

std::vector<std::pair<std::string, std::string>> FileOffsetStore::All() const {
  absl::MutexLock lock(&mu_);
  return Sorted(entries_);
}

std::optional<std::string> MemoryOffsetStore::Get(absl::string_view key) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

absl::Status MemoryOffsetStore::Write(const std::vector<OffsetWrite>& writes) {
  absl::MutexLock lock(&mu_);
  Apply(writes, entries_);
  return absl::OkStatus();
}

std::vector<std::pair<std::string, std::string>> MemoryOffsetStore::All() const {
  absl::MutexLock lock(&mu_);
  return Sorted(entries_);
}

}  // namespace sluice::store
