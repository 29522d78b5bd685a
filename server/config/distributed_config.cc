#include "server/config/distributed_config.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "sluice/sdk/java_text.h"

namespace sluice::config {
namespace {

// ---- Java's text rules ----------------------------------------------------------------------

// The regex class \s: [ \t\n\x0B\f\r].
bool IsRegexSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r';
}

// Character.isWhitespace for the ASCII range (Jetty's csvSplit uses it). Unicode spaces beyond
// ASCII (U+2000..., U+3000) are not recognised.
bool IsJavaWhitespace(char c) {
  return IsRegexSpace(c) || (c >= '\x1C' && c <= '\x1F');
}

// String.toUpperCase(Locale.ROOT) as far as it matters for comparing with an ASCII name: ASCII
// letters, and the few other characters whose upper case is all ASCII (ß -> SS, ı -> I, ſ -> S,
// the ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ). Any other character is copied as it is: its upper case is not
// ASCII, so the result cannot equal an ASCII name either way. JCA algorithm lookups
// (toUpperCase(Locale.ENGLISH)) follow the same rules.
std::string JavaUpperForMatch(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kLigatures = {"FF",  "FI", "FL", "FFI",
                                                                  "FFL", "ST", "ST"};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::string_view two = s.substr(i, 2);
    const std::string_view three = s.substr(i, 3);
    if (c < 0x80) {
      out.push_back(absl::ascii_toupper(c));
      i += 1;
    } else if (two == "\xC3\x9F") {  // U+00DF ß
      out.append("SS");
      i += 2;
    } else if (two == "\xC4\xB1") {  // U+0131 ı
      out.push_back('I');
      i += 2;
    } else if (two == "\xC5\xBF") {  // U+017F ſ
      out.push_back('S');
      i += 2;
    } else if (three.size() == 3 && three[0] == '\xEF' && three[1] == '\xAC' &&
               static_cast<unsigned char>(three[2]) >= 0x80 &&
               static_cast<unsigned char>(three[2]) <= 0x86) {  // U+FB00..U+FB06
      out.append(kLigatures[static_cast<unsigned char>(three[2]) - 0x80]);
      i += 3;
    } else {
      out.push_back(s[i]);
      i += 1;
    }
  }
  return out;
}

// String.equalsIgnoreCase(s, ascii) for an ASCII `ascii`: character by character, ignoring
// ASCII case; besides ASCII letters, ı (U+0131) and İ (U+0130) equal i, ſ (U+017F) equals s and
// the Kelvin sign (U+212A) equals k, as Java's per-character upper-then-lower folding has it.
bool JavaEqualsIgnoreCase(std::string_view s, std::string_view ascii) {
  size_t i = 0;
  size_t k = 0;
  for (; i < s.size() && k < ascii.size(); ++k) {
    const char want = absl::ascii_tolower(static_cast<unsigned char>(ascii[k]));
    const unsigned char c = static_cast<unsigned char>(s[i]);
    char got = 0;
    if (c < 0x80) {
      got = absl::ascii_tolower(c);
      i += 1;
    } else if (s.substr(i, 2) == "\xC4\xB1" || s.substr(i, 2) == "\xC4\xB0") {
      got = 'i';
      i += 2;
    } else if (s.substr(i, 2) == "\xC5\xBF") {
      got = 's';
      i += 2;
    } else if (s.substr(i, 3) == "\xE2\x84\xAA") {
      got = 'k';
      i += 3;
    } else {
      return false;
    }
    if (got != want) return false;
  }
  return i == s.size() && k == ascii.size();
}

// Whether Java's `s.matches(".*\\s+.*")` holds: some run of \s characters with no line
// terminator (\n, \r, U+0085, U+2028, U+2029: what `.` does not match) before or after it.
bool MatchesAnyWhitespaceRun(std::string_view s) {
  auto has_line_terminator = [](std::string_view part) {
    return part.find_first_of("\n\r") != std::string_view::npos ||
           absl::StrContains(absl::string_view(part.data(), part.size()), "\xC2\x85") ||
           absl::StrContains(absl::string_view(part.data(), part.size()), "\xE2\x80\xA8") ||
           absl::StrContains(absl::string_view(part.data(), part.size()), "\xE2\x80\xA9");
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsRegexSpace(s[i]) || has_line_terminator(s.substr(0, i))) continue;
    for (size_t j = i + 1; j <= s.size() && IsRegexSpace(s[j - 1]); ++j) {
      if (!has_line_terminator(s.substr(j))) return true;
    }
  }
  return false;
}

// new ConfigException(name, value, message).
absl::Status InvalidValue(std::string_view name, std::string_view value, std::string_view why) {
  std::string message = "Invalid value ";
  message.append(value).append(" for configuration ").append(name).append(": ").append(why);
  return absl::InvalidArgumentError(message);
}

