#include "server/plugins/describe_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace sluice::plugins {
namespace {

namespace fs = std::filesystem;

constexpr char kHeader[] = "sluice-describe-cache 1\n";
// More files than this under a plugin directory: not fingerprinted (stat'ing them all at each
// start would cost what the cache saves).
constexpr size_t kMaxFiles = 20000;

// "<size> <mtime in ns>" of `path` (symbolic links followed), or nullopt.
std::optional<std::string> SizeAndTime(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return absl::StrCat(st.st_size, " ",
                      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
}

// FNV-1a: a hash that is the same in every process (entry file names).
uint64_t StableHash(const std::string& text) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

void AppendField(std::string& out, const std::string& field) {
  absl::StrAppend(&out, field.size(), "\n", field);
}

// Reads a field written by AppendField from `in` at `pos`.
bool ReadField(const std::string& in, size_t& pos, std::string& field) {
  const size_t newline = in.find('\n', pos);
  size_t size = 0;
  if (newline == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(in).substr(pos, newline - pos), &size) ||
      size > in.size() - newline - 1) {
    return false;
  }
  field = in.substr(newline + 1, size);
  pos = newline + 1 + size;
  return true;
}

}  // namespace

absl::StatusOr<std::string> PluginFingerprint(const std::string& plugin_dir,
                                              const std::string& host_binary,
                                              const std::vector<std::string>& runtime_files) {
  std::vector<std::string> lines;
  std::error_code ec;
  auto add_runtime = [&] {
    std::optional<std::string> host = SizeAndTime(host_binary);
    lines.push_back(absl::StrCat("host ", host_binary, " ", host.value_or("missing")));
    for (const std::string& file : runtime_files) {
      lines.push_back(absl::StrCat("runtime ", file, " ", SizeAndTime(file).value_or("missing")));
    }
    return absl::StrJoin(lines, "\n");
  };
  if (fs::is_regular_file(plugin_dir, ec)) {  // a single-jar plugin
    lines.push_back(absl::StrCat("file ", SizeAndTime(plugin_dir).value_or("missing")));
    return add_runtime();
  }
  fs::recursive_directory_iterator it(plugin_dir, ec);
  if (ec) {
    return absl::NotFoundError(absl::StrCat("Cannot read plugin directory ", plugin_dir, ": ",
                                            ec.message()));
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return absl::NotFoundError(absl::StrCat("Cannot read ", plugin_dir, ": ", ec.message()));
    const fs::path& path = it->path();
    if (it->is_directory(ec)) {
      if (path.filename() == "__pycache__") it.disable_recursion_pending();
      continue;
    }
    if (lines.size() >= kMaxFiles) {
      return absl::ResourceExhaustedError(
          absl::StrCat(plugin_dir, " holds more than ", kMaxFiles, " files"));
    }
    std::optional<std::string> stamp = SizeAndTime(path.string());
    lines.push_back(absl::StrCat(path.lexically_relative(plugin_dir).string(), " ",
                                 stamp.value_or("missing")));
  }
  std::sort(lines.begin(), lines.end());
  return add_runtime();
}

std::string DescribeCache::EntryPath(const std::string& plugin_dir) const {
  return absl::StrCat(dir_, "/", absl::Hex(StableHash(plugin_dir), absl::kZeroPad16),
                      ".describe");
}

std::optional<PluginDescription> DescribeCache::Load(const std::string& plugin_dir,
                                                     const std::string& fingerprint) const {
  if (dir_.empty()) return std::nullopt;
  std::ifstream in(EntryPath(plugin_dir), std::ios::binary);
  if (!in) return std::nullopt;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.rfind(kHeader, 0) != 0) return std::nullopt;
  size_t pos = std::strlen(kHeader);
  std::string stored_dir, stored_fingerprint, capabilities, describe;
  if (!ReadField(text, pos, stored_dir) || !ReadField(text, pos, stored_fingerprint) ||
      !ReadField(text, pos, capabilities) || !ReadField(text, pos, describe) ||
      pos != text.size() || stored_dir != plugin_dir || stored_fingerprint != fingerprint) {
    return std::nullopt;
  }
  PluginDescription description;
  if (!description.describe.ParseFromString(describe)) return std::nullopt;
  for (absl::string_view c : absl::StrSplit(capabilities, '\n', absl::SkipEmpty())) {
    description.capabilities.emplace(c);
  }
  return description;
}

absl::Status DescribeCache::Store(const std::string& plugin_dir, const std::string& fingerprint,
                                  const PluginDescription& description) const {
  if (dir_.empty()) return absl::OkStatus();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return absl::InternalError(absl::StrCat("Cannot create ", dir_, ": ", ec.message()));
  std::string text = kHeader;
  AppendField(text, plugin_dir);
  AppendField(text, fingerprint);
  AppendField(text, absl::StrJoin(description.capabilities, "\n"));
  AppendField(text, description.describe.SerializeAsString());
  const std::string path = EntryPath(plugin_dir);
  std::string temp = absl::StrCat(path, ".XXXXXX");
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("Cannot write ", temp, ": ", std::strerror(errno)));
  }
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string error = std::strerror(errno);
    ::unlink(temp.c_str());
    return absl::InternalError(absl::StrCat("Cannot write ", path, ": ", error));
  }
  return absl::OkStatus();
}

}  // namespace sluice::plugins
