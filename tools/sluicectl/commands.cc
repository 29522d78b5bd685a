#include "tools/sluicectl/commands.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "formats/properties.h"
#include "formats/schemaless_json.h"
#include "sluice/sdk/data.h"
#include "tools/sluicectl/table.h"

namespace sluice::sluicectl {

namespace v1 = ::sluice::v1;
using Stub = v1::ConnectService::StubInterface;

namespace {

constexpr absl::string_view kUsagePayloadUrl = "type.sluice.dev/sluicectl.usage";

// ---- reading files ---------------------------------------------------------------------------

struct Definition {
  std::string name;
  std::map<std::string, std::string> config;
  std::optional<std::string> initial_state;
};

// Reads a connector file (.properties, or .json as a flat map or a create request).
// `name_override`, when set, replaces the file's name.
absl::StatusOr<Definition> ReadDefinition(const std::string& path,
                                          const std::optional<std::string>& name_override) {
  absl::StatusOr<formats::ConnectorFile> file = formats::ReadConnectorFile(path);
  if (!file.ok()) return file.status();
  Definition def;
  def.name = std::move(file->name);
  def.config = std::move(file->config);
  def.initial_state = std::move(file->initial_state);
  if (name_override.has_value()) def.name = *name_override;
  return def;
}

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("Could not read file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One partition or offset map of an alter request: every value kept as its JSON text.
absl::Status ToOffsetMap(const Value& value, absl::string_view what, const std::string& path,
                         v1::OffsetMap* out) {
  if (value.kind() != Value::Kind::kMap) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": each ", what, " must be a JSON object"));
  }
  for (const MapEntry& entry : value.map()) {
    if (entry.key.kind() != Value::Kind::kString) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", what, " keys must be strings"));
    }
    (*out->mutable_json_values())[entry.key.string()] = formats::SerializeSchemaless(entry.value);
  }
  return absl::OkStatus();
}

// Reads Kafka Connect's offsets body: {"offsets":[{"partition":{...},"offset":{...}|null}]}.
absl::StatusOr<v1::ConnectorOffsets> ReadOffsetsFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<Value> root = formats::ParseSchemaless(*text);
  if (!root.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not valid JSON: ", root.status().message()));
  }
  const Value* offsets = root->kind() == Value::Kind::kMap ? root->Find("offsets") : nullptr;
  if (offsets == nullptr || offsets->kind() != Value::Kind::kArray) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " must hold {\"offsets\": [{\"partition\": {...}, \"offset\": {...}}, ...]}"));
  }
  v1::ConnectorOffsets result;
  for (const Value& item : offsets->array()) {
    const Value* partition = item.kind() == Value::Kind::kMap ? item.Find("partition") : nullptr;
    if (partition == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": every entry needs a \"partition\""));
    }
    v1::ConnectorOffset* entry = result.add_offsets();
    if (absl::Status s = ToOffsetMap(*partition, "partition", path, entry->mutable_partition());
        !s.ok()) {
      return s;
    }
    const Value* offset = item.Find("offset");
    if (offset != nullptr && !offset->is_null()) {
      if (absl::Status s = ToOffsetMap(*offset, "offset", path, entry->mutable_offset()); !s.ok()) {
        return s;
      }
    }
  }
  return result;
}

// ---- printing --------------------------------------------------------------------------------

