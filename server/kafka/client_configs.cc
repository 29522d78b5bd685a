#include "server/kafka/client_configs.h"

#include <librdkafka/rdkafka.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/kafka/jaas_config.h"
#include "server/kafka/key_stores.h"

namespace sluice::kafka {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// One key of a Java client's ConfigDef, as tools/gen-client-configs writes it.
enum class DefaultKind { kRequired, kNull, kValue };
struct JavaClientConfigKey {
  const char* name;
  ConfigType type;
  DefaultKind default_kind;
  const char* default_value;  // kValue: as ConfigDef.convertToString prints it
  ConfigImportance importance;
  const char* documentation;
  const char* group;  // nullptr: no group
  int order_in_group;
  ConfigWidth width;
  const char* display_name;
  const char* dependents;  // comma-separated
};

#include "server/kafka/java_client_configs.inc"

template <size_t N>
ConfigDef BuildConfigDef(const JavaClientConfigKey (&keys)[N]) {
  ConfigDef def;
  for (const JavaClientConfigKey& k : keys) {
    ConfigKey key;
    key.name = k.name;
    key.type = k.type;
    if (k.default_kind == DefaultKind::kValue) key.default_value = k.default_value;
    key.null_default = k.default_kind == DefaultKind::kNull;
    key.importance = k.importance;
    key.documentation = k.documentation == nullptr ? "" : k.documentation;
    if (k.group != nullptr) key.group = k.group;
    key.order_in_group = k.order_in_group;
    key.width = k.width;
    key.display_name = k.display_name;
    for (absl::string_view d : absl::StrSplit(k.dependents, ',', absl::SkipEmpty())) {
      key.dependents.emplace_back(d);
    }
    def.Define(std::move(key));
  }
  return def;
}

// Whether `name` can be a Java binary class name (identifiers joined by dots, '$' for nested
// classes). Non-ASCII bytes count as letters.
bool IsJavaClassName(std::string_view name) {
  if (name.empty()) return false;
  for (absl::string_view part : absl::StrSplit(Av(name), '.')) {
    if (part.empty()) return false;
    const unsigned char first = static_cast<unsigned char>(part[0]);
    if (!(std::isalpha(first) || first == '_' || first == '$' || first >= 0x80)) return false;
    for (unsigned char c : part) {
      if (!(std::isalnum(c) || c == '_' || c == '$' || c >= 0x80)) return false;
    }
  }
  return true;
}

// ---- librdkafka property names ----------------------------------------------------------------

// librdkafka's aliases (CONFIGURATION.md of 2.0.2: "Alias for ..."): alias -> property.
const std::map<std::string, std::string, std::less<>>& LibrdkafkaAliases() {
  static const auto* aliases = new std::map<std::string, std::string, std::less<>>{
      {"bootstrap.servers", "metadata.broker.list"},
      {"max.in.flight", "max.in.flight.requests.per.connection"},
      {"sasl.mechanism", "sasl.mechanisms"},
      {"max.partition.fetch.bytes", "fetch.message.max.bytes"},
      {"linger.ms", "queue.buffering.max.ms"},
      {"retries", "message.send.max.retries"},
      {"compression.type", "compression.codec"},
      {"acks", "request.required.acks"},
      {"delivery.timeout.ms", "message.timeout.ms"},
  };
  return *aliases;
}

std::string_view CanonicalProperty(std::string_view name) {
  const auto& aliases = LibrdkafkaAliases();
  auto it = aliases.find(name);
  return it == aliases.end() ? name : std::string_view(it->second);
}

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};

// Asks a scratch librdkafka conf whether it takes `key`=`value`: OK, NotFound for a property
// librdkafka does not have, InvalidArgument with librdkafka's reason for a value it refuses.
class LibrdkafkaProbe {
 public:
  LibrdkafkaProbe() : conf_(rd_kafka_conf_new()) {}

  absl::Status Check(const std::string& key, const std::string& value) {
    char errstr[512];
    switch (rd_kafka_conf_set(conf_.get(), key.c_str(), value.c_str(), errstr, sizeof(errstr))) {
      case RD_KAFKA_CONF_OK:
        return absl::OkStatus();
      case RD_KAFKA_CONF_UNKNOWN:
        return absl::NotFoundError(errstr);
      default:
        return absl::InvalidArgumentError(errstr);
    }
  }

 private:
  std::unique_ptr<rd_kafka_conf_t, ConfDeleter> conf_;
};

// ---- the translation --------------------------------------------------------------------------

// How a Java key reaches librdkafka.
enum class Rule {
  kSame,     // librdkafka's property of the same name means the same
  kRename,   // librdkafka calls it `target`
  kIgnore,   // librdkafka has no equivalent: `reason`
  kSpecial,  // converted by code below
};

struct KeyRule {
  Rule rule;
  const char* detail = "";  // kRename: the librdkafka name; kIgnore: the reason
};

