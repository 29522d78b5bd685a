#include "server/api/access_control.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "formats/json_tree.h"
#include "formats/properties.h"

namespace sluice::api {
namespace {

// Compares secrets in time that depends on their lengths only.
bool SecretEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

absl::Status PolicyError(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("Tenants policy: ", what));
}

absl::StatusOr<std::set<std::string>> StringSet(const formats::JsonNode& node,
                                                absl::string_view member) {
  std::set<std::string> out;
  if (node.is_null_or_missing()) return out;
  if (node.type != formats::JsonNode::Type::kArray) {
    return PolicyError(absl::StrCat(member, " must be an array of strings"));
  }
  for (const formats::JsonNode& item : node.items) {
    if (item.type != formats::JsonNode::Type::kString || item.text.empty()) {
      return PolicyError(absl::StrCat(member, " must be an array of non-empty strings"));
    }
    out.insert(item.text);
  }
  return out;
}

absl::StatusOr<int64_t> PositiveNumber(const formats::JsonNode& node, absl::string_view member) {
  if (node.type != formats::JsonNode::Type::kNumber || !node.IsIntegral() ||
      node.LongValue() <= 0) {
    return PolicyError(absl::StrCat(member, " must be a positive integer"));
  }
  return node.LongValue();
}

// tasks.max of a connector config as the worker reads it (default 1; unreadable counts 1, the
// config's own validation refuses it).
int64_t TasksMax(const ConfigMap& config) {
  auto it = config.find("tasks.max");
  int64_t n = 1;
  if (it != config.end() && absl::SimpleAtoi(absl::StripAsciiWhitespace(it->second), &n) && n > 0) {
    return n;
  }
  return 1;
}

std::string Quoted(absl::string_view text) {
  std::string out;
  formats::AppendJsonString(std::string_view(text.data(), text.size()), &out);
  return out;
}

}  // namespace

absl::StatusOr<TenantPolicy> ParseTenantPolicy(absl::string_view json) {
  formats::JsonParser parser;
  absl::StatusOr<formats::JsonNode> root = parser.Parse(std::string_view(json.data(), json.size()));
  if (!root.ok()) return PolicyError(root.status().message());
  if (root->type != formats::JsonNode::Type::kObject) {
    return PolicyError("the file must hold a JSON object");
  }
  TenantPolicy policy;
  for (const auto& [key, value] : root->members) {
    if (key == "admins") {
      absl::StatusOr<std::set<std::string>> admins = StringSet(value, "admins");
      if (!admins.ok()) return admins.status();
      policy.admins = *std::move(admins);
    } else if (key == "tenants") {
      if (value.type != formats::JsonNode::Type::kObject) {
        return PolicyError("tenants must be an object of tenant names to tenants");
      }
      for (const auto& [name, spec] : value.members) {
        const std::string where = absl::StrCat("tenant ", name);
        if (name.empty()) return PolicyError("a tenant name must not be empty");
        if (spec.type != formats::JsonNode::Type::kObject) {
          return PolicyError(absl::StrCat(where, " must be an object"));
        }
        Tenant tenant{.name = name, .connector_prefix = absl::StrCat(name, "-")};
        for (const auto& [field, v] : spec.members) {
          const std::string member = absl::StrCat(where, ": ", field);
          if (field == "principals") {
            absl::StatusOr<std::set<std::string>> principals = StringSet(v, member);
            if (!principals.ok()) return principals.status();
            tenant.principals = *std::move(principals);
          } else if (field == "connector.prefix") {
            if (v.type != formats::JsonNode::Type::kString || v.text.empty()) {
              return PolicyError(absl::StrCat(member, " must be a non-empty string"));
            }
            tenant.connector_prefix = v.text;
          } else if (field == "max.connectors" || field == "max.tasks") {
            absl::StatusOr<int64_t> n = PositiveNumber(v, member);
            if (!n.ok()) return n.status();
            (field == "max.connectors" ? tenant.max_connectors : tenant.max_tasks) = *n;
          } else if (field == "sandbox") {
            if (v.type != formats::JsonNode::Type::kObject) {
              return PolicyError(absl::StrCat(member, " must be an object"));
            }
            for (const auto& [limit, n] : v.members) {
              const std::string limit_member = absl::StrCat(member, ".", limit);
              int64_t* target = limit == "memory.bytes"  ? &tenant.sandbox.memory_bytes
                                : limit == "cpu.seconds" ? &tenant.sandbox.cpu_seconds
                                : limit == "open.files"  ? &tenant.sandbox.open_files
                                                         : nullptr;
              if (target == nullptr) {
                return PolicyError(absl::StrCat(
                    limit_member, " is unknown (memory.bytes, cpu.seconds, open.files)"));
              }
              absl::StatusOr<int64_t> parsed = PositiveNumber(n, limit_member);
              if (!parsed.ok()) return parsed.status();
              *target = *parsed;
            }
          } else {
            return PolicyError(absl::StrCat(
                member, " is unknown (principals, connector.prefix, max.connectors, max.tasks, "
                        "sandbox)"));
          }
        }
        policy.tenants.push_back(std::move(tenant));
      }
    } else {
      return PolicyError(absl::StrCat(key, " is unknown (admins, tenants)"));
    }
  }
  // A principal in two tenants, or an admin in a tenant, would make its role ambiguous.
  std::map<std::string, std::string> role;
  for (const std::string& admin : policy.admins) role[admin] = "the admins";
  for (const Tenant& tenant : policy.tenants) {
    for (const std::string& principal : tenant.principals) {
      auto [it, inserted] = role.emplace(principal, absl::StrCat("tenant ", tenant.name));
      if (!inserted) {
        return PolicyError(absl::StrCat("principal ", principal, " is in both ", it->second,
                                        " and tenant ", tenant.name));
      }
    }
  }
  return policy;
}