// An OffsetMap as one compact JSON object, keys sorted.
std::string OffsetMapJson(const v1::OffsetMap& map) {
  std::map<std::string, std::string> sorted(map.json_values().begin(), map.json_values().end());
  std::vector<std::string> parts;
  for (const auto& [key, json] : sorted) {
    parts.push_back(absl::StrCat(formats::SerializeSchemaless(Value::String(key)), ":", json));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string TaskStates(const v1::ConnectorStateInfo& status) {
  std::vector<std::string> parts;
  for (const v1::TaskState& t : status.tasks()) {
    parts.push_back(absl::StrCat(t.id(), ":", t.state()));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, " ");
}

void PrintTraces(const v1::ConnectorStateInfo& status, std::ostream& out) {
  if (status.connector().has_trace()) {
    out << "\nConnector trace:\n" << Indent(status.connector().trace(), "  ");
  }
  for (const v1::TaskState& t : status.tasks()) {
    if (t.has_trace()) out << "\nTask " << t.id() << " trace:\n" << Indent(t.trace(), "  ");
  }
}

void PrintStatus(const v1::ConnectorStateInfo& status, std::ostream& out) {
  Table connector({"CONNECTOR", "TYPE", "STATE", "WORKER ID"});
  connector.AddRow({status.name(), OrDash(status.type()), status.connector().state(),
                    OrDash(status.connector().worker_id())});
  out << connector.Render() << "\n";
  Table tasks({"TASK", "STATE", "WORKER ID"});
  for (const v1::TaskState& t : status.tasks()) {
    tasks.AddRow({absl::StrCat(t.id()), t.state(), OrDash(t.worker_id())});
  }
  if (tasks.empty()) {
    out << "No tasks.\n";
  } else {
    out << tasks.Render();
  }
  PrintTraces(status, out);
}

void PrintConfig(const google::protobuf::Map<std::string, std::string>& config, std::ostream& out) {
  std::map<std::string, std::string> sorted(config.begin(), config.end());
  Table table({"KEY", "VALUE"});
  for (const auto& [key, value] : sorted) table.AddRow({key, value});
  out << Indent(table.Render(), "  ");
}

template <typename Request, typename Response>
absl::StatusOr<Response> Call(Session& session, ConnectClient::Method<Request, Response> method,
                              const Request& request) {
  return session.client().Call(method, request);
}

// Prints `response` as JSON, or runs `table` to print it for people.
template <typename Response, typename TablePrinter>
absl::Status Print(Session& session, const Response& response, TablePrinter table) {
  if (session.json()) return session.PrintJson(response);
  table(response, session.out());
  return absl::OkStatus();
}

// ---- commands --------------------------------------------------------------------------------

absl::Status List(const Invocation& inv, Session& session) {
  v1::ListConnectorsRequest request;
  bool wide = session.format() == OutputFormat::kWide;
  if (wide) request.add_expand("status");
  absl::StatusOr<v1::ListConnectorsResponse> response =
      Call(session, &Stub::ListConnectors, request);
  if (!response.ok()) return response.status();
  return Print(session, *response, [wide](const v1::ListConnectorsResponse& r, std::ostream& out) {
    if (!wide) {
      std::vector<std::string> names(r.names().begin(), r.names().end());
      std::sort(names.begin(), names.end());
      for (const std::string& name : names) out << name << "\n";
      return;
    }
    std::map<std::string, v1::ConnectorExpansion> sorted(r.expanded().begin(), r.expanded().end());
    Table table({"NAME", "TYPE", "STATE", "TASKS", "WORKER ID"});
    for (const auto& [name, e] : sorted) {
      table.AddRow({name, OrDash(e.status().type()), OrDash(e.status().connector().state()),
                    TaskStates(e.status()), OrDash(e.status().connector().worker_id())});
    }
    out << table.Render();
  });
}

absl::Status Describe(const Invocation& inv, Session& session) {
  v1::GetConnectorRequest info_request;
  info_request.set_name(inv.args[0]);
  absl::StatusOr<v1::ConnectorInfo> info = Call(session, &Stub::GetConnector, info_request);
  if (!info.ok()) return info.status();
  v1::GetConnectorStatusRequest status_request;
  status_request.set_name(inv.args[0]);
  absl::StatusOr<v1::ConnectorStateInfo> status =
      Call(session, &Stub::GetConnectorStatus, status_request);
  if (!status.ok()) return status.status();

  v1::ConnectorExpansion both;  // {"status": ..., "info": ...}, as GET /connectors?expand= gives
  *both.mutable_info() = *info;
  *both.mutable_status() = *status;
  return Print(session, both, [](const v1::ConnectorExpansion& e, std::ostream& out) {
    const v1::ConnectorStateInfo& s = e.status();
    out << RenderFields({{"Name", e.info().name()},
                         {"Type", OrDash(e.info().type())},
                         {"State", s.connector().state()},
                         {"Worker ID", OrDash(s.connector().worker_id())}});
    out << "Config:\n";
    PrintConfig(e.info().config(), out);
    out << "Tasks:\n";
    Table tasks({"TASK", "STATE", "WORKER ID"});
    for (const v1::TaskState& t : s.tasks()) {
      tasks.AddRow({absl::StrCat(t.id()), t.state(), OrDash(t.worker_id())});
    }
    out << (tasks.empty() ? "  none\n" : Indent(tasks.Render(), "  "));
    PrintTraces(s, out);
  });
}

absl::Status Create(const Invocation& inv, Session& session) {
  absl::StatusOr<Definition> def = ReadDefinition(inv.args[0], inv.Flag("name"));
  if (!def.ok()) return def.status();
  if (def->name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        inv.args[0], " does not give the connector a name: add name=... or pass --name"));
  }
  v1::CreateConnectorRequest request;
  request.set_name(def->name);
  request.mutable_config()->insert(def->config.begin(), def->config.end());
  if (def->initial_state.has_value()) request.set_initial_state(*def->initial_state);
  absl::StatusOr<v1::ConnectorInfo> info = Call(session, &Stub::CreateConnector, request);
  if (!info.ok()) return info.status();
  return Print(session, *info, [](const v1::ConnectorInfo& i, std::ostream& out) {
    out << "Created connector " << i.name() << " (" << OrDash(i.type()) << ")\n";
  });
}