// new ConfigException(message).
absl::Status ConfigError(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

// ---- The inter-worker MAC algorithms --------------------------------------------------------

struct HmacEntry {
  HmacAlgorithm algorithm;
  std::string_view oid;
};

constexpr std::array<HmacEntry, 4> kHmacs = {{
    {{"HmacSHA1", "SHA1", 512}, "1.2.840.113549.2.7"},
    {{"HmacSHA256", "SHA256", 256}, "1.2.840.113549.2.9"},
    {{"HmacSHA384", "SHA384", 384}, "1.2.840.113549.2.10"},
    {{"HmacSHA512", "SHA512", 512}, "1.2.840.113549.2.11"},
}};

// DistributedConfig.supportedAlgorithms(type) lists a JVM's whole Mac or KeyGenerator set as a
// HashSet prints it; Sluice's set is these four. The order is the one Kafka 3.9.1 prints on a
// JVM whose providers offer exactly them.
constexpr std::string_view kSupportedHmacs = "[HmacSHA256, HmacSHA384, HmacSHA1, HmacSHA512]";

absl::Status UnsupportedAlgorithm(std::string_view name, std::string_view algorithm) {
  return InvalidValue(name, algorithm,
                      std::string("the algorithm is not supported by this JVM; the supported "
                                  "algorithms are: ") +
                          std::string(kSupportedHmacs));
}

// ---- Validators (Kafka's, with their messages) ----------------------------------------------

// A bound of ConfigDef.Range, with the text Java prints for it ("0", "0.5", "1.0").
struct Bound {
  double value;
  std::string_view text;
};

// ConfigDef.Range.atLeast / between.
ConfigValidator Range(Bound min, std::optional<Bound> max = std::nullopt) {
  return [min, max](const std::string& name, const ConfigValue& value) -> absl::Status {
    double n = 0;
    if (const auto* i = std::get_if<int32_t>(&value)) {
      n = *i;
    } else if (const auto* l = std::get_if<int64_t>(&value)) {
      n = static_cast<double>(*l);
    } else if (const auto* d = std::get_if<double>(&value)) {
      n = *d;
    } else {
      return InvalidValue(name, "null", "Value must be non-null");
    }
    if (n < min.value) {
      return InvalidValue(name, JavaToString(value), std::string("Value must be at least ") +
                                                     std::string(min.text));
    }
    if (max.has_value() && n > max->value) {
      return InvalidValue(name, JavaToString(value), std::string("Value must be no more than ") +
                                                     std::string(max->text));
    }
    return absl::OkStatus();
  };
}

// ConfigDef.CaseInsensitiveValidString.in(...): `upper_names` in the order Java's HashSet of
// the upper-cased names prints them.
ConfigValidator CaseInsensitiveOneOf(std::vector<std::string> upper_names) {
  return [upper_names = std::move(upper_names)](const std::string& name,
                                                const ConfigValue& value) -> absl::Status {
    const auto* s = std::get_if<std::string>(&value);
    if (s != nullptr) {
      const std::string upper = JavaUpperForMatch(*s);
      for (const std::string& allowed : upper_names) {
        if (upper == allowed) return absl::OkStatus();
      }
    }
    return InvalidValue(name, s == nullptr ? "null" : *s,
                        "String must be one of (case insensitive): " +
                            absl::StrJoin(upper_names, ", "));
  };
}

// TopicCreationConfig.PARTITIONS_VALIDATOR.
absl::Status ValidPartitions(const std::string& name, const ConfigValue& value) {
  const int32_t n = std::get<int32_t>(value);
  if (n != -1 && n < 1) {
    return InvalidValue(name, std::to_string(n),
                        "Number of partitions must be positive, or -1 to use the broker's "
                        "default");
  }
  return absl::OkStatus();
}

// TopicCreationConfig.REPLICATION_FACTOR_VALIDATOR.
absl::Status ValidReplicationFactor(const std::string& name, const ConfigValue& value) {
  const int32_t n = std::get<int32_t>(value);
  if (n != -1 && n < 1) {
    return InvalidValue(name, std::to_string(n),
                        "Replication factor must be positive and not larger than the number of "
                        "brokers in the Kafka cluster, or -1 to use the broker's default");
  }
  return absl::OkStatus();
}

constexpr std::array<std::string_view, 3> kConnectProtocols = {"eager", "compatible",
                                                                "sessioned"};

// The connect.protocol name `value` matches (ConnectProtocolCompatibility.compatibility).
std::optional<std::string_view> ConnectProtocolNamed(std::string_view value) {
  for (std::string_view protocol : kConnectProtocols) {
    if (JavaEqualsIgnoreCase(value, protocol)) return protocol;
  }
  return std::nullopt;
}

absl::Status ValidConnectProtocol(const std::string& name, const ConfigValue& value) {
  const std::string& s = std::get<std::string>(value);
  if (!ConnectProtocolNamed(s).has_value()) {
    return InvalidValue(name, s, "Invalid Connect protocol compatibility");
  }
  return absl::OkStatus();
}

// validateKeyAlgorithm and validateSignatureAlgorithm: the JVM must offer the algorithm.
absl::Status ValidHmacAlgorithm(const std::string& name, const ConfigValue& value) {
  const std::string& s = std::get<std::string>(value);
  if (!CanonicalHmacAlgorithm(s).has_value()) return UnsupportedAlgorithm(name, s);
  return absl::OkStatus();
}

// validateVerificationAlgorithms.
absl::Status ValidVerificationAlgorithms(const std::string& name, const ConfigValue& value) {
  const auto& list = std::get<std::vector<std::string>>(value);
  if (list.empty()) {
    return InvalidValue(name, JavaToString(value),
                        "At least one signature verification algorithm must be provided");
  }
  for (const std::string& algorithm : list) {
    if (!CanonicalHmacAlgorithm(algorithm).has_value()) {
      return UnsupportedAlgorithm(name, algorithm);
    }
  }
  return absl::OkStatus();
}

// RestServerConfig.ListenersValidator.
absl::Status ValidListeners(const std::string&, const ConfigValue& value) {
  const auto& list = std::get<std::vector<std::string>>(value);
  if (list.empty()) {
    return ConfigError(
        "Invalid value for listeners, at least one URL is expected, ex: "
        "http://localhost:8080,https://localhost:8443.");
  }
  for (const std::string& item : list) {
    if (JavaTrim(item).empty()) return ConfigError("Empty URL found when parsing listeners list.");
  }
  return absl::OkStatus();
}

// RestServerConfig.AdminListenersValidator: null (unset) and empty are fine.
absl::Status ValidAdminListeners(const std::string&, const ConfigValue& value) {
  const auto* list = std::get_if<std::vector<std::string>>(&value);
  if (list == nullptr) return absl::OkStatus();
  for (const std::string& item : *list) {
    if (JavaTrim(item).empty()) {
      return ConfigError("Empty URL found when parsing admin.listeners list.");
    }
  }
  return absl::OkStatus();
}

// Jetty 9.4's StringUtil.csvSplit, which RestServerConfig uses to split header rules: items
// are separated by commas, trimmed, and may be double-quoted (a backslash escapes the next
// character inside quotes; anything after the closing quote up to the comma is dropped).
std::vector<std::string> JettyCsvSplit(std::string_view s) {
  enum class State { kPreData, kData, kWhite, kQuote, kSlosh, kPostData };
  std::vector<std::string> out;
  std::string item;
  size_t last_data = 0;  // in kWhite: where the trailing whitespace of `item` starts
  State state = State::kPreData;
  for (char c : s) {
    switch (state) {
      case State::kPreData:
        if (IsJavaWhitespace(c)) break;
        if (c == '"') {
          state = State::kQuote;
        } else if (c == ',') {
          out.emplace_back();
        } else {
          state = State::kData;
          item.push_back(c);
        }
        break;
      case State::kData:
        if (IsJavaWhitespace(c)) {
          last_data = item.size();
          item.push_back(c);
          state = State::kWhite;
        } else if (c == ',') {
          out.push_back(std::exchange(item, {}));
          state = State::kPreData;
        } else {
          item.push_back(c);
        }
        break;
      case State::kWhite:
        if (IsJavaWhitespace(c)) {
          item.push_back(c);
        } else if (c == ',') {
          item.resize(last_data);
          out.push_back(std::exchange(item, {}));
          state = State::kPreData;
        } else {
          state = State::kData;
          item.push_back(c);
        }
        break;
      case State::kQuote:
        if (c == '\\') {
          state = State::kSlosh;
        } else if (c == '"') {
          out.push_back(std::exchange(item, {}));
          state = State::kPostData;
        } else {
          item.push_back(c);
        }
        break;
      case State::kSlosh:
        item.push_back(c);
        state = State::kQuote;
        break;
      case State::kPostData:
        if (c == ',') state = State::kPreData;
        break;
    }
  }
  switch (state) {
    case State::kPreData:
    case State::kPostData:
      break;
    case State::kWhite:
      item.resize(last_data);
      out.push_back(std::move(item));
      break;
    case State::kData:
    case State::kQuote:
    case State::kSlosh:
      out.push_back(std::move(item));
      break;
  }
  return out;
}

// Java's s.split(":"): the pieces between colons, trailing empty pieces dropped.
std::vector<std::string_view> SplitOnColon(std::string_view s) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  for (size_t colon = s.find(':'); colon != std::string_view::npos; colon = s.find(':', start)) {
    pieces.push_back(s.substr(start, colon - start));
    start = colon + 1;
  }
  if (pieces.empty()) return {s};  // no colon: the whole string, even if empty
  pieces.push_back(s.substr(start));
  while (!pieces.empty() && pieces.back().empty()) pieces.pop_back();
  return pieces;
}

