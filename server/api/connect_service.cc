#include "server/api/connect_service.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "formats/schemaless_json.h"
#include "server/api/status_mapping.h"
#include "server/convert/connect_exception.h"
#include "server/convert/converter.h"
#include "server/convert/header_converter.h"
#include "server/config/config_providers.h"
#include "server/kafka/client_configs.h"
#include "server/transforms/transformation.h"

namespace sluice::api {

namespace v1 = ::sluice::v1;

namespace {

constexpr char kHttpStatusHeader[] = "sluice-http-status";

// Config keys the REST request gave as JSON null: the gateway sends them "" in the map and names
// them in this binary metadata key, one value per key.
std::set<std::string> NullConfigKeys(const grpc::ServerContext* context) {
  std::set<std::string> keys;
  auto range = context->client_metadata().equal_range("sluice-null-config-keys-bin");
  for (auto it = range.first; it != range.second; ++it) {
    keys.emplace(it->second.data(), it->second.size());
  }
  return keys;
}

void ToProto(const herder::ConnectorInfo& info, v1::ConnectorInfo* out) {
  out->set_name(info.name);
  out->mutable_config()->insert(info.config.begin(), info.config.end());
  for (int t : info.tasks) {
    v1::TaskId* id = out->add_tasks();
    id->set_connector(info.name);
    id->set_task(t);
  }
  out->set_type(info.type);
}

void ToProto(const herder::InstanceStatus& s, v1::ConnectorState* out) {
  out->set_state(std::string(herder::StateName(s.state)));
  out->set_worker_id(s.worker_id);
  if (s.trace.has_value() && !s.trace->empty()) out->set_trace(*s.trace);
}

void ToProto(int id, const herder::InstanceStatus& s, v1::TaskState* out) {
  out->set_id(id);
  out->set_state(std::string(herder::StateName(s.state)));
  out->set_worker_id(s.worker_id);
  if (s.trace.has_value() && !s.trace->empty()) out->set_trace(*s.trace);
}

void ToProto(const herder::ConnectorStatus& status, v1::ConnectorStateInfo* out) {
  out->set_name(status.name);
  ToProto(status.connector, out->mutable_connector());
  for (const auto& [id, s] : status.tasks) ToProto(id, s, out->add_tasks());
  out->set_type(status.type);
}

void ToProto(const ConfigKey& key, v1::ConfigKeyInfo* out) {
  out->set_name(key.name);
  out->set_type(std::string(ConfigTypeName(key.type)));
  out->set_required(key.required());
  if (key.default_value.has_value()) out->mutable_default_value()->set_value(*key.default_value);
  out->set_importance(std::string(ConfigImportanceName(key.importance)));
  out->set_documentation(key.documentation);
  if (key.group.has_value()) out->mutable_group()->set_value(*key.group);
  out->set_width(std::string(ConfigWidthName(key.width)));
  out->set_display_name(key.display_name.empty() ? key.name : key.display_name);
  for (const std::string& d : key.dependents) out->add_dependents(d);
  out->set_order(key.order_in_group);
}

}  // namespace

grpc::Status ConnectServiceImpl::GetServerInfo(grpc::ServerContext*,
                                               const v1::GetServerInfoRequest*,
                                               v1::ServerInfo* response) {
  response->set_version(identity_.version);
  response->set_commit(identity_.commit);
  response->set_kafka_cluster_id(identity_.kafka_cluster_id);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::GetHealth(grpc::ServerContext* context,
                                           const v1::GetHealthRequest*,
                                           v1::WorkerHealth* response) {
  if (!ready_) {
    // Kafka Connect answers 503 with the health body (not an error body) while starting.
    context->AddInitialMetadata(kHttpStatusHeader, "503");
    response->set_status("starting");
    response->set_message("Worker is still starting up.");
    return grpc::Status::OK;
  }
  // Reads never wait on plugins, so a worker that answers this is ready for requests.
  herder_->ConnectorNames();
  response->set_status("healthy");
  response->set_message("Worker has completed startup and is ready to handle requests.");
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::ListConnectors(grpc::ServerContext* context,
                                                const v1::ListConnectorsRequest* request,
                                                v1::ListConnectorsResponse* response) {
  std::vector<std::string> names = herder_->ConnectorNames();
  if (request->expand().empty()) {
    for (const std::string& n : names) response->add_names(n);
    return grpc::Status::OK;
  }
  response->set_expand_requested(true);
  bool want_status = std::find(request->expand().begin(), request->expand().end(), "status") !=
                     request->expand().end();
  bool want_info = std::find(request->expand().begin(), request->expand().end(), "info") !=
                   request->expand().end();
  for (const std::string& n : names) {
    v1::ConnectorExpansion expansion;
    if (want_status) {
      absl::StatusOr<herder::ConnectorStatus> status = herder_->GetConnectorStatus(n);
      if (!status.ok()) continue;  // no status yet: left out, as Kafka Connect does
      ToProto(*status, expansion.mutable_status());
    }
    if (want_info) {
      absl::StatusOr<herder::ConnectorInfo> info = herder_->GetConnectorInfo(n);
      if (!info.ok()) continue;  // deleted meanwhile
      info->config = Shown(info->config);
      ToProto(*info, expansion.mutable_info());
    }
    (*response->mutable_expanded())[n] = std::move(expansion);
  }
  (void)context;
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::CreateConnector(grpc::ServerContext* context,
                                                 const v1::CreateConnectorRequest* request,
                                                 v1::ConnectorInfo* response) {
  std::optional<std::string> initial_state;
  if (!request->initial_state().empty()) initial_state = request->initial_state();
  absl::StatusOr<herder::ConnectorInfo> info = herder_->CreateConnector(
      request->name(), ConfigMap(request->config().begin(), request->config().end()),
      initial_state, NullConfigKeys(context));
  if (!info.ok()) return ToGrpcStatus(info.status(), context);
  ToProto(*info, response);
  context->AddInitialMetadata(kHttpStatusHeader, "201");
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::GetConnector(grpc::ServerContext* context,
                                              const v1::GetConnectorRequest* request,
                                              v1::ConnectorInfo* response) {
  absl::StatusOr<herder::ConnectorInfo> info = herder_->GetConnectorInfo(request->name());
  if (!info.ok()) return ToGrpcStatus(info.status(), context);
  info->config = Shown(info->config);
  ToProto(*info, response);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::DeleteConnector(grpc::ServerContext* context,
                                                 const v1::DeleteConnectorRequest* request,
                                                 google::protobuf::Empty*) {
  absl::Status s = herder_->DeleteConnector(request->name());
  if (s.ok()) context->AddInitialMetadata(kHttpStatusHeader, "204");
  return ToGrpcStatus(s, context);
}

ConfigMap ConnectServiceImpl::Shown(ConfigMap config) const {
  if (!worker_->hide_passwords) return config;
  auto cls = config.find("connector.class");
  const plugins::ConnectorPlugin* plugin =
      cls == config.end() ? nullptr : registry_->Find(cls->second);
  auto is_password = [&](const std::string& key) {
    if (plugin != nullptr) {
      for (const ConfigKey& k : plugin->config) {
        if (k.name == key) return k.type == ConfigType::kPassword;
      }
    }
    // A client override: the Java client's type of the key.
    for (const auto& [prefix, type] :
         {std::pair{"producer.override.", kafka::ClientType::kProducer},
          std::pair{"consumer.override.", kafka::ClientType::kConsumer},
          std::pair{"admin.override.", kafka::ClientType::kAdmin}}) {
      if (absl::StartsWith(key, prefix)) {
        const ConfigKey* k = kafka::JavaClientConfigDef(type).Find(key.substr(strlen(prefix)));
        return k != nullptr && k->type == ConfigType::kPassword;
      }
    }
    return false;
  };
  for (auto& [key, value] : config) {
    // A ${provider:path:key} reference is not the secret: it is shown.
    if (is_password(key) && !config::HasConfigVariables(value)) value = "[hidden]";
  }
  return config;
}

grpc::Status ConnectServiceImpl::GetConnectorConfig(grpc::ServerContext* context,
                                                    const v1::GetConnectorConfigRequest* request,
                                                    v1::ConnectorConfig* response) {
  absl::StatusOr<ConfigMap> config = herder_->GetConnectorConfig(request->name());
  if (!config.ok()) return ToGrpcStatus(config.status(), context);
  const ConfigMap shown = Shown(*config);
  response->mutable_config()->insert(shown.begin(), shown.end());
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::PutConnectorConfig(grpc::ServerContext* context,
                                                    const v1::PutConnectorConfigRequest* request,
                                                    v1::ConnectorInfo* response) {
  absl::StatusOr<herder::PutResult> result = herder_->PutConnectorConfig(
      request->name(), ConfigMap(request->config().begin(), request->config().end()),
      NullConfigKeys(context));
  if (!result.ok()) return ToGrpcStatus(result.status(), context);
  ToProto(result->info, response);
  context->AddInitialMetadata(kHttpStatusHeader, result->created ? "201" : "200");
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::PatchConnectorConfig(
    grpc::ServerContext* context, const v1::PatchConnectorConfigRequest* request,
    v1::ConnectorInfo* response) {
  std::map<std::string, std::optional<std::string>> patch;
  for (const auto& [key, value] : request->patch()) {
    patch[key] = value.has_value() ? std::optional<std::string>(value.value()) : std::nullopt;
  }
  absl::StatusOr<herder::ConnectorInfo> info =
      herder_->PatchConnectorConfig(request->name(), patch);
  if (!info.ok()) return ToGrpcStatus(info.status(), context);
  ToProto(*info, response);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::GetConnectorStatus(grpc::ServerContext* context,
                                                    const v1::GetConnectorStatusRequest* request,
                                                    v1::ConnectorStateInfo* response) {
  absl::StatusOr<herder::ConnectorStatus> status = herder_->GetConnectorStatus(request->name());
  if (!status.ok()) return ToGrpcStatus(status.status(), context);
  ToProto(*status, response);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::ListTasks(grpc::ServerContext* context,
                                           const v1::ListTasksRequest* request,
                                           v1::ListTasksResponse* response) {
  absl::StatusOr<std::vector<herder::TaskInfo>> tasks = herder_->GetTasks(request->name());
  if (!tasks.ok()) return ToGrpcStatus(tasks.status(), context);
  for (const herder::TaskInfo& t : *tasks) {
    v1::TaskInfo* info = response->add_tasks();
    info->mutable_id()->set_connector(request->name());
    info->mutable_id()->set_task(t.task);
    info->mutable_config()->insert(t.config.begin(), t.config.end());
  }
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::GetTasksConfig(grpc::ServerContext* context,
                                                const v1::GetTasksConfigRequest* request,
                                                v1::TasksConfig* response) {
  absl::StatusOr<std::vector<herder::TaskInfo>> tasks = herder_->GetTasks(request->name());
  if (!tasks.ok()) return ToGrpcStatus(tasks.status(), context);
  for (const herder::TaskInfo& t : *tasks) {
    v1::TaskConfigMap& config =
        (*response->mutable_tasks())[absl::StrCat(request->name(), "-", t.task)];
    config.mutable_config()->insert(t.config.begin(), t.config.end());
  }
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::GetTaskStatus(grpc::ServerContext* context,
                                               const v1::GetTaskStatusRequest* request,
                                               v1::TaskState* response) {
  absl::StatusOr<herder::InstanceStatus> status =
      herder_->GetTaskStatus(request->name(), request->task());
  if (!status.ok()) return ToGrpcStatus(status.status(), context);
  ToProto(request->task(), *status, response);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::ListConnectorPlugins(
    grpc::ServerContext*, const v1::ListConnectorPluginsRequest* request,
    v1::ListConnectorPluginsResponse* response) {
  // Kafka Connect lists sinks, then sources, each sorted by class name.
  for (plugins::ConnectorType type : {plugins::ConnectorType::kSink,
                                      plugins::ConnectorType::kSource}) {
    for (const plugins::ConnectorPlugin& c : registry_->connectors()) {
      if (c.type != type) continue;
      v1::PluginInfo* info = response->add_plugins();
      info->set_class_(c.class_name);
      info->set_type(std::string(plugins::ConnectorTypeName(c.type)));
      if (!c.version.empty() && c.version != "undefined") info->set_version(c.version);
    }
  }
  if (request->has_connectors_only() && !request->connectors_only()) {
    // Then, as Kafka Connect lists them: transformations, predicates, converters, header
    // converters, each by class name.
    auto add = [&](const std::string& cls, const char* type, const std::string& version) {
      v1::PluginInfo* info = response->add_plugins();
      info->set_class_(cls);
      info->set_type(type);
      if (!version.empty() && version != "undefined") info->set_version(version);
    };
    for (const transforms::TransformationClass& c : transforms::BuiltinTransformations()) {
      add(c.class_name, "transformation", c.version);
    }
    for (const transforms::PredicateClass& c : transforms::BuiltinPredicates()) {
      add(c.class_name, "predicate", c.version);
    }
    for (const convert::ConverterClass& c : convert::BuiltinConverters()) {
      add(c.class_name, "converter", c.version);
    }
    for (const convert::HeaderConverterClass& c : convert::BuiltinHeaderConverters()) {
      add(c.class_name, "header_converter", c.version);
    }
  }
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::GetConnectorPluginConfig(
    grpc::ServerContext* context, const v1::GetConnectorPluginConfigRequest* request,
    v1::PluginConfigDefinitions* response) {
  const plugins::ConnectorPlugin* plugin = registry_->Find(request->plugin());
  if (plugin == nullptr) {
    // Not a connector: a transformation, predicate, converter or header converter, whose own
    // keys are its whole config (Kafka Connect's connectorPluginConfig).
    const ConfigDef* def = nullptr;
    const std::string& name = request->plugin();
    if (const transforms::TransformationClass* t = transforms::FindTransformation(name)) {
      def = &t->config;
    } else if (const transforms::PredicateClass* p = transforms::FindPredicate(name)) {
      def = &p->config;
    }
    for (const convert::ConverterClass& c : convert::BuiltinConverters()) {
      if (def == nullptr && (c.class_name == name || std::find(c.aliases.begin(), c.aliases.end(),
                                                               name) != c.aliases.end())) {
        def = &c.config;
      }
    }
    for (const convert::HeaderConverterClass& c : convert::BuiltinHeaderConverters()) {
      if (def == nullptr && (c.class_name == name || std::find(c.aliases.begin(), c.aliases.end(),
                                                               name) != c.aliases.end())) {
        def = &c.config;
      }
    }
    if (def == nullptr) {
      return ToGrpcStatus(absl::NotFoundError(absl::StrCat("Unknown plugin ", name, ".")),
                          context);
    }
    for (const ConfigKey& key : def->keys()) ToProto(key, response->add_configs());
    return grpc::Status::OK;
  }
  // The plugin's own keys first, then the framework's keys it does not define.
  ConfigDef framework = herder::FrameworkConfigDef(plugin->type);
  for (const ConfigKey& key : plugin->config) ToProto(key, response->add_configs());
  for (const ConfigKey& key : framework.keys()) {
    bool redefined = std::any_of(plugin->config.begin(), plugin->config.end(),
                                 [&](const ConfigKey& k) { return k.name == key.name; });
    if (!redefined) ToProto(key, response->add_configs());
  }
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::ValidateConnectorConfig(
    grpc::ServerContext* context, const v1::ValidateConnectorConfigRequest* request,
    v1::ConfigInfos* response) {
  ConfigMap config(request->config().begin(), request->config().end());
  // The path names the plugin only as a cross-check against the body's connector.class.
  if (auto cls = config.find("connector.class"); cls != config.end()) {
    auto trim = [](absl::string_view s) {
      return absl::EndsWith(s, "Connector") ? s.substr(0, s.size() - 9) : s;
    };
    if (!absl::EndsWith(trim(cls->second), trim(request->plugin()))) {
      return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
                              "Included connector type ", cls->second,
                              " does not match request type ", request->plugin())),
                          context);
    }
  }
  absl::StatusOr<herder::ValidatedConfig> validated = herder::ValidateConnectorConfig(
      *registry_, *worker_, config, NullConfigKeys(context));
  if (!validated.ok()) {
    absl::Status s = validated.status();
    // Kafka Connect validates on an executor: a ConfigException raised there (a client override
    // that does not parse) reaches the answer as its toString, "<class>: <message>".
    if (convert::JavaExceptionClass(s) == convert::kConfigExceptionClass) {
      s = absl::Status(s.code(), convert::JavaExceptionText(s));
    }
    return ToGrpcStatus(s, context);
  }
  response->set_name(config.at("connector.class"));
  response->set_error_count(validated->error_count);
  for (const herder::ValidationEntry& entry : validated->entries) {
    v1::ConfigInfo* info = response->add_configs();
    if (entry.definition.has_value()) ToProto(*entry.definition, info->mutable_definition());
    v1::ConfigValueInfo* value = info->mutable_value();
    const ConfigValueResult& r = entry.value;
    value->set_name(r.name);
    if (r.value.has_value()) value->mutable_value()->set_value(*r.value);
    for (const std::string& v : r.recommended_values) value->add_recommended_values(v);
    for (const std::string& e : r.errors) value->add_errors(e);
    value->set_visible(r.visible);
  }
  for (const std::string& g : validated->groups) response->add_groups(g);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::PauseConnector(grpc::ServerContext* context,
                                                const v1::PauseConnectorRequest* request,
                                                google::protobuf::Empty*) {
  return ToGrpcStatus(herder_->PauseConnector(request->name()), context);
}

grpc::Status ConnectServiceImpl::ResumeConnector(grpc::ServerContext* context,
                                                 const v1::ResumeConnectorRequest* request,
                                                 google::protobuf::Empty*) {
  return ToGrpcStatus(herder_->ResumeConnector(request->name()), context);
}

grpc::Status ConnectServiceImpl::StopConnector(grpc::ServerContext* context,
                                               const v1::StopConnectorRequest* request,
                                               google::protobuf::Empty*) {
  return ToGrpcStatus(herder_->StopConnector(request->name()), context);
}

grpc::Status ConnectServiceImpl::RestartConnector(grpc::ServerContext* context,
                                                  const v1::RestartConnectorRequest* request,
                                                  v1::RestartConnectorResponse* response) {
  absl::StatusOr<herder::RestartResult> result = herder_->RestartConnector(
      request->name(), request->include_tasks(), request->only_failed());
  if (!result.ok()) return ToGrpcStatus(result.status(), context);
  if (result->status.has_value()) ToProto(*result->status, response->mutable_status());
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::GetConnectorTopics(grpc::ServerContext* context,
                                                    const v1::GetConnectorTopicsRequest* request,
                                                    v1::ConnectorTopics* response) {
  if (!tracking_.enabled) {
    return ToGrpcStatus(absl::PermissionDeniedError("Topic tracking is disabled."), context);
  }
  v1::ActiveTopics& topics = (*response->mutable_connectors())[request->name()];
  for (const std::string& t : herder_->GetActiveTopics(request->name())) topics.add_topics(t);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::ResetConnectorTopics(grpc::ServerContext* context,
                                                      const v1::ResetConnectorTopicsRequest* request,
                                                      google::protobuf::Empty*) {
  if (!tracking_.enabled) {
    return ToGrpcStatus(absl::PermissionDeniedError("Topic tracking is disabled."), context);
  }
  if (!tracking_.allow_reset) {
    return ToGrpcStatus(absl::PermissionDeniedError("Topic tracking reset is disabled."), context);
  }
  herder_->ResetActiveTopics(request->name());
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::RestartTask(grpc::ServerContext* context,
                                             const v1::RestartTaskRequest* request,
                                             google::protobuf::Empty*) {
  return ToGrpcStatus(herder_->RestartTask(request->name(), request->task()), context);
}

namespace {

// {"k":v,...} (JSON text of a map with primitive values) -> OffsetMap with each value's JSON.
absl::Status ToOffsetMap(const std::string& json, v1::OffsetMap* out) {
  absl::StatusOr<Value> map = formats::ParseSchemaless(json);
  if (!map.ok()) return map.status();
  if (map->kind() != Value::Kind::kMap) {
    return absl::DataLossError(absl::StrCat("A stored offset is not a JSON object: ", json));
  }
  for (const MapEntry& entry : map->map()) {
    if (entry.key.kind() != Value::Kind::kString) continue;
    (*out->mutable_json_values())[entry.key.string()] = formats::SerializeSchemaless(entry.value);
  }
  return absl::OkStatus();
}

}  // namespace

namespace {

// An OffsetMap of a request as a map Value, keys sorted; InvalidArgument for a value that is not
// a JSON primitive (Kafka Connect allows only those in offsets).
absl::StatusOr<Value> FromOffsetMap(const v1::OffsetMap& map, absl::string_view what) {
  std::vector<std::string> keys;
  for (const auto& [key, json] : map.json_values()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  std::vector<MapEntry> entries;
  for (const std::string& key : keys) {
    absl::StatusOr<Value> value = formats::ParseSchemaless(map.json_values().at(key));
    if (!value.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("The ", what, " value of key '", key, "' is not valid JSON"));
    }
    if (value->kind() == Value::Kind::kMap || value->kind() == Value::Kind::kArray) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Offsets may only contain primitive types as values, but field ", key,
          " in the ", what, " contains ", value->kind() == Value::Kind::kMap ? "a map" : "a list"));
    }
    entries.push_back({Value::String(key), *std::move(value)});
  }
  return Value::Map(std::move(entries));
}

absl::StatusOr<int64_t> SinkNumber(const v1::OffsetMap& map, const std::string& key) {
  absl::StatusOr<Value> v = formats::ParseSchemaless(map.json_values().at(key));
  if (v.ok() && v->is_integer()) return v->integer();
  int64_t n = 0;
  if (v.ok() && v->kind() == Value::Kind::kString && absl::SimpleAtoi(v->string(), &n)) return n;
  // Kafka Connect prints the value as Java's toString: a string without its quotes.
  const std::string shown = v.ok() && v->kind() == Value::Kind::kString ? v->string()
                                                                        : map.json_values().at(key);
  return absl::InvalidArgumentError(
      absl::StrCat("Failed to parse the following Kafka ", key == "kafka_offset" ? "offset" : "partition",
                   " value in the provided offsets: '", shown, "'"));
}

}  // namespace

grpc::Status ConnectServiceImpl::AlterConnectorOffsets(
    grpc::ServerContext* context, const v1::AlterConnectorOffsetsRequest* request,
    v1::OffsetsMessage* response) {
  absl::StatusOr<std::string> type = herder_->ConnectorType(request->name());
  if (!type.ok()) return ToGrpcStatus(type.status(), context);
  const auto& entries = request->offsets().offsets();
  if (entries.empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError(
                            "Partitions / offsets need to be provided for an alter offsets request"),
                        context);
  }
  absl::StatusOr<std::string> message;
  if (*type == "sink") {
    SinkOffsetChanges offsets;
    for (const v1::ConnectorOffset& e : entries) {
      const auto& p = e.partition().json_values();
      if (!p.contains("kafka_topic") || !p.contains("kafka_partition")) {
        return ToGrpcStatus(absl::InvalidArgumentError(
                                "The partition for a sink connector offset must contain the keys "
                                "'kafka_topic' and 'kafka_partition'"),
                            context);
      }
      absl::StatusOr<Value> topic = formats::ParseSchemaless(p.at("kafka_topic"));
      absl::StatusOr<int64_t> partition = SinkNumber(e.partition(), "kafka_partition");
      if (!partition.ok()) return ToGrpcStatus(partition.status(), context);
      std::optional<int64_t> offset;  // null: the partition's committed offset is deleted
      if (e.has_offset()) {
        if (!e.offset().json_values().contains("kafka_offset")) {
          return ToGrpcStatus(absl::InvalidArgumentError(
                                  "The offset for a sink connector should either be null or "
                                  "contain the key 'kafka_offset'"),
                              context);
        }
        absl::StatusOr<int64_t> o = SinkNumber(e.offset(), "kafka_offset");
        if (!o.ok()) return ToGrpcStatus(o.status(), context);
        offset = *o;
      }
      TopicPartition tp{topic.ok() && topic->kind() == Value::Kind::kString ? topic->string()
                                                                            : p.at("kafka_topic"),
                        static_cast<int32_t>(*partition)};
      offsets[tp] = offset;
    }
    message = herder_->ModifySinkOffsets(request->name(), offsets, /*reset_all=*/false);
  } else {
    std::vector<std::pair<Value, std::optional<Value>>> offsets;
    for (const v1::ConnectorOffset& e : entries) {
      absl::StatusOr<Value> partition = FromOffsetMap(e.partition(), "partition");
      if (!partition.ok()) return ToGrpcStatus(partition.status(), context);
      std::optional<Value> offset;
      if (e.has_offset()) {
        absl::StatusOr<Value> o = FromOffsetMap(e.offset(), "offset");
        if (!o.ok()) return ToGrpcStatus(o.status(), context);
        offset = *std::move(o);
      }
      offsets.emplace_back(*std::move(partition), std::move(offset));
    }
    message = herder_->AlterSourceOffsets(request->name(), offsets, /*reset_all=*/false);
  }
  if (!message.ok()) return ToGrpcStatus(message.status(), context);
  response->set_message(*message);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::ResetConnectorOffsets(
    grpc::ServerContext* context, const v1::ResetConnectorOffsetsRequest* request,
    v1::OffsetsMessage* response) {
  absl::StatusOr<std::string> type = herder_->ConnectorType(request->name());
  if (!type.ok()) return ToGrpcStatus(type.status(), context);
  absl::StatusOr<std::string> message =
      *type == "sink" ? herder_->ModifySinkOffsets(request->name(), {}, /*reset_all=*/true)
                      : herder_->AlterSourceOffsets(request->name(), {}, /*reset_all=*/true);
  if (!message.ok()) return ToGrpcStatus(message.status(), context);
  response->set_message(*message);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::GetConnectorOffsets(grpc::ServerContext* context,
                                                     const v1::GetConnectorOffsetsRequest* request,
                                                     v1::ConnectorOffsets* response) {
  absl::StatusOr<std::string> type = herder_->ConnectorType(request->name());
  if (!type.ok()) return ToGrpcStatus(type.status(), context);
  if (*type == "sink") {
    absl::StatusOr<std::vector<kafka::CommittedOffset>> offsets =
        herder_->GetSinkOffsets(request->name());
    if (!offsets.ok()) return ToGrpcStatus(offsets.status(), context);
    for (const kafka::CommittedOffset& o : *offsets) {
      v1::ConnectorOffset* entry = response->add_offsets();
      auto& partition = *entry->mutable_partition()->mutable_json_values();
      partition["kafka_topic"] = formats::SerializeSchemaless(Value::String(o.topic));
      partition["kafka_partition"] = absl::StrCat(o.partition);
      (*entry->mutable_offset()->mutable_json_values())["kafka_offset"] = absl::StrCat(o.offset);
    }
    return grpc::Status::OK;
  }
  absl::StatusOr<std::vector<herder::PartitionOffsetJson>> offsets =
      herder_->GetSourceOffsets(request->name());
  if (!offsets.ok()) return ToGrpcStatus(offsets.status(), context);
  for (const auto& o : *offsets) {
    v1::ConnectorOffset* entry = response->add_offsets();
    if (absl::Status s = ToOffsetMap(o.partition, entry->mutable_partition()); !s.ok()) {
      return ToGrpcStatus(s, context);
    }
    if (absl::Status s = ToOffsetMap(o.offset, entry->mutable_offset()); !s.ok()) {
      return ToGrpcStatus(s, context);
    }
  }
  return grpc::Status::OK;
}

}  // namespace sluice::api