constexpr const char* kJavaClass = "a Java class; Sluice's clients are librdkafka";
constexpr const char* kJvmMetrics = "Java client metrics; librdkafka has none of these";
constexpr const char* kJvmSsl = "a setting of Java's SSL implementation; librdkafka uses OpenSSL";
constexpr const char* kSaslLogin =
    "Java's SASL login; librdkafka refreshes credentials on its own";
constexpr const char* kBrokerSide = "used by brokers to validate tokens, not by clients";

KeyRule RuleFor(ClientType type, std::string_view key) {
  static const auto* rules = new std::map<std::string, KeyRule, std::less<>>{
      // Common to the three clients.
      {"bootstrap.servers", {Rule::kSpecial}},
      {"client.id", {Rule::kSame}},
      {"client.dns.lookup", {Rule::kIgnore, "librdkafka always connects to every address a "
                                            "name resolves to"}},
      {"connections.max.idle.ms", {Rule::kSame}},
      {"metadata.max.age.ms", {Rule::kSame}},
      {"metadata.recovery.strategy", {Rule::kIgnore, "librdkafka 2.0 has no metadata recovery "
                                                     "strategy"}},
      {"metric.reporters", {Rule::kIgnore, kJvmMetrics}},
      {"metrics.num.samples", {Rule::kIgnore, kJvmMetrics}},
      {"metrics.recording.level", {Rule::kIgnore, kJvmMetrics}},
      {"metrics.sample.window.ms", {Rule::kIgnore, kJvmMetrics}},
      {"auto.include.jmx.reporter", {Rule::kIgnore, kJvmMetrics}},
      {"enable.metrics.push", {Rule::kIgnore, kJvmMetrics}},
      {"send.buffer.bytes", {Rule::kSpecial}},
      {"receive.buffer.bytes", {Rule::kSpecial}},
      {"reconnect.backoff.ms", {Rule::kSame}},
      {"reconnect.backoff.max.ms", {Rule::kSame}},
      {"retry.backoff.max.ms", {Rule::kIgnore, "librdkafka 2.0 backs off by retry.backoff.ms "
                                               "alone"}},
      {"socket.connection.setup.timeout.ms", {Rule::kSame}},
      {"socket.connection.setup.timeout.max.ms",
       {Rule::kIgnore, "librdkafka's connection setup timeout does not grow"}},
      {"security.protocol", {Rule::kSame}},
      {"security.providers", {Rule::kIgnore, kJvmSsl}},
      {"sasl.mechanism", {Rule::kRename, "sasl.mechanisms"}},
      {"sasl.jaas.config", {Rule::kSpecial}},
      {"sasl.client.callback.handler.class", {Rule::kIgnore, kJavaClass}},
      {"sasl.login.callback.handler.class", {Rule::kIgnore, kJavaClass}},
      {"sasl.login.class", {Rule::kIgnore, kJavaClass}},
      {"sasl.login.connect.timeout.ms", {Rule::kIgnore, kSaslLogin}},
      {"sasl.login.read.timeout.ms", {Rule::kIgnore, kSaslLogin}},
      {"sasl.login.refresh.buffer.seconds", {Rule::kIgnore, kSaslLogin}},
      {"sasl.login.refresh.min.period.seconds", {Rule::kIgnore, kSaslLogin}},
      {"sasl.login.refresh.window.factor", {Rule::kIgnore, kSaslLogin}},
      {"sasl.login.refresh.window.jitter", {Rule::kIgnore, kSaslLogin}},
      {"sasl.login.retry.backoff.max.ms", {Rule::kIgnore, kSaslLogin}},
      {"sasl.login.retry.backoff.ms", {Rule::kIgnore, kSaslLogin}},
      {"sasl.kerberos.kinit.cmd", {Rule::kSpecial}},
      {"sasl.kerberos.min.time.before.relogin", {Rule::kSame}},
      {"sasl.kerberos.service.name", {Rule::kSame}},
      {"sasl.kerberos.ticket.renew.jitter", {Rule::kIgnore, kSaslLogin}},
      {"sasl.kerberos.ticket.renew.window.factor", {Rule::kIgnore, kSaslLogin}},
      {"sasl.oauthbearer.token.endpoint.url", {Rule::kSame}},
      {"sasl.oauthbearer.scope.claim.name", {Rule::kIgnore, kBrokerSide}},
      {"sasl.oauthbearer.sub.claim.name", {Rule::kIgnore, kBrokerSide}},
      {"sasl.oauthbearer.clock.skew.seconds", {Rule::kIgnore, kBrokerSide}},
      {"sasl.oauthbearer.expected.audience", {Rule::kIgnore, kBrokerSide}},
      {"sasl.oauthbearer.expected.issuer", {Rule::kIgnore, kBrokerSide}},
      {"sasl.oauthbearer.jwks.endpoint.url", {Rule::kIgnore, kBrokerSide}},
      {"sasl.oauthbearer.jwks.endpoint.refresh.ms", {Rule::kIgnore, kBrokerSide}},
      {"sasl.oauthbearer.jwks.endpoint.retry.backoff.ms", {Rule::kIgnore, kBrokerSide}},
      {"sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms", {Rule::kIgnore, kBrokerSide}},
      {"sasl.oauthbearer.header.urlencode",
       {Rule::kIgnore, "librdkafka 2.0 does not URL-encode the client credentials"}},
      {"ssl.cipher.suites", {Rule::kSpecial}},
      {"ssl.enabled.protocols",
       {Rule::kIgnore, "librdkafka negotiates the TLS version OpenSSL allows"}},
      {"ssl.protocol", {Rule::kIgnore, "librdkafka negotiates the TLS version OpenSSL allows"}},
      {"ssl.provider", {Rule::kIgnore, kJvmSsl}},
      {"ssl.secure.random.implementation", {Rule::kIgnore, kJvmSsl}},
      {"ssl.keymanager.algorithm", {Rule::kIgnore, kJvmSsl}},
      {"ssl.trustmanager.algorithm", {Rule::kIgnore, kJvmSsl}},
      {"ssl.engine.factory.class", {Rule::kIgnore, kJavaClass}},
      {"ssl.endpoint.identification.algorithm", {Rule::kSpecial}},
      {"ssl.key.password", {Rule::kSpecial}},
      {"ssl.keystore.certificate.chain", {Rule::kSpecial}},
      {"ssl.keystore.key", {Rule::kSpecial}},
      {"ssl.keystore.location", {Rule::kSpecial}},
      {"ssl.keystore.password", {Rule::kSpecial}},
      {"ssl.keystore.type", {Rule::kSpecial}},
      {"ssl.truststore.certificates", {Rule::kSpecial}},
      {"ssl.truststore.location", {Rule::kSpecial}},
      {"ssl.truststore.password", {Rule::kSpecial}},
      {"ssl.truststore.type", {Rule::kSpecial}},
      // Producer.
      {"acks", {Rule::kSame}},
      {"batch.size", {Rule::kSpecial}},
      {"buffer.memory", {Rule::kSpecial}},
      {"compression.type", {Rule::kSame}},
      {"compression.gzip.level", {Rule::kSpecial}},
      {"compression.lz4.level", {Rule::kSpecial}},
      {"compression.zstd.level", {Rule::kSpecial}},
      {"delivery.timeout.ms", {Rule::kRename, "message.timeout.ms"}},
      {"enable.idempotence", {Rule::kSame}},
      {"interceptor.classes", {Rule::kIgnore, kJavaClass}},
      {"key.serializer", {Rule::kIgnore, "Sluice's worker produces the bytes its converters "
                                         "make"}},
      {"value.serializer", {Rule::kIgnore, "Sluice's worker produces the bytes its converters "
                                           "make"}},
      {"linger.ms", {Rule::kSame}},
      {"max.block.ms", {Rule::kIgnore, "librdkafka never blocks a send; Sluice waits for room "
                                       "in the queue"}},
      {"max.in.flight.requests.per.connection", {Rule::kSame}},
      {"max.request.size", {Rule::kRename, "message.max.bytes"}},
      {"metadata.max.idle.ms", {Rule::kIgnore, "librdkafka has no idle topic expiry"}},
      {"partitioner.class", {Rule::kIgnore, kJavaClass}},
      {"partitioner.adaptive.partitioning.enable",
       {Rule::kIgnore, "librdkafka's partitioners do not adapt to broker load"}},
      {"partitioner.availability.timeout.ms",
       {Rule::kIgnore, "librdkafka's partitioners do not adapt to broker load"}},
      {"partitioner.ignore.keys", {Rule::kIgnore, "librdkafka's partitioner is chosen with "
                                                  "'partitioner'"}},
      {"transaction.timeout.ms", {Rule::kSame}},
      {"transactional.id", {Rule::kSame}},
      // Consumer.
      {"allow.auto.create.topics", {Rule::kSame}},
      {"auto.commit.interval.ms", {Rule::kSame}},
      {"auto.offset.reset", {Rule::kSpecial}},
      {"check.crcs", {Rule::kSame}},
      {"client.rack", {Rule::kSame}},
      {"default.api.timeout.ms", {Rule::kIgnore, "Sluice sets its own deadline on each call"}},
      {"enable.auto.commit", {Rule::kSame}},
      {"exclude.internal.topics",
       {Rule::kIgnore, "librdkafka never matches internal topics with a pattern subscription"}},
      {"fetch.max.bytes", {Rule::kSame}},
      {"fetch.max.wait.ms", {Rule::kRename, "fetch.wait.max.ms"}},
      {"fetch.min.bytes", {Rule::kSame}},
      {"group.id", {Rule::kSame}},
      {"group.instance.id", {Rule::kSame}},
      {"group.protocol", {Rule::kIgnore, "librdkafka 2.0 speaks the classic group protocol"}},
      {"group.remote.assignor",
       {Rule::kIgnore, "librdkafka 2.0 speaks the classic group protocol"}},
      {"heartbeat.interval.ms", {Rule::kSame}},
      {"internal.leave.group.on.close", {Rule::kIgnore, "a Java client internal"}},
      {"internal.throw.on.fetch.stable.offset.unsupported",
       {Rule::kIgnore, "a Java client internal"}},
      {"isolation.level", {Rule::kSame}},
      {"key.deserializer", {Rule::kIgnore, "Sluice's worker hands the bytes to its converters"}},
      {"value.deserializer", {Rule::kIgnore, "Sluice's worker hands the bytes to its converters"}},
      {"max.partition.fetch.bytes", {Rule::kSame}},
      {"max.poll.interval.ms", {Rule::kSame}},
      {"max.poll.records", {Rule::kSpecial}},
      {"partition.assignment.strategy", {Rule::kSpecial}},
      {"session.timeout.ms", {Rule::kSame}},
      // Admin.
      {"bootstrap.controllers",
       {Rule::kIgnore, "librdkafka's admin client talks to brokers only"}},
  };
  // Keys whose meaning depends on the client.
  if (key == "request.timeout.ms") {
    // The producer's is librdkafka's request.timeout.ms (the produce request timeout); for the
    // others it bounds every request, as librdkafka's socket.timeout.ms does.
    return type == ClientType::kProducer ? KeyRule{Rule::kSame}
                                         : KeyRule{Rule::kRename, "socket.timeout.ms"};
  }
  if (key == "retries") {
    return type == ClientType::kProducer
               ? KeyRule{Rule::kSame}
               : KeyRule{Rule::kIgnore, "librdkafka retries admin requests on its own"};
  }
  if (key == "retry.backoff.ms") {
    return type == ClientType::kProducer
               ? KeyRule{Rule::kSame}
               : KeyRule{Rule::kIgnore, "librdkafka 2.0 applies retry.backoff.ms to producers "
                                        "only"};
  }
  auto it = rules->find(key);
  if (it == rules->end()) return {Rule::kSpecial};  // no rule: caught by the tests
  return it->second;
}