constexpr std::array<std::string_view, 4> kHeaderActions = {"set", "add", "setDate", "addDate"};

// RestServerConfig.validateHttpResponseHeaderConfig: "[action] [header name]:[header value]".
absl::Status ValidHeaderRule(const std::string& rule) {
  const std::string_view trimmed = JavaTrim(rule);
  // split("\\s+", 2): the action, then the rest after the first run of whitespace.
  size_t space = 0;
  while (space < trimmed.size() && !IsRegexSpace(trimmed[space])) ++space;
  if (space == trimmed.size()) {
    return ConfigError("Invalid format of header config '" + rule +
                       "'. Expected: '[action] [header name]:[header value]'");
  }
  size_t rest = space;
  while (rest < trimmed.size() && IsRegexSpace(trimmed[rest])) ++rest;
  const std::string_view action = JavaTrim(trimmed.substr(0, space));
  bool known_action = false;
  for (std::string_view known : kHeaderActions) known_action |= JavaEqualsIgnoreCase(action, known);
  if (!known_action) {
    return ConfigError("Invalid header config action: '" + std::string(action) +
                       "'. Expected one of [set, add, setDate, addDate]");
  }
  const std::string_view header = trimmed.substr(rest);
  const std::vector<std::string_view> pieces = SplitOnColon(JavaTrim(header));
  if (pieces.size() != 2) {
    return ConfigError("Invalid format of header name and header value pair '" +
                       std::string(header) + "'. Expected: '[header name]:[header value]'");
  }
  const std::string_view header_name = JavaTrim(pieces[0]);
  if (header_name.empty() || MatchesAnyWhitespaceRun(header_name)) {
    return ConfigError("Invalid header name '" + std::string(header_name) +
                       "'. The '[header name]' cannot contain whitespace");
  }
  return absl::OkStatus();
}