absl::Status Update(const Invocation& inv, Session& session) {
  absl::StatusOr<Definition> def = ReadDefinition(inv.args[1], std::nullopt);
  if (!def.ok()) return def.status();
  v1::PutConnectorConfigRequest request;
  request.set_name(inv.args[0]);
  request.mutable_config()->insert(def->config.begin(), def->config.end());
  absl::StatusOr<v1::ConnectorInfo> info = Call(session, &Stub::PutConnectorConfig, request);
  if (!info.ok()) return info.status();
  return Print(session, *info, [](const v1::ConnectorInfo& i, std::ostream& out) {
    out << "Updated the config of connector " << i.name() << "\n";
  });
}

absl::Status Delete(const Invocation& inv, Session& session) {
  v1::DeleteConnectorRequest request;
  request.set_name(inv.args[0]);
  absl::StatusOr<google::protobuf::Empty> done = Call(session, &Stub::DeleteConnector, request);
  if (!done.ok()) return done.status();
  return Print(session, *done, [&inv](const google::protobuf::Empty&, std::ostream& out) {
    out << "Deleted connector " << inv.args[0] << "\n";
  });
}

absl::Status Status(const Invocation& inv, Session& session) {
  v1::GetConnectorStatusRequest request;
  request.set_name(inv.args[0]);
  absl::StatusOr<v1::ConnectorStateInfo> status =
      Call(session, &Stub::GetConnectorStatus, request);
  if (!status.ok()) return status.status();
  return Print(session, *status, PrintStatus);
}

// pause, resume and stop: a name in, Empty out.
template <typename Request>
absl::Status StateChange(const Invocation& inv, Session& session,
                         ConnectClient::Method<Request, google::protobuf::Empty> method,
                         absl::string_view done_text) {
  Request request;
  request.set_name(inv.args[0]);
  absl::StatusOr<google::protobuf::Empty> done = Call(session, method, request);
  if (!done.ok()) return done.status();
  return Print(session, *done, [&](const google::protobuf::Empty&, std::ostream& out) {
    out << done_text << " connector " << inv.args[0] << "\n";
  });
}

absl::Status Pause(const Invocation& inv, Session& session) {
  return StateChange<v1::PauseConnectorRequest>(inv, session, &Stub::PauseConnector,
                                                "Requested a pause of");
}

absl::Status Resume(const Invocation& inv, Session& session) {
  return StateChange<v1::ResumeConnectorRequest>(inv, session, &Stub::ResumeConnector,
                                                 "Requested a resume of");
}

absl::Status Stop(const Invocation& inv, Session& session) {
  return StateChange<v1::StopConnectorRequest>(inv, session, &Stub::StopConnector, "Stopped");
}

absl::Status Restart(const Invocation& inv, Session& session) {
  v1::RestartConnectorRequest request;
  request.set_name(inv.args[0]);
  request.set_include_tasks(inv.Has("include-tasks"));
  request.set_only_failed(inv.Has("only-failed"));
  absl::StatusOr<v1::RestartConnectorResponse> response =
      Call(session, &Stub::RestartConnector, request);
  if (!response.ok()) return response.status();
  auto table = [&inv](const v1::RestartConnectorResponse& r, std::ostream& out) {
    if (r.has_status()) {
      PrintStatus(r.status(), out);
    } else {
      out << "Restarted connector " << inv.args[0] << "\n";
    }
  };
  return Print(session, *response, table);
}