// The text of a parsed Java value as librdkafka takes it (passwords in clear, lists joined).
std::string PlainText(const ConfigValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int32_t i) const { return std::to_string(i); }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return std::to_string(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::string>& l) const {
      return absl::StrJoin(l, ",");
    }
  };
  return std::visit(Visitor{}, value);
}

int64_t AsInteger(const ConfigValue& value) {
  if (const auto* i = std::get_if<int32_t>(&value)) return *i;
  if (const auto* l = std::get_if<int64_t>(&value)) return *l;
  return 0;
}

class Translator {
 public:
  Translator(ClientType type, const ConfigMap& java) : type_(type), java_(java) {}

  absl::StatusOr<ClientSettings> Run() {
    const ConfigDef& def = JavaClientConfigDef(type_);
    for (const auto& [key, raw] : java_) {
      const ConfigKey* definition = def.Find(key);
      if (definition == nullptr) {
        // Not a key of this Java client: a librdkafka property passes as it is.
        absl::Status known = probe_.Check(key, raw);
        if (absl::IsNotFound(known)) {
          Ignore(key, absl::StrCat("not a ", Av(ClientTypeName(type_)),
                                   " setting of Kafka's Java client or of librdkafka"));
        } else if (!known.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "Invalid value ", raw, " for configuration ", key, ": ", known.message()));
        } else {
          passthrough_[key] = raw;
        }
        continue;
      }
      absl::StatusOr<ConfigValue> value = ParseJavaClientValue(*definition, raw);
      if (!value.ok()) return value.status();
      parsed_.emplace(key, *std::move(value));
    }
    for (const auto& [key, value] : parsed_) {
      const KeyRule rule = RuleFor(type_, key);
      switch (rule.rule) {
        case Rule::kSame:
          if (absl::Status s = Set(key, key, PlainText(value)); !s.ok()) return s;
          break;
        case Rule::kRename:
          if (absl::Status s = Set(key, rule.detail, PlainText(value)); !s.ok()) return s;
          break;
        case Rule::kIgnore:
          Ignore(key, rule.detail);
          break;
        case Rule::kSpecial:
          if (absl::Status s = Special(key, value); !s.ok()) return s;
          break;
      }
    }
    if (absl::Status s = TrustStore(); !s.ok()) return s;
    if (absl::Status s = KeyStore(); !s.ok()) return s;
    out_.librdkafka = std::move(passthrough_);
    ApplyLibrdkafkaSettings(derived_, out_.librdkafka);
    return std::move(out_);
  }

 private:
  // The text of Java key `key` when it was given.
  std::optional<std::string> Text(std::string_view key) const {
    auto it = parsed_.find(std::string(key));
    if (it == parsed_.end()) return std::nullopt;
    return PlainText(it->second);
  }

  void Ignore(const std::string& key, std::string reason) {
    out_.ignored.push_back({key, std::move(reason)});
  }

  // Sets librdkafka's `property` for Java key `java_key`.
  absl::Status Set(const std::string& java_key, const std::string& property,
                   const std::string& value) {
    absl::Status s = probe_.Check(property, value);
    if (!s.ok()) {
      const bool secret = absl::StrContains(property, "password") ||
                          absl::StrContains(property, "secret") || property == "ssl.key.pem";
      const std::string shown = secret ? "[hidden]" : value;
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid value for configuration ", java_key, ": librdkafka's ", property,
                       "=", shown, " is refused: ", s.message()));
    }
    derived_[property] = value;
    return absl::OkStatus();
  }

  absl::Status Special(const std::string& key, const ConfigValue& value) {
    const std::string text = PlainText(value);
    if (key == "bootstrap.servers") return Set(key, key, text);
    if (key == "send.buffer.bytes" || key == "receive.buffer.bytes") {
      // Java's -1 (the OS default) is librdkafka's 0.
      const int64_t bytes = AsInteger(value);
      return Set(key, absl::StrCat("socket.", key), bytes == -1 ? "0" : text);
    }
    if (key == "buffer.memory") {
      // Bytes in Java, KiB in librdkafka (rounded up, at least 1).
      const int64_t bytes = AsInteger(value);
      const int64_t kbytes = std::max<int64_t>(1, (bytes + 1023) / 1024);
      return Set(key, "queue.buffering.max.kbytes", std::to_string(kbytes));
    }
    if (key == "batch.size") {
      // Java's 0 turns batching off; librdkafka's smallest batch is one byte.
      return Set(key, key, AsInteger(value) <= 0 ? "1" : text);
    }
    if (key == "max.poll.records") {
      const int64_t records = AsInteger(value);
      if (records < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("Invalid value ", records,
                         " for configuration max.poll.records: Value must be at least 1"));
      }
      out_.max_poll_records = static_cast<int>(records);
      return absl::OkStatus();
    }
    if (key == "auto.offset.reset") {
      // Java's "none" (fail when there is no committed offset) is librdkafka's "error".
      const std::string lower = absl::AsciiStrToLower(text);
      return Set(key, key, lower == "none" ? "error" : text);
    }
    if (key == "ssl.endpoint.identification.algorithm") {
      // Java turns host name verification off with an empty value, librdkafka with "none".
      return Set(key, key, text.empty() ? "none" : absl::AsciiStrToLower(text));
    }
    if (key == "sasl.kerberos.kinit.cmd") return KinitCommand(text);
    if (key == "sasl.jaas.config") return Jaas(text);
    if (key == "partition.assignment.strategy") return AssignmentStrategy(value);
    if (key == "ssl.cipher.suites") return CipherSuites(value);
    if (absl::StartsWith(key, "compression.") && absl::EndsWith(key, ".level")) {
      const std::string codec = key.substr(12, key.size() - 12 - 6);
      const std::optional<std::string> chosen = Text("compression.type");
      if (chosen != codec) {
        Ignore(key, absl::StrCat("applies only when compression.type is ", codec));
        return absl::OkStatus();
      }
      return Set(key, "compression.level", text);
    }
    if (absl::StartsWith(key, "ssl.")) return absl::OkStatus();  // TrustStore / KeyStore
    return absl::InternalError(absl::StrCat("No translation for Java client setting ", key));
  }

  // Java's sasl.kerberos.kinit.cmd is the kinit program; librdkafka's is the whole command.
  absl::Status KinitCommand(const std::string& text) {
    if (absl::StrContains(text, " ") || absl::StrContains(text, "%{")) {
      return Set("sasl.kerberos.kinit.cmd", "sasl.kerberos.kinit.cmd", text);  // librdkafka's
    }
    const std::string args = "-t \"%{sasl.kerberos.keytab}\" -k %{sasl.kerberos.principal}";
    return Set("sasl.kerberos.kinit.cmd", "sasl.kerberos.kinit.cmd",
               absl::StrCat(text, " -R ", args, " || ", text, " ", args));
  }

  absl::Status Jaas(const std::string& text) {
    absl::StatusOr<JaasLoginModule> module = ParseClientJaasConfig(text);
    if (!module.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid value for configuration sasl.jaas.config: ", module.status().message()));
    }
    auto option = [&](const char* name) -> std::optional<std::string> {
      auto it = module->options.find(name);
      if (it == module->options.end()) return std::nullopt;
      return it->second;
    };
    const std::string& cls = module->login_module;
    const std::string key = "sasl.jaas.config";
    if (cls == "org.apache.kafka.common.security.plain.PlainLoginModule" ||
        cls == "org.apache.kafka.common.security.scram.ScramLoginModule") {
      if (auto u = option("username")) {
        if (absl::Status s = Set(key, "sasl.username", *u); !s.ok()) return s;
      }
      if (auto p = option("password")) {
        if (absl::Status s = Set(key, "sasl.password", *p); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    if (cls == "com.sun.security.auth.module.Krb5LoginModule") {
      if (auto p = option("principal")) {
        if (absl::Status s = Set(key, "sasl.kerberos.principal", *p); !s.ok()) return s;
      }
      if (auto k = option("keyTab")) {
        if (absl::Status s = Set(key, "sasl.kerberos.keytab", *k); !s.ok()) return s;
      }
      if (auto n = option("serviceName"); n.has_value() && !Text("sasl.kerberos.service.name")) {
        if (absl::Status s = Set(key, "sasl.kerberos.service.name", *n); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    if (cls == "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule" ||
        cls == "org.apache.kafka.common.security.oauthbearer.internals.OAuthBearerLoginModule") {
      std::vector<std::string> extensions;
      for (const auto& [name, value] : module->options) {
        if (absl::StartsWith(name, "extension_")) {
          extensions.push_back(absl::StrCat(name.substr(10), "=", value));
        }
      }
      if (auto id = option("clientId")) {
        // KIP-768's client credentials flow: librdkafka's OIDC method.
        if (absl::Status s = Set(key, "sasl.oauthbearer.method", "oidc"); !s.ok()) return s;
        if (absl::Status s = Set(key, "sasl.oauthbearer.client.id", *id); !s.ok()) return s;
        if (auto secret = option("clientSecret")) {
          if (absl::Status s = Set(key, "sasl.oauthbearer.client.secret", *secret); !s.ok()) {
            return s;
          }
        }
        if (auto scope = option("scope")) {
          if (absl::Status s = Set(key, "sasl.oauthbearer.scope", *scope); !s.ok()) return s;
        }
        if (!extensions.empty()) {
          return Set(key, "sasl.oauthbearer.extensions", absl::StrJoin(extensions, ","));
        }
        return absl::OkStatus();
      }
      // The unsecured (development) tokens: librdkafka's unsecure JWT.
      std::vector<std::string> parts;
      if (auto sub = option("unsecuredLoginStringClaim_sub")) {
        parts.push_back(absl::StrCat("principal=", *sub));
      }
      if (auto life = option("unsecuredLoginLifetimeSeconds")) {
        parts.push_back(absl::StrCat("lifeSeconds=", *life));
      }
      if (auto scope = option("unsecuredLoginListClaim_scope")) {
        parts.push_back(absl::StrCat("scope=", *scope));
      }
      for (const std::string& e : extensions) parts.push_back(absl::StrCat("extension_", e));
      if (absl::Status s = Set(key, "enable.sasl.oauthbearer.unsecure.jwt", "true"); !s.ok()) {
        return s;
      }
      return Set(key, "sasl.oauthbearer.config", absl::StrJoin(parts, " "));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid value for configuration sasl.jaas.config: login module ", cls,
        " has no equivalent in Sluice's Kafka clients (librdkafka), which support "
        "PlainLoginModule, ScramLoginModule, Krb5LoginModule and OAuthBearerLoginModule"));
  }

  absl::Status AssignmentStrategy(const ConfigValue& value) {
    // librdkafka's assignors by Java class, and its own names. Sluice's sink runner handles
    // eager rebalances, so the cooperative and sticky assignors are left out.
    static const auto* names = new std::map<std::string, std::string, std::less<>>{
        {"org.apache.kafka.clients.consumer.RangeAssignor", "range"},
        {"org.apache.kafka.clients.consumer.RoundRobinAssignor", "roundrobin"},
        {"range", "range"},
        {"roundrobin", "roundrobin"},
    };
    const auto* items = std::get_if<std::vector<std::string>>(&value);
    std::vector<std::string> chosen;
    std::vector<std::string> dropped;
    for (const std::string& item : items == nullptr ? std::vector<std::string>{} : *items) {
      auto it = names->find(item);
      if (it == names->end()) {
        dropped.push_back(item);
      } else if (std::find(chosen.begin(), chosen.end(), it->second) == chosen.end()) {
        chosen.push_back(it->second);
      }
    }
    if (!dropped.empty()) {
      Ignore("partition.assignment.strategy",
             absl::StrCat(chosen.empty() ? "" : "in part: ", absl::StrJoin(dropped, ", "),
                          ": Sluice's consumers assign partitions eagerly with librdkafka's "
                          "range or roundrobin assignors"));
    }
    if (chosen.empty()) return absl::OkStatus();
    return Set("partition.assignment.strategy", "partition.assignment.strategy",
               absl::StrJoin(chosen, ","));
  }

  absl::Status CipherSuites(const ConfigValue& value) {
    // Java names suites as IANA does (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), OpenSSL by its own
    // names (ECDHE-RSA-AES128-GCM-SHA256); a name OpenSSL does not map is kept (it may be
    // OpenSSL's already).
    const auto* items = std::get_if<std::vector<std::string>>(&value);
    if (items == nullptr || items->empty()) return absl::OkStatus();
    std::vector<std::string> openssl;
    for (const std::string& item : *items) {
      const char* name = OPENSSL_cipher_name(item.c_str());
      openssl.push_back(name == nullptr || std::string_view(name) == "(NONE)" ? item : name);
    }
    return Set("ssl.cipher.suites", "ssl.cipher.suites", absl::StrJoin(openssl, ":"));
  }

  bool UsesSsl() const {
    const std::string protocol =
        absl::AsciiStrToUpper(Text("security.protocol").value_or("PLAINTEXT"));
    return protocol == "SSL" || protocol == "SASL_SSL";
  }

  // Ignores the given SSL keys of a client that does not use SSL, as Java does.
  bool SkipWithoutSsl(std::initializer_list<const char*> keys) {
    if (UsesSsl()) return false;
    for (const char* key : keys) {
      if (parsed_.contains(key)) Ignore(key, "used only when security.protocol is SSL or SASL_SSL");
    }
    return true;
  }

  absl::Status TrustStore() {
    if (SkipWithoutSsl({"ssl.truststore.type", "ssl.truststore.location",
                        "ssl.truststore.password", "ssl.truststore.certificates"})) {
      return absl::OkStatus();
    }
    const std::string type = Text("ssl.truststore.type").value_or("JKS");
    const std::optional<std::string> location = Text("ssl.truststore.location");
    const std::optional<std::string> certificates = Text("ssl.truststore.certificates");
    const std::optional<std::string> password = Text("ssl.truststore.password");
    if (certificates.has_value()) {
      // DefaultSslEngineFactory's checks.
      if (type != "PEM") {
        return absl::InvalidArgumentError(absl::StrCat(
            "SSL trust store certs can be specified only for PEM, but trust store type is ", type,
            "."));
      }
      if (location.has_value()) {
        return absl::InvalidArgumentError(
            "Both SSL trust store location and separate trust certificates are specified.");
      }
      return Set("ssl.truststore.certificates", "ssl.ca.pem", NormalizePem(*certificates));
    }
    if (type == "PEM" && password.has_value()) {
      return absl::InvalidArgumentError("SSL trust store password cannot be specified for PEM format.");
    }
    if (!location.has_value()) return absl::OkStatus();
    if (type == "PEM") return Set("ssl.truststore.location", "ssl.ca.location", *location);
    if (!absl::EqualsIgnoreCase(type, "JKS") && !absl::EqualsIgnoreCase(type, "PKCS12")) {
      return UnsupportedStoreType("ssl.truststore.type", type);
    }
    absl::StatusOr<std::string> pem = TrustedCertificatesPem(*location, password);
    if (!pem.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value for configuration ssl.truststore.location: ", pem.status().message()));
    }
    return Set("ssl.truststore.location", "ssl.ca.pem", *pem);
  }

  absl::Status KeyStore() {
    if (SkipWithoutSsl({"ssl.keystore.type", "ssl.keystore.location", "ssl.keystore.password",
                        "ssl.keystore.certificate.chain", "ssl.keystore.key",
                        "ssl.key.password"})) {
      return absl::OkStatus();
    }
    const std::string type = Text("ssl.keystore.type").value_or("JKS");
    const std::optional<std::string> location = Text("ssl.keystore.location");
    const std::optional<std::string> chain = Text("ssl.keystore.certificate.chain");
    const std::optional<std::string> key = Text("ssl.keystore.key");
    const std::optional<std::string> password = Text("ssl.keystore.password");
    const std::optional<std::string> key_password = Text("ssl.key.password");
    if (key.has_value() || chain.has_value()) {
      // DefaultSslEngineFactory's checks.
      if (type != "PEM") {
        return absl::InvalidArgumentError(absl::StrCat(
            "SSL private key can be specified only for PEM, but key store type is ", type, "."));
      }
      if (location.has_value()) {
        return absl::InvalidArgumentError(
            "Both SSL key store location and separate private key are specified.");
      }
      if (!key.has_value() || !chain.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "SSL private key and certificate chain must both be specified: ",
            key.has_value() ? "ssl.keystore.certificate.chain" : "ssl.keystore.key",
            " is missing."));
      }
      if (absl::Status s = Set("ssl.keystore.certificate.chain", "ssl.certificate.pem",
                               NormalizePem(*chain));
          !s.ok()) {
        return s;
      }
      if (absl::Status s = Set("ssl.keystore.key", "ssl.key.pem", NormalizePem(*key)); !s.ok()) {
        return s;
      }
      if (key_password.has_value()) return Set("ssl.key.password", "ssl.key.password", *key_password);
      return absl::OkStatus();
    }
    if (!location.has_value()) {
      if (key_password.has_value()) Ignore("ssl.key.password", "no key store is configured");
      return absl::OkStatus();
    }
    if (type == "PEM") {
      // One file with the private key and the certificate chain.
      if (password.has_value()) {
        return absl::InvalidArgumentError(
            "SSL key store password cannot be specified with PEM format, only key password may "
            "be specified");
      }
      for (const char* property : {"ssl.certificate.location", "ssl.key.location"}) {
        if (absl::Status s = Set("ssl.keystore.location", property, *location); !s.ok()) return s;
      }
      if (key_password.has_value()) return Set("ssl.key.password", "ssl.key.password", *key_password);
      return absl::OkStatus();
    }
    if (!absl::EqualsIgnoreCase(type, "JKS") && !absl::EqualsIgnoreCase(type, "PKCS12")) {
      return UnsupportedStoreType("ssl.keystore.type", type);
    }
    absl::StatusOr<KeyStoreFormat> format = SniffKeyStore(*location);
    if (!format.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value for configuration ssl.keystore.location: ", format.status().message()));
    }
    if (*format != KeyStoreFormat::kPkcs12) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value for configuration ssl.keystore.location: ", *location, " is a ",
          *format == KeyStoreFormat::kJks ? "JKS" : "JCEKS",
          " key store, which Sluice's Kafka clients (librdkafka) cannot read; convert it to "
          "PKCS12 (keytool -importkeystore -srckeystore ",
          *location, " -destkeystore <new file> -deststoretype PKCS12) or give the key and "
          "certificates in PEM form (ssl.keystore.type=PEM)"));
    }
    if (absl::Status s = Set("ssl.keystore.location", "ssl.keystore.location", *location);
        !s.ok()) {
      return s;
    }
    if (key_password.has_value() && key_password != password) {
      Ignore("ssl.key.password",
             "librdkafka decrypts a PKCS12 key store's key with ssl.keystore.password");
    }
    if (password.has_value()) {
      return Set("ssl.keystore.password", "ssl.keystore.password", *password);
    }
    return absl::OkStatus();
  }

  static absl::Status UnsupportedStoreType(const char* key, const std::string& type) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid value ", type, " for configuration ", key,
                     ": Sluice's Kafka clients (librdkafka) read JKS, PKCS12 and PEM stores"));
  }

  const ClientType type_;
  const ConfigMap& java_;
  LibrdkafkaProbe probe_;
  std::map<std::string, ConfigValue> parsed_;  // the Java keys this client defines
  ConfigMap passthrough_;                      // librdkafka names given as they are
  ConfigMap derived_;                          // librdkafka settings made from Java keys
  ClientSettings out_;
};

}  // namespace