// RestServerConfig.ResponseHttpHeadersValidator.
absl::Status ValidResponseHttpHeaders(const std::string&, const ConfigValue& value) {
  const std::string& s = std::get<std::string>(value);
  if (JavaTrim(s).empty()) return absl::OkStatus();
  for (const std::string& rule : JettyCsvSplit(s)) {
    if (absl::Status status = ValidHeaderRule(rule); !status.ok()) return status;
  }
  return absl::OkStatus();
}

// ---- Kafka Connect 3.9's DistributedConfig ConfigDef ----------------------------------------

ConfigKey Required(std::string name, ConfigType type) {
  return ConfigKey{.name = std::move(name), .type = type};
}

ConfigKey Nullable(std::string name, ConfigType type, ConfigValidator validator = nullptr) {
  return ConfigKey{.name = std::move(name),
                   .type = type,
                   .null_default = true,
                   .validator = std::move(validator)};
}

ConfigKey Defaulted(std::string name, ConfigType type, std::string default_value,
                    ConfigValidator validator = nullptr) {
  return ConfigKey{.name = std::move(name),
                   .type = type,
                   .default_value = std::move(default_value),
                   .validator = std::move(validator)};
}

// Every key, in the order Java defines them: WorkerConfig.baseConfigDef() (its own keys, the
// client SSL keys, topic tracking, RestServerConfig's public keys), then DistributedConfig's.
// Java checks them in this order and reports the first problem.
ConfigDef MakeDistributedConfigDef() {
  using T = ConfigType;
  ConfigDef def;
  // WorkerConfig.
  def.Define(Defaulted("bootstrap.servers", T::kList, "localhost:9092"))
      .Define(Defaulted("client.dns.lookup", T::kString, "use_all_dns_ips",
                        validators::OneOf({"use_all_dns_ips",
                                           "resolve_canonical_bootstrap_servers_only"})))
      .Define(Required("key.converter", T::kClass))
      .Define(Required("value.converter", T::kClass))
      .Define(Defaulted("task.shutdown.graceful.timeout.ms", T::kLong, "5000"))
      .Define(Defaulted("offset.flush.interval.ms", T::kLong, "60000"))
      .Define(Defaulted("offset.flush.timeout.ms", T::kLong, "5000"))
      .Define(Nullable("plugin.path", T::kList))
      .Define(Defaulted("plugin.discovery", T::kString, "hybrid_warn",
                        CaseInsensitiveOneOf(
                            {"ONLY_SCAN", "SERVICE_LOAD", "HYBRID_WARN", "HYBRID_FAIL"})))
      .Define(Defaulted("metrics.sample.window.ms", T::kLong, "30000", Range({0, "0"})))
      .Define(Defaulted("metrics.num.samples", T::kInt, "2", Range({1, "1"})))
      .Define(Defaulted("metrics.recording.level", T::kString, "INFO",
                        validators::OneOf({"INFO", "DEBUG"})))
      .Define(Defaulted("metric.reporters", T::kList, ""))
      .Define(Defaulted("auto.include.jmx.reporter", T::kBoolean, "true"))
      .Define(Defaulted("header.converter", T::kClass,
                        "org.apache.kafka.connect.storage.SimpleHeaderConverter"))
      .Define(Defaulted("config.providers", T::kList, ""))
      .Define(Defaulted("connector.client.config.override.policy", T::kString, "All"))
      .Define(Defaulted("topic.creation.enable", T::kBoolean, "true"));
  // ConfigDef.withClientSslSupport().
  def.Define(Defaulted("ssl.protocol", T::kString, "TLSv1.3"))
      .Define(Nullable("ssl.provider", T::kString))
      .Define(Nullable("ssl.cipher.suites", T::kList))
      .Define(Defaulted("ssl.enabled.protocols", T::kList, "TLSv1.2,TLSv1.3"))
      .Define(Defaulted("ssl.keystore.type", T::kString, "JKS"))
      .Define(Nullable("ssl.keystore.location", T::kString))
      .Define(Nullable("ssl.keystore.password", T::kPassword))
      .Define(Nullable("ssl.key.password", T::kPassword))
      .Define(Nullable("ssl.keystore.key", T::kPassword))
      .Define(Nullable("ssl.keystore.certificate.chain", T::kPassword))
      .Define(Nullable("ssl.truststore.certificates", T::kPassword))
      .Define(Defaulted("ssl.truststore.type", T::kString, "JKS"))
      .Define(Nullable("ssl.truststore.location", T::kString))
      .Define(Nullable("ssl.truststore.password", T::kPassword))
      .Define(Defaulted("ssl.keymanager.algorithm", T::kString, "SunX509"))
      .Define(Defaulted("ssl.trustmanager.algorithm", T::kString, "PKIX"))
      .Define(Defaulted("ssl.endpoint.identification.algorithm", T::kString, "https"))
      .Define(Nullable("ssl.secure.random.implementation", T::kString))
      .Define(Nullable("ssl.engine.factory.class", T::kClass));
  // WorkerConfig.addTopicTrackingConfig, RestServerConfig.addPublicConfig.
  def.Define(Defaulted("topic.tracking.enable", T::kBoolean, "true"))
      .Define(Defaulted("topic.tracking.allow.reset", T::kBoolean, "true"))
      .Define(Defaulted("listeners", T::kList, "http://:8083", ValidListeners))
      .Define(Nullable("rest.advertised.host.name", T::kString))
      .Define(Nullable("rest.advertised.port", T::kInt))
      .Define(Nullable("rest.advertised.listener", T::kString))
      .Define(Defaulted("access.control.allow.origin", T::kString, ""))
      .Define(Defaulted("access.control.allow.methods", T::kString, ""))
      .Define(Defaulted("response.http.headers.config", T::kString, "", ValidResponseHttpHeaders))
      .Define(Defaulted("ssl.client.auth", T::kString, "none",
                        validators::OneOf({"required", "requested", "none"})))
      .Define(Defaulted("rest.extension.classes", T::kList, ""))
      .Define(Nullable("admin.listeners", T::kList, ValidAdminListeners));
  // DistributedConfig.
  def.Define(Required("group.id", T::kString))
      .Define(Defaulted("session.timeout.ms", T::kInt, "10000"))
      .Define(Defaulted("rebalance.timeout.ms", T::kInt, "60000"))
      .Define(Defaulted("heartbeat.interval.ms", T::kInt, "3000"))
      .Define(Defaulted("exactly.once.source.support", T::kString, "disabled",
                        CaseInsensitiveOneOf({"DISABLED", "ENABLED", "PREPARING"})))
      .Define(Defaulted("metadata.max.age.ms", T::kLong, "300000", Range({0, "0"})))
      .Define(Defaulted("client.id", T::kString, ""))
      .Define(Defaulted("send.buffer.bytes", T::kInt, "131072", Range({-1, "-1"})))
      .Define(Defaulted("receive.buffer.bytes", T::kInt, "32768", Range({-1, "-1"})))
      .Define(Defaulted("reconnect.backoff.ms", T::kLong, "50", Range({0, "0"})))
      .Define(Defaulted("reconnect.backoff.max.ms", T::kLong, "1000", Range({0, "0"})))
      .Define(Defaulted("socket.connection.setup.timeout.ms", T::kLong, "10000",
                        Range({0, "0"})))
      .Define(Defaulted("socket.connection.setup.timeout.max.ms", T::kLong, "30000",
                        Range({0, "0"})))
      .Define(Defaulted("retry.backoff.ms", T::kLong, "100", Range({0, "0"})))
      .Define(Defaulted("retry.backoff.max.ms", T::kLong, "1000", Range({0, "0"})))
      .Define(Defaulted("request.timeout.ms", T::kInt, "40000", Range({0, "0"})))
      .Define(Defaulted("connections.max.idle.ms", T::kLong, "540000"))
      .Define(Defaulted("security.protocol", T::kString, "PLAINTEXT",
                        CaseInsensitiveOneOf({"SASL_SSL", "PLAINTEXT", "SSL", "SASL_PLAINTEXT"})));
  // ConfigDef.withClientSaslSupport().
  def.Define(Nullable("sasl.kerberos.service.name", T::kString))
      .Define(Defaulted("sasl.kerberos.kinit.cmd", T::kString, "/usr/bin/kinit"))
      .Define(Defaulted("sasl.kerberos.ticket.renew.window.factor", T::kDouble, "0.8"))
      .Define(Defaulted("sasl.kerberos.ticket.renew.jitter", T::kDouble, "0.05"))
      .Define(Defaulted("sasl.kerberos.min.time.before.relogin", T::kLong, "60000"))
      .Define(Defaulted("sasl.login.refresh.window.factor", T::kDouble, "0.8",
                        Range({0.5, "0.5"}, Bound{1.0, "1.0"})))
      .Define(Defaulted("sasl.login.refresh.window.jitter", T::kDouble, "0.05",
                        Range({0.0, "0.0"}, Bound{0.25, "0.25"})))
      .Define(Defaulted("sasl.login.refresh.min.period.seconds", T::kShort, "60",
                        Range({0, "0"}, Bound{900, "900"})))
      .Define(Defaulted("sasl.login.refresh.buffer.seconds", T::kShort, "300",
                        Range({0, "0"}, Bound{3600, "3600"})))
      .Define(Defaulted("sasl.mechanism", T::kString, "GSSAPI"))
      .Define(Nullable("sasl.jaas.config", T::kPassword))
      .Define(Nullable("sasl.client.callback.handler.class", T::kClass))
      .Define(Nullable("sasl.login.callback.handler.class", T::kClass))
      .Define(Nullable("sasl.login.class", T::kClass))
      .Define(Nullable("sasl.login.connect.timeout.ms", T::kInt))
      .Define(Nullable("sasl.login.read.timeout.ms", T::kInt))
      .Define(Defaulted("sasl.login.retry.backoff.max.ms", T::kLong, "10000"))
      .Define(Defaulted("sasl.login.retry.backoff.ms", T::kLong, "100"))
      .Define(Defaulted("sasl.oauthbearer.scope.claim.name", T::kString, "scope"))
      .Define(Defaulted("sasl.oauthbearer.sub.claim.name", T::kString, "sub"))
      .Define(Nullable("sasl.oauthbearer.token.endpoint.url", T::kString))
      .Define(Nullable("sasl.oauthbearer.jwks.endpoint.url", T::kString))
      .Define(Defaulted("sasl.oauthbearer.jwks.endpoint.refresh.ms", T::kLong, "3600000"))
      .Define(Defaulted("sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms", T::kLong, "10000"))
      .Define(Defaulted("sasl.oauthbearer.jwks.endpoint.retry.backoff.ms", T::kLong, "100"))
      .Define(Defaulted("sasl.oauthbearer.clock.skew.seconds", T::kInt, "30"))
      .Define(Nullable("sasl.oauthbearer.expected.audience", T::kList))
      .Define(Nullable("sasl.oauthbearer.expected.issuer", T::kString))
      .Define(Defaulted("sasl.oauthbearer.header.urlencode", T::kBoolean, "false"));
  // DistributedConfig, continued.
  def.Define(Defaulted("worker.sync.timeout.ms", T::kInt, "3000"))
      .Define(Defaulted("worker.unsync.backoff.ms", T::kInt, "300000"))
      .Define(Required("offset.storage.topic", T::kString))
      .Define(Defaulted("offset.storage.partitions", T::kInt, "25", ValidPartitions))
      .Define(Defaulted("offset.storage.replication.factor", T::kShort, "3",
                        ValidReplicationFactor))
      .Define(Required("config.storage.topic", T::kString))
      .Define(Defaulted("config.storage.replication.factor", T::kShort, "3",
                        ValidReplicationFactor))
      .Define(Required("status.storage.topic", T::kString))
      .Define(Defaulted("status.storage.partitions", T::kInt, "5", ValidPartitions))
      .Define(Defaulted("status.storage.replication.factor", T::kShort, "3",
                        ValidReplicationFactor))
      .Define(Defaulted("connect.protocol", T::kString, "sessioned", ValidConnectProtocol))
      // Sluice's default is 30 s where Kafka Connect's is 300000 (5 minutes): a crashed worker's
      // connectors and tasks run elsewhere within seconds rather than minutes, at the price of
      // moving work during a rolling restart slower than 30 s (docs/distributed.md).
      .Define(Defaulted("scheduled.rebalance.max.delay.ms", T::kInt, "30000",
                        Range({0, "0"}, Bound{2147483647.0, "2147483647"})))
      .Define(Defaulted("inter.worker.key.ttl.ms", T::kInt, "3600000",
                        Range({0, "0"}, Bound{2147483647.0, "2147483647"})))
      .Define(Defaulted("inter.worker.key.generation.algorithm", T::kString, "HmacSHA256",
                        ValidHmacAlgorithm))
      .Define(Nullable("inter.worker.key.size", T::kInt))
      .Define(Defaulted("inter.worker.signature.algorithm", T::kString, "HmacSHA256",
                        ValidHmacAlgorithm))
      .Define(Defaulted("inter.worker.verification.algorithms", T::kList, "HmacSHA256",
                        ValidVerificationAlgorithms))
      .Define(Defaulted("metadata.recovery.strategy", T::kString, "none",
                        CaseInsensitiveOneOf({"REBOOTSTRAP", "NONE"})));
  return def;
}