absl::Status RestartTask(const Invocation& inv, Session& session) {
  int32_t task = 0;
  if (!absl::SimpleAtoi(inv.args[1], &task) || task < 0) {
    return UsageStatus(absl::StrCat("TASK must be a task number (0, 1, ...), not \"",
                                    inv.args[1], "\""));
  }
  v1::RestartTaskRequest request;
  request.set_name(inv.args[0]);
  request.set_task(task);
  absl::StatusOr<google::protobuf::Empty> done = Call(session, &Stub::RestartTask, request);
  if (!done.ok()) return done.status();
  return Print(session, *done, [&](const google::protobuf::Empty&, std::ostream& out) {
    out << "Restarted task " << task << " of connector " << inv.args[0] << "\n";
  });
}

void PrintOffsetsMessage(const v1::OffsetsMessage& m, std::ostream& out) {
  out << m.message() << "\n";
}

absl::Status OffsetsGet(const Invocation& inv, Session& session) {
  v1::GetConnectorOffsetsRequest request;
  request.set_name(inv.args[0]);
  absl::StatusOr<v1::ConnectorOffsets> offsets =
      Call(session, &Stub::GetConnectorOffsets, request);
  if (!offsets.ok()) return offsets.status();
  return Print(session, *offsets, [](const v1::ConnectorOffsets& o, std::ostream& out) {
    if (o.offsets().empty()) {
      out << "No offsets.\n";
      return;
    }
    Table table({"PARTITION", "OFFSET"});
    for (const v1::ConnectorOffset& entry : o.offsets()) {
      table.AddRow({OffsetMapJson(entry.partition()),
                    entry.has_offset() ? OffsetMapJson(entry.offset()) : "null"});
    }
    out << table.Render();
  });
}

absl::Status OffsetsReset(const Invocation& inv, Session& session) {
  v1::ResetConnectorOffsetsRequest request;
  request.set_name(inv.args[0]);
  absl::StatusOr<v1::OffsetsMessage> message =
      Call(session, &Stub::ResetConnectorOffsets, request);
  if (!message.ok()) return message.status();
  return Print(session, *message, PrintOffsetsMessage);
}

absl::Status OffsetsAlter(const Invocation& inv, Session& session) {
  absl::StatusOr<v1::ConnectorOffsets> offsets = ReadOffsetsFile(inv.args[1]);
  if (!offsets.ok()) return offsets.status();
  v1::AlterConnectorOffsetsRequest request;
  request.set_name(inv.args[0]);
  *request.mutable_offsets() = *std::move(offsets);
  absl::StatusOr<v1::OffsetsMessage> message =
      Call(session, &Stub::AlterConnectorOffsets, request);
  if (!message.ok()) return message.status();
  return Print(session, *message, PrintOffsetsMessage);
}

absl::Status Plugins(const Invocation& inv, Session& session) {
  v1::ListConnectorPluginsRequest request;
  request.set_connectors_only(!inv.Has("all"));
  absl::StatusOr<v1::ListConnectorPluginsResponse> plugins =
      Call(session, &Stub::ListConnectorPlugins, request);
  if (!plugins.ok()) return plugins.status();
  return Print(session, *plugins, [](const v1::ListConnectorPluginsResponse& r, std::ostream& out) {
    Table table({"CLASS", "TYPE", "VERSION"});
    for (const v1::PluginInfo& p : r.plugins()) {
      table.AddRow({p.class_(), p.type(), p.has_version() ? p.version() : "-"});
    }
    out << table.Render();
  });
}

absl::Status Validate(const Invocation& inv, Session& session) {
  absl::StatusOr<Definition> def = ReadDefinition(inv.args[0], std::nullopt);
  if (!def.ok()) return def.status();
  v1::ValidateConnectorConfigRequest request;
  if (auto it = def->config.find("connector.class"); it != def->config.end()) {
    request.set_plugin(it->second);
  }
  request.mutable_config()->insert(def->config.begin(), def->config.end());
  absl::StatusOr<v1::ConfigInfos> infos = Call(session, &Stub::ValidateConnectorConfig, request);
  if (!infos.ok()) return infos.status();
  absl::Status printed = Print(session, *infos, [](const v1::ConfigInfos& r, std::ostream& out) {
    if (r.error_count() == 0) {
      out << "Configuration of " << r.name() << " is valid (" << r.configs_size()
          << " keys checked)\n";
      return;
    }
    Table table({"KEY", "VALUE", "ERROR"});
    for (const v1::ConfigInfo& c : r.configs()) {
      for (const std::string& error : c.value().errors()) {
        table.AddRow({c.value().name(), c.value().has_value() ? c.value().value().value() : "-",
                      error});
      }
    }
    out << table.Render();
  });
  if (!printed.ok()) return printed;
  if (infos->error_count() > 0) {
    return absl::InvalidArgumentError(absl::StrCat("the configuration of ", infos->name(),
                                                   " has ", infos->error_count(), " error(s)"));
  }
  return absl::OkStatus();
}