absl::StatusOr<std::unique_ptr<AccessControl>> AccessControl::Create(Options options) {
  const bool authenticates = !options.basic_credentials.empty() ||
                             !options.bearer_tokens.empty() || options.client_certificate_required;
  if (options.policy.has_value() && !authenticates) {
    return absl::FailedPreconditionError(
        "sluice.auth.policy.file needs authentication to tell tenants apart: configure basic "
        "authentication (rest.extension.classes), bearer tokens (sluice.auth.bearer.tokens.file) "
        "or client certificates (ssl.client.auth=required)");
  }
  auto control = std::unique_ptr<AccessControl>(new AccessControl(std::move(options)));
  if (!control->options_.audit_log_path.empty()) {
    absl::MutexLock lock(&control->audit_mu_);
    control->audit_.open(control->options_.audit_log_path, std::ios::app);
    if (!control->audit_) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Could not open the audit log ", control->options_.audit_log_path, " for appending"));
    }
  }
  return control;
}

std::unique_ptr<AccessControl> AccessControl::Open() {
  return std::unique_ptr<AccessControl>(new AccessControl(Options{}));
}

bool AccessControl::authentication_required() const {
  return !options_.basic_credentials.empty() || !options_.bearer_tokens.empty() ||
         options_.client_certificate_required;
}

bool AccessControl::FromMetricsListener(const CallCredentials& credentials) const {
  return credentials.metrics_listener && !options_.gateway_token.empty() &&
         credentials.gateway_token.has_value() &&
         SecretEquals(*credentials.gateway_token, options_.gateway_token);
}

absl::StatusOr<std::string> AccessControl::Authenticate(
    const CallCredentials& credentials) const {
  const bool via_gateway = !options_.gateway_token.empty() &&
                           credentials.gateway_token.has_value() &&
                           SecretEquals(*credentials.gateway_token, options_.gateway_token);
  // The principal the gateway authenticated (a basic-auth user or a client certificate).
  if (via_gateway && credentials.gateway_principal.has_value() &&
      !credentials.gateway_principal->empty()) {
    return *credentials.gateway_principal;
  }
  if (credentials.authorization.has_value()) {
    absl::string_view header = *credentials.authorization;
    const size_t space = header.find(' ');
    absl::string_view scheme = header.substr(0, space);
    absl::string_view value =
        space == absl::string_view::npos ? absl::string_view() : header.substr(space + 1);
    if (absl::EqualsIgnoreCase(scheme, "Basic") && !options_.basic_credentials.empty()) {
      // As the REST API reads it: user and password split at the first colon.
      std::string decoded;
      if (absl::Base64Unescape(value, &decoded)) {
        const size_t colon = decoded.find(':');
        if (colon != std::string::npos && colon > 0) {
          auto it = options_.basic_credentials.find(decoded.substr(0, colon));
          if (it != options_.basic_credentials.end() &&
              SecretEquals(it->second, absl::string_view(decoded).substr(colon + 1))) {
            return it->first;
          }
        }
      }
      return absl::UnauthenticatedError(kUnauthenticatedMessage);
    }
    if (absl::EqualsIgnoreCase(scheme, "Bearer") && !options_.bearer_tokens.empty()) {
      for (const auto& [token, principal] : options_.bearer_tokens) {
        if (SecretEquals(token, value)) return principal;
      }
      return absl::UnauthenticatedError(kUnauthenticatedMessage);
    }
  }
  // Through the gateway, the connection's certificate is the gateway's, not the caller's.
  if (!via_gateway && credentials.certificate_subject.has_value() &&
      !credentials.certificate_subject->empty()) {
    return *credentials.certificate_subject;
  }
  if (!authentication_required()) return std::string(kAnonymousPrincipal);
  return absl::UnauthenticatedError(kUnauthenticatedMessage);
}