const ConfigDef& DistributedConfigDef() {
  static const ConfigDef* const def = new ConfigDef(MakeDistributedConfigDef());
  return *def;
}

// ConfigDef.parseType for one given value. Booleans and classes follow Java here; the other
// types follow ConfigDef::ParseValue, which has Java's rules.
absl::StatusOr<ConfigValue> ParseJavaType(const ConfigKey& key, const std::string& text) {
  const std::string_view trimmed = JavaTrim(text);
  if (key.type == ConfigType::kBoolean) {
    if (JavaEqualsIgnoreCase(trimmed, "true")) return ConfigValue(true);
    if (JavaEqualsIgnoreCase(trimmed, "false")) return ConfigValue(false);
    return InvalidValue(key.name, text, "Expected value to be either true or false");
  }
  if (key.type == ConfigType::kClass && trimmed.empty()) {
    // Java loads the class here; Sluice finds plugins' classes later, but no class is named "".
    return InvalidValue(key.name, text, "Class " + text + " could not be found.");
  }
  return ConfigDef::ParseValue(key, text);
}

// ConfigDef.parse: each key in definition order, its value or default, then its validator;
// the first failure is the error.
absl::StatusOr<ParsedConfig> ParseAsJava(const ConfigDef& def, const ConfigMap& props) {
  std::map<std::string, ConfigValue> values;
  for (const ConfigKey& key : def.keys()) {
    ConfigValue value;
    if (auto it = props.find(key.name); it != props.end()) {
      absl::StatusOr<ConfigValue> parsed = ParseJavaType(key, it->second);
      if (!parsed.ok()) return parsed.status();
      value = *std::move(parsed);
    } else if (key.default_value.has_value()) {
      absl::StatusOr<ConfigValue> parsed = ConfigDef::ParseValue(key, *key.default_value);
      if (!parsed.ok()) {
        return absl::InternalError("bad default for " + key.name + ": " +
                                   std::string(parsed.status().message()));
      }
      value = *std::move(parsed);
    } else if (key.required()) {
      return ConfigError("Missing required configuration \"" + key.name +
                         "\" which has no default value.");
    }
    if (key.validator) {
      if (absl::Status valid = key.validator(key.name, value); !valid.ok()) return valid;
    }
    values.emplace(key.name, std::move(value));
  }
  return ParsedConfig(std::move(values));
}