std::string LastModified(const v1::LoggerLevel& level) {
  if (!level.has_last_modified()) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(level.last_modified()),
                          absl::UTCTimeZone());
}

absl::Status Loggers(const Invocation& inv, Session& session) {
  if (!inv.args.empty()) {
    v1::GetLoggerRequest request;
    request.set_logger(inv.args[0]);
    absl::StatusOr<v1::LoggerLevel> level = Call(session, &Stub::GetLogger, request);
    if (!level.ok()) return level.status();
    return Print(session, *level, [&inv](const v1::LoggerLevel& l, std::ostream& out) {
      Table table({"LOGGER", "LEVEL", "LAST MODIFIED"});
      table.AddRow({inv.args[0], l.level(), LastModified(l)});
      out << table.Render();
    });
  }
  absl::StatusOr<v1::ListLoggersResponse> loggers =
      Call(session, &Stub::ListLoggers, v1::ListLoggersRequest());
  if (!loggers.ok()) return loggers.status();
  return Print(session, *loggers, [](const v1::ListLoggersResponse& r, std::ostream& out) {
    std::map<std::string, v1::LoggerLevel> sorted(r.loggers().begin(), r.loggers().end());
    Table table({"LOGGER", "LEVEL", "LAST MODIFIED"});
    for (const auto& [name, level] : sorted) {
      table.AddRow({name, level.level(), LastModified(level)});
    }
    out << table.Render();
  });
}

absl::Status LoggersSet(const Invocation& inv, Session& session) {
  v1::SetLoggerLevelRequest request;
  request.set_logger(inv.args[0]);
  request.mutable_body()->set_level(inv.args[1]);
  if (std::optional<std::string> scope = inv.Flag("scope")) request.set_scope(*scope);
  absl::StatusOr<v1::SetLoggerLevelResponse> changed =
      Call(session, &Stub::SetLoggerLevel, request);
  if (!changed.ok()) return changed.status();
  return Print(session, *changed, [&inv](const v1::SetLoggerLevelResponse& r, std::ostream& out) {
    if (r.loggers().empty()) {
      out << "Requested level " << inv.args[1] << " for " << inv.args[0] << "\n";
      return;
    }
    out << "Set level " << inv.args[1] << " on:\n";
    for (const std::string& name : r.loggers()) out << "  " << name << "\n";
  });
}

absl::Status Version(const Invocation& inv, Session& session) {
  absl::StatusOr<v1::ServerInfo> info =
      Call(session, &Stub::GetServerInfo, v1::GetServerInfoRequest());
  if (!info.ok()) return info.status();
  return Print(session, *info, [](const v1::ServerInfo& i, std::ostream& out) {
    out << RenderFields({{"Client version", SLUICECTL_VERSION},
                         {"Server version", i.version()},
                         {"Server commit", OrDash(i.commit())},
                         {"Kafka cluster ID", OrDash(i.kafka_cluster_id())}});
  });
}

}  // namespace

absl::Status Session::PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  if (auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
      !status.ok()) {
    return absl::InternalError(absl::StrCat("Cannot print the response as JSON: ",
                                            status.ToString()));
  }
  out_ << json;
  if (json.empty() || json.back() != '\n') out_ << "\n";
  return absl::OkStatus();
}

absl::Status UsageStatus(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayloadUrl, absl::Cord("usage"));
  return status;
}