std::string_view ClientTypeName(ClientType type) {
  switch (type) {
    case ClientType::kProducer: return "producer";
    case ClientType::kConsumer: return "consumer";
    case ClientType::kAdmin: return "admin";
  }
  return "unknown";
}

const ConfigDef& JavaClientConfigDef(ClientType type) {
  static const ConfigDef* producer = new ConfigDef(BuildConfigDef(kJavaProducerConfigKeys));
  static const ConfigDef* consumer = new ConfigDef(BuildConfigDef(kJavaConsumerConfigKeys));
  static const ConfigDef* admin = new ConfigDef(BuildConfigDef(kJavaAdminConfigKeys));
  switch (type) {
    case ClientType::kProducer: return *producer;
    case ClientType::kConsumer: return *consumer;
    case ClientType::kAdmin: return *admin;
  }
  return *admin;
}

absl::StatusOr<ConfigValue> ParseJavaClientValue(const ConfigKey& key, std::string_view text) {
  if (key.type != ConfigType::kClass) return ConfigDef::ParseValue(key, text);
  // ConfigDef.parseType loads the class; Sluice cannot, and takes any well-formed name.
  const std::string_view trimmed = JavaTrim(text);
  if (!IsJavaClassName(trimmed)) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid value ", Av(text),
                                                   " for configuration ", key.name, ": Class ",
                                                   Av(text), " could not be found."));
  }
  return ConfigValue(std::string(trimmed));
}

absl::StatusOr<ClientSettings> ToLibrdkafka(ClientType type, const ConfigMap& java_settings) {
  return Translator(type, java_settings).Run();
}

void ApplyLibrdkafkaSettings(const ConfigMap& overrides, ConfigMap& base) {
  for (const auto& [key, value] : overrides) {
    const std::string_view property = CanonicalProperty(key);
    for (auto it = base.begin(); it != base.end();) {
      if (it->first != key && CanonicalProperty(it->first) == property) {
        it = base.erase(it);
      } else {
        ++it;
      }
    }
    base[key] = value;
  }
}

absl::StatusOr<ClientSettings> ConnectorClientSettings(ClientType type, ConfigMap defaults,
                                                       const ConfigMap& worker,
                                                       const ConfigMap& connector) {
  ConfigMap java = worker;
  for (const auto& [key, value] : connector) java[key] = value;
  absl::StatusOr<ClientSettings> translated = ToLibrdkafka(type, java);
  if (!translated.ok()) return translated.status();
  ApplyLibrdkafkaSettings(translated->librdkafka, defaults);
  translated->librdkafka = std::move(defaults);
  return translated;
}

}  // namespace sluice::kafka