// DistributedConfig.topicSettings(prefix).
ConfigMap TopicSettings(const ConfigMap& props, const std::string& prefix) {
  ConfigMap out;
  for (auto it = props.lower_bound(prefix); it != props.end(); ++it) {
    if (!absl::StartsWith(it->first, prefix)) break;
    const std::string setting = it->first.substr(prefix.size());
    if (setting.empty() || setting == "topic" || setting == "partitions" ||
        setting == "replication.factor" || setting == "cleanup.policy") {
      continue;
    }
    out.emplace(setting, it->second);
  }
  return out;
}

InternalTopicSettings ReadTopic(const ParsedConfig& parsed, const ConfigMap& props,
                                const std::string& prefix) {
  InternalTopicSettings topic;
  topic.topic = parsed.GetString(prefix + "topic");
  topic.partitions =
      parsed.Has(prefix + "partitions") ? parsed.GetInt(prefix + "partitions") : 1;
  topic.replication_factor =
      static_cast<int16_t>(parsed.GetInt(prefix + "replication.factor"));
  topic.topic_configs = TopicSettings(props, prefix);
  return topic;
}

absl::Duration Millis(const ParsedConfig& parsed, const char* key) {
  return absl::Milliseconds(parsed.GetLong(key));
}

// Java's `(keySize + 7) / 8` in int arithmetic: the byte length of a generated HMAC key.
int32_t JavaKeyBytes(int32_t key_bits) {
  return static_cast<int32_t>(static_cast<uint32_t>(key_bits) + 7u) / 8;
}

}  // namespace