bool IsUsageStatus(const absl::Status& status) {
  return status.GetPayload(kUsagePayloadUrl).has_value();
}

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec>* const kCommands = new std::vector<CommandSpec>{
      {.name = "list",
       .summary = "List the connectors (-o wide: with the states of connector and tasks)",
       .details = "Prints one name per line; -o wide prints a table with type, state, task\n"
                  "states (TASK:STATE) and worker; -o json prints ListConnectorsResponse.",
       .run = List},
      {.name = "describe",
       .args = "NAME",
       .summary = "Show a connector's config, state and tasks",
       .details = "-o json prints {\"status\": ConnectorStateInfo, \"info\": ConnectorInfo}.",
       .min_args = 1, .max_args = 1, .run = Describe},
      {.name = "create",
       .args = "FILE",
       .summary = "Create a connector from a .properties or .json file",
       .details = "FILE is a Java .properties file (the name from --name or name=...), or a\n"
                  ".json file holding either a flat config map with \"name\" or\n"
                  "{\"name\": ..., \"config\": {...}, \"initial_state\": \"PAUSED\"}.",
       .flags = {{.name = "name", .value_name = "NAME",
                  .help = "the connector's name (overrides the file's)"}},
       .min_args = 1, .max_args = 1, .run = Create},
      {.name = "update",
       .args = "NAME FILE",
       .summary = "Replace a connector's config (or create it) from a file",
       .min_args = 2, .max_args = 2, .run = Update},
      {.name = "delete",
       .args = "NAME",
       .summary = "Delete a connector",
       .min_args = 1, .max_args = 1, .run = Delete},
      {.name = "status",
       .args = "NAME",
       .summary = "Show the state of a connector and its tasks",
       .min_args = 1, .max_args = 1, .run = Status},
      {.name = "pause",
       .args = "NAME",
       .summary = "Pause a connector and its tasks",
       .min_args = 1, .max_args = 1, .run = Pause},
      {.name = "resume",
       .args = "NAME",
       .summary = "Resume a paused or stopped connector",
       .min_args = 1, .max_args = 1, .run = Resume},
      {.name = "stop",
       .args = "NAME",
       .summary = "Stop a connector (its tasks are shut down; offsets may then be changed)",
       .min_args = 1, .max_args = 1, .run = Stop},
      {.name = "restart",
       .args = "NAME",
       .summary = "Restart a connector (and, with --include-tasks, its tasks)",
       .flags = {{.name = "include-tasks", .help = "restart the tasks too"},
                 {.name = "only-failed", .help = "restart only the instances that FAILED"}},
       .min_args = 1, .max_args = 1, .run = Restart},
      {.name = "restart-task",
       .args = "NAME TASK",
       .summary = "Restart one task of a connector",
       .min_args = 2, .max_args = 2, .run = RestartTask},
      {.name = "offsets get",
       .args = "NAME",
       .summary = "Show a connector's offsets",
       .min_args = 1, .max_args = 1, .run = OffsetsGet},
      {.name = "offsets reset",
       .args = "NAME",
       .summary = "Reset a stopped connector's offsets",
       .min_args = 1, .max_args = 1, .run = OffsetsReset},
      {.name = "offsets alter",
       .args = "NAME FILE.json",
       .summary = "Alter a stopped connector's offsets",
       .details = "FILE.json holds Kafka Connect's body, e.g.\n"
                  "{\"offsets\": [{\"partition\": {\"filename\": \"/data/in.txt\"},\n"
                  "               \"offset\": {\"position\": 30}}]}\n"
                  "An offset of null resets that partition.",
       .min_args = 2, .max_args = 2, .run = OffsetsAlter},
      {.name = "plugins",
       .summary = "List the installed connector plugins",
       .flags = {{.name = "all", .help = "also converters, transformations and predicates"}},
       .run = Plugins},
      {.name = "validate",
       .args = "FILE",
       .summary = "Validate a connector config; exit code 1 when it has errors",
       .details = "FILE as for create; the plugin is the config's connector.class.",
       .min_args = 1, .max_args = 1, .run = Validate},
      {.name = "loggers",
       .args = "[NAME]",
       .summary = "Show the log levels (of every logger, or of NAME)",
       .max_args = 1, .run = Loggers},
      {.name = "loggers set",
       .args = "NAME LEVEL",
       .summary = "Set a logger's level (e.g. DEBUG, INFO, WARN)",
       .flags = {{.name = "scope", .value_name = "SCOPE",
                  .help = "worker (default: this worker) or cluster (every worker)"}},
       .min_args = 2, .max_args = 2, .run = LoggersSet},
      {.name = "version",
       .summary = "Show the versions of sluicectl and of the server",
       .run = Version},
  };
  return *kCommands;
}

}  // namespace sluice::sluicectl
