#include "formats/properties.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "formats/utf8.h"
#include "simdjson.h"

namespace sluice::formats {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Splits text into logical lines: joins continuation lines (an odd number of trailing
// backslashes) and drops the leading whitespace of each continuation.
std::vector<std::pair<int, std::string>> LogicalLines(std::string_view text) {
  std::vector<std::pair<int, std::string>> lines;
  std::string current;
  bool continuing = false;
  int line_no = 0;
  int start_line = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    ++line_no;
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') {
      ++end;
    }
    pos = end + 1;
    size_t i = 0;
    while (i < raw.size() && IsSpace(raw[i])) ++i;
    raw.remove_prefix(i);
    if (!continuing) {
      if (raw.empty() || raw[0] == '#' || raw[0] == '!') {
        if (pos > text.size()) break;
        continue;
      }
      start_line = line_no;
    }
    size_t backslashes = 0;
    while (backslashes < raw.size() && raw[raw.size() - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) {
      current.append(raw.substr(0, raw.size() - 1));
      continuing = true;
    } else {
      current.append(raw);
      lines.emplace_back(start_line, std::move(current));
      current.clear();
      continuing = false;
    }
    if (pos > text.size()) break;
  }
  if (continuing) lines.emplace_back(start_line, std::move(current));
  return lines;
}

// Decodes the escapes of one key or value.
absl::StatusOr<std::string> Unescape(std::string_view s, int line_no) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out.push_back(c);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'f': out.push_back('\f'); break;
      case 'u': {
        uint32_t cp = 0;
        for (int k = 1; k <= 4; ++k) {
          if (i + k >= s.size()) {
            return absl::InvalidArgumentError(
                absl::StrCat("Malformed \\uxxxx encoding on line ", line_no));
          }
          char h = s[i + k];
          cp <<= 4;
          if (h >= '0' && h <= '9') cp |= h - '0';
          else if (h >= 'a' && h <= 'f') cp |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F') cp |= h - 'A' + 10;
          else return absl::InvalidArgumentError(
                   absl::StrCat("Malformed \\uxxxx encoding on line ", line_no));
        }
        i += 4;
        // A surrogate pair written as two escapes.
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < s.size() && s[i + 1] == '\\' &&
            s[i + 2] == 'u') {
          uint32_t lo = 0;
          bool ok = true;
          for (int k = 3; k <= 6; ++k) {
            char h = s[i + k];
            lo <<= 4;
            if (h >= '0' && h <= '9') lo |= h - '0';
            else if (h >= 'a' && h <= 'f') lo |= h - 'a' + 10;
            else if (h >= 'A' && h <= 'F') lo |= h - 'A' + 10;
            else ok = false;
          }
          if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        AppendUtf8(cp, out);
        break;
      }
      default: out.push_back(e); break;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<ConfigMap> ParseProperties(std::string_view text) {
  ConfigMap result;
  for (auto& [line_no, line] : LogicalLines(text)) {
    // The key ends at the first unescaped '=', ':' or whitespace.
    size_t i = 0;
    while (i < line.size()) {
      char c = line[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '=' || c == ':' || IsSpace(c)) break;
      ++i;
    }
    size_t key_end = std::min(i, line.size());
    // Skip whitespace, then at most one separator, then whitespace.
    size_t v = key_end;
    while (v < line.size() && IsSpace(line[v])) ++v;
    if (v < line.size() && (line[v] == '=' || line[v] == ':')) ++v;
    while (v < line.size() && IsSpace(line[v])) ++v;
    absl::StatusOr<std::string> key = Unescape(std::string_view(line).substr(0, key_end), line_no);
    if (!key.ok()) return key.status();
    absl::StatusOr<std::string> value = Unescape(std::string_view(line).substr(v), line_no);
    if (!value.ok()) return value.status();
    result[*key] = *value;
  }
  return result;
}

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("Could not read file ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads a JSON object of string (or number / boolean) values into `out`.
absl::Status ReadStringMap(simdjson::dom::object object, ConfigMap& out, const std::string& path) {
  for (auto [key, value] : object) {
    std::string k(key);
    switch (value.type()) {
      case simdjson::dom::element_type::STRING:
        out[k] = std::string(std::string_view(value));
        break;
      case simdjson::dom::element_type::BOOL:
        out[k] = bool(value) ? "true" : "false";
        break;
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        out[k] = simdjson::minify(value);
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            "Connector file ", path, ": the value of \"", k, "\" must be a string"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ConfigMap> ReadPropertiesFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<ConfigMap> parsed = ParseProperties(*text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

absl::StatusOr<ConnectorFile> ReadConnectorFile(const std::string& path) {
  ConnectorFile file;
  if (absl::EndsWith(path, ".json")) {
    absl::StatusOr<std::string> text = ReadFile(path);
    if (!text.ok()) return text.status();
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto error = parser.parse(*text).get(root); error) {
      return absl::InvalidArgumentError(
          absl::StrCat("Connector file ", path, " is not valid JSON: ", simdjson::error_message(error)));
    }
    simdjson::dom::object object;
    if (root.get(object) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          absl::StrCat("Connector file ", path, " must hold a JSON object"));
    }
    simdjson::dom::object config;
    if (object["config"].get(config) == simdjson::SUCCESS) {
      std::string_view name;
      if (object["name"].get(name) == simdjson::SUCCESS) file.name = std::string(name);
      std::string_view state;
      if (object["initial_state"].get(state) == simdjson::SUCCESS) {
        file.initial_state = std::string(state);
      }
      if (absl::Status s = ReadStringMap(config, file.config, path); !s.ok()) return s;
    } else {
      if (absl::Status s = ReadStringMap(object, file.config, path); !s.ok()) return s;
    }
  } else {
    absl::StatusOr<ConfigMap> props = ReadPropertiesFile(path);
    if (!props.ok()) return props.status();
    file.config = *std::move(props);
  }
  if (file.name.empty()) {
    auto it = file.config.find("name");
    if (it != file.config.end()) file.name = it->second;
  }
  return file;
}

}  // namespace sluice::formats