std::optional<HmacAlgorithm> CanonicalHmacAlgorithm(std::string_view name) {
  const std::string upper = JavaUpperForMatch(name);
  for (const HmacEntry& entry : kHmacs) {
    if (upper == JavaUpperForMatch(entry.algorithm.name) || upper == entry.oid ||
        upper == "OID." + std::string(entry.oid)) {
      return entry.algorithm;
    }
  }
  return std::nullopt;
}

absl::StatusOr<DistributedConfig> ParseDistributedConfig(const ConfigMap& props) {
  absl::StatusOr<ParsedConfig> parsed_or = ParseAsJava(DistributedConfigDef(), props);
  if (!parsed_or.ok()) return parsed_or.status();
  const ParsedConfig& parsed = *parsed_or;

  DistributedConfig config;
  config.inter_worker_key_generation_algorithm =
      parsed.GetString("inter.worker.key.generation.algorithm");
  if (const ConfigValue& size = parsed.values().at("inter.worker.key.size");
      std::holds_alternative<int32_t>(size)) {
    config.inter_worker_key_size = std::get<int32_t>(size);
  }
  config.inter_worker_signature_algorithm = parsed.GetString("inter.worker.signature.algorithm");
  config.inter_worker_verification_algorithms =
      parsed.GetList("inter.worker.verification.algorithms");

  // The checks of DistributedConfig's constructor: a key generator with the key size, then the
  // signature algorithm among the verification algorithms (compared as written).
  const std::optional<HmacAlgorithm> key_algorithm =
      CanonicalHmacAlgorithm(config.inter_worker_key_generation_algorithm);
  if (config.inter_worker_key_size.has_value() && key_algorithm->name != "HmacSHA1" &&
      *config.inter_worker_key_size < 40) {
    // SunJCE's HmacSHA2 key generators refuse keys under 40 bits; its HmacSHA1 one takes any.
    return ConfigError("Unable to create key generator with algorithm " +
                       config.inter_worker_key_generation_algorithm + " and key size " +
                       std::to_string(*config.inter_worker_key_size) +
                       ": Key length must be at least 40 bits");
  }
  bool signature_verifiable = false;
  for (const std::string& algorithm : config.inter_worker_verification_algorithms) {
    signature_verifiable |= algorithm == config.inter_worker_signature_algorithm;
  }
  if (!signature_verifiable) {
    return InvalidValue("inter.worker.signature.algorithm",
                        config.inter_worker_signature_algorithm,
                        "Signature algorithm must be present in "
                        "inter.worker.verification.algorithms list");
  }

  // Sluice's own reading of the shared keys, given the booleans as Java parsed them (Java takes
  // "TRUE", and ſ for s); the raw properties stay as given.
  ConfigMap shared = props;
  for (const char* key : {"topic.creation.enable", "topic.tracking.enable",
                          "topic.tracking.allow.reset"}) {
    if (shared.contains(key)) shared[key] = parsed.GetBool(key) ? "true" : "false";
  }
  absl::StatusOr<WorkerConfig> worker = ParseWorkerConfig(shared, WorkerMode::kDistributed);
  if (!worker.ok()) return worker.status();
  config.worker = *std::move(worker);
  config.worker.raw = props;

  config.group_id = parsed.GetString("group.id");
  config.config_storage = ReadTopic(parsed, props, "config.storage.");
  config.offset_storage = ReadTopic(parsed, props, "offset.storage.");
  config.status_storage = ReadTopic(parsed, props, "status.storage.");

  config.session_timeout = Millis(parsed, "session.timeout.ms");
  config.heartbeat_interval = Millis(parsed, "heartbeat.interval.ms");
  config.rebalance_timeout = Millis(parsed, "rebalance.timeout.ms");
  config.worker_sync_timeout = Millis(parsed, "worker.sync.timeout.ms");
  config.worker_unsync_backoff = Millis(parsed, "worker.unsync.backoff.ms");
  config.scheduled_rebalance_max_delay = Millis(parsed, "scheduled.rebalance.max.delay.ms");
  config.connect_protocol =
      std::string(*ConnectProtocolNamed(parsed.GetString("connect.protocol")));
  const std::string eos = JavaUpperForMatch(parsed.GetString("exactly.once.source.support"));
  config.exactly_once_source_support = eos == "ENABLED"     ? ExactlyOnceSourceSupport::kEnabled
                                       : eos == "PREPARING" ? ExactlyOnceSourceSupport::kPreparing
                                                            : ExactlyOnceSourceSupport::kDisabled;
  config.inter_worker_key_ttl = Millis(parsed, "inter.worker.key.ttl.ms");

  config.client_id = parsed.GetString("client.id");
  config.metadata_max_age = Millis(parsed, "metadata.max.age.ms");
  config.send_buffer_bytes = parsed.GetInt("send.buffer.bytes");
  config.receive_buffer_bytes = parsed.GetInt("receive.buffer.bytes");
  config.reconnect_backoff = Millis(parsed, "reconnect.backoff.ms");
  // CommonClientConfigs.postProcessReconnectBackoffConfigs.
  config.reconnect_backoff_max =
      props.contains("reconnect.backoff.ms") && !props.contains("reconnect.backoff.max.ms")
          ? config.reconnect_backoff
          : Millis(parsed, "reconnect.backoff.max.ms");
  config.socket_connection_setup_timeout = Millis(parsed, "socket.connection.setup.timeout.ms");
  config.socket_connection_setup_timeout_max =
      Millis(parsed, "socket.connection.setup.timeout.max.ms");
  config.retry_backoff = Millis(parsed, "retry.backoff.ms");
  config.retry_backoff_max = Millis(parsed, "retry.backoff.max.ms");
  config.request_timeout = Millis(parsed, "request.timeout.ms");
  config.connections_max_idle = Millis(parsed, "connections.max.idle.ms");
  config.security_protocol = JavaUpperForMatch(parsed.GetString("security.protocol"));
  config.metadata_recovery_strategy =
      absl::AsciiStrToLower(JavaUpperForMatch(parsed.GetString("metadata.recovery.strategy")));
  return config;
}

absl::Status CheckSupported(const DistributedConfig& config) {
  if (config.exactly_once_source_support != ExactlyOnceSourceSupport::kDisabled) {
    const std::string setting =
        config.exactly_once_source_support == ExactlyOnceSourceSupport::kEnabled ? "enabled"
                                                                                  : "preparing";
    return absl::UnimplementedError(
        "exactly.once.source.support=" + setting +
        ": Sluice does not support exactly-once source connectors yet (transactional source "
        "tasks, zombie fencing and a transactional leader); set exactly.once.source.support to "
        "disabled");
  }
  if (config.inter_worker_key_size.has_value() &&
      JavaKeyBytes(*config.inter_worker_key_size) <= 0) {
    return absl::InvalidArgumentError(
        "inter.worker.key.size=" + std::to_string(*config.inter_worker_key_size) + ": no " +
        config.inter_worker_key_generation_algorithm +
        " key can be made of that many bits (Kafka Connect accepts the setting, then fails "
        "when its leader generates a session key)");
  }
  return absl::OkStatus();
}

}  // namespace sluice::config