absl::StatusOr<Caller> AccessControl::Identify(const std::string& principal) const {
  if (!options_.policy.has_value() || options_.policy->admins.contains(principal)) {
    return Caller{.principal = principal, .admin = true};
  }
  for (const Tenant& tenant : options_.policy->tenants) {
    if (tenant.principals.contains(principal)) {
      return Caller{.principal = principal, .tenant = &tenant};
    }
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "Principal ", principal, " is neither an admin nor a member of a tenant of this worker"));
}

const Tenant* AccessControl::TenantOf(absl::string_view connector) const {
  if (!options_.policy.has_value()) return nullptr;
  const Tenant* best = nullptr;
  for (const Tenant& tenant : options_.policy->tenants) {
    if (absl::StartsWith(connector, tenant.connector_prefix) &&
        (best == nullptr || tenant.connector_prefix.size() > best->connector_prefix.size())) {
      best = &tenant;
    }
  }
  return best;
}

bool AccessControl::Owns(const Caller& caller, absl::string_view connector) const {
  return caller.admin || (caller.tenant != nullptr && TenantOf(connector) == caller.tenant);
}

absl::Status AccessControl::CheckConnector(const Caller& caller,
                                           absl::string_view connector) const {
  if (Owns(caller, connector)) return absl::OkStatus();
  if (caller.tenant == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat("Principal ", caller.principal, " may not access connectors"));
  }
  // The same answer whether or not the connector exists: a tenant learns nothing of others.
  return absl::PermissionDeniedError(absl::StrCat(
      "Principal ", caller.principal, " of tenant ", caller.tenant->name,
      " may not access connector ", connector, ": the tenant's connectors are named ",
      caller.tenant->connector_prefix, "*"));
}

absl::Status AccessControl::CheckAdmin(const Caller& caller, absl::string_view action) const {
  if (action.empty()) action = "do this";
  if (caller.admin) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("Principal ", caller.principal, " may not ", action, ": admins only"));
}

absl::Status AccessControl::CheckQuota(const Caller& caller, absl::string_view connector,
                                       const ConfigMap& config,
                                       const std::map<std::string, ConfigMap>& configs) const {
  const Tenant* tenant = TenantOf(connector);
  if (tenant == nullptr) return absl::OkStatus();
  int64_t connectors = 1;
  int64_t tasks = TasksMax(config);
  for (const auto& [name, existing] : configs) {
    if (name == connector || TenantOf(name) != tenant) continue;
    ++connectors;
    tasks += TasksMax(existing);
  }
  if (tenant->max_connectors.has_value() && connectors > *tenant->max_connectors) {
    return absl::PermissionDeniedError(absl::StrCat(
        "Quota exceeded: tenant ", tenant->name, " may have at most ", *tenant->max_connectors,
        " connectors; connector ", connector, " would be number ", connectors));
  }
  if (tenant->max_tasks.has_value() && tasks > *tenant->max_tasks) {
    return absl::PermissionDeniedError(absl::StrCat(
        "Quota exceeded: tenant ", tenant->name, " may run at most ", *tenant->max_tasks,
        " tasks (the sum of tasks.max over its connectors); with connector ", connector,
        " it would be ", tasks));
  }
  (void)caller;
  return absl::OkStatus();
}

plugins::SandboxLimits AccessControl::SandboxLimitsOf(absl::string_view connector) const {
  const Tenant* tenant = TenantOf(connector);
  return tenant == nullptr ? plugins::SandboxLimits{} : tenant->sandbox;
}

void AccessControl::Audit(const std::string& principal, const Caller* caller,
                          absl::string_view action, absl::string_view connector,
                          const absl::Status& outcome) {
  if (options_.audit_log_path.empty()) return;
  const Tenant* tenant = caller != nullptr ? caller->tenant : nullptr;
  std::string line = absl::StrCat(
      "{\"time\":", Quoted(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                           absl::UTCTimeZone())),
      ",\"principal\":", principal.empty() ? "null" : Quoted(principal),
      ",\"tenant\":", tenant == nullptr ? "null" : Quoted(tenant->name),
      ",\"action\":", Quoted(action),
      ",\"connector\":", connector.empty() ? "null" : Quoted(connector),
      ",\"allowed\":",
      outcome.code() == absl::StatusCode::kPermissionDenied ||
              outcome.code() == absl::StatusCode::kUnauthenticated
          ? "false"
          : "true",
      ",\"outcome\":", Quoted(outcome.ok() ? "OK" : absl::StatusCodeToString(outcome.code())));
  if (!outcome.ok()) absl::StrAppend(&line, ",\"message\":", Quoted(outcome.message()));
  line += "}\n";
  absl::MutexLock lock(&audit_mu_);
  audit_ << line;
  audit_.flush();
}

absl::StatusOr<std::map<std::string, std::string>> ReadCredentialsFile(const std::string& path) {
  absl::StatusOr<ConfigMap> props = formats::ReadPropertiesFile(path);
  if (!props.ok()) return props.status();
  return std::map<std::string, std::string>(props->begin(), props->end());
}

}  // namespace sluice::api
