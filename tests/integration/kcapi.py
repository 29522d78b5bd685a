"""One Kafka Connect API client, two transports: REST through sluice-gateway (`RestApi`) and gRPC
straight to sluiced (`GrpcApi`).

Both expose one method per Kafka Connect operation and answer a `Reply` in Kafka Connect's terms:
the HTTP status, the JSON body as a Python value, the error message. So a test is written once
and runs over both transports:

    reply = api.get_connector("nope")
    assert reply.status == 404
    assert reply.body == {"error_code": 404, "message": "Connector nope not found"}

For gRPC the HTTP status is the one sluice-gateway would answer: the "sluice-http-status"
metadata sluiced sends when it chooses one, else the status for the gRPC code
(server/api/status_mapping.cc) or the endpoint's success status (gateway/internal/kcrest
SuccessHTTPStatus). The body is the typed response turned into the REST shape the gateway
renders (protojson with proto names and unpopulated fields, plus the few reshaped messages of
gateway/internal/kcrest/render.go). A gRPC error becomes {"error_code": status, "message":
details}, the body the gateway writes.
"""

import dataclasses
import importlib
import json
import pathlib
import subprocess
import sys
from typing import Any, Optional
from urllib.parse import quote

import requests


@dataclasses.dataclass
class Reply:
    status: int
    body: Any  # the JSON body as a Python value; None when there is no body
    headers: Optional[dict] = None  # REST only

    @property
    def message(self):
        """The error message (or the `message` of an offsets answer); None when there is none."""
        if isinstance(self.body, dict) and isinstance(self.body.get("message"), str):
            return self.body["message"]
        return None


class NotExpressible(Exception):
    """A request that this transport cannot express (e.g. a JSON number as a config value over
    gRPC, whose config maps hold strings)."""


# ---- REST --------------------------------------------------------------------------------------


class RestApi:
    transport = "rest"

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def raw(self, method, path, *, json_body=None, data=None, params=None, headers=None):
        """Any request; `path` is used as given (already escaped)."""
        kw = {"params": params, "headers": headers, "timeout": 60}
        if json_body is not None:
            kw["json"] = json_body
        elif data is not None:
            kw["data"] = data
        r = self.session.request(method, self.base_url + path, **kw)
        body = None
        if r.content:
            try:
                body = r.json()
            except ValueError:
                body = r.text
        return Reply(status=r.status_code, body=body, headers=dict(r.headers))

    @staticmethod
    def _c(name):
        return "/connectors/" + quote(str(name), safe="")

    def server_info(self):
        return self.raw("GET", "/")

    def health(self):
        return self.raw("GET", "/health")

    def list_connectors(self, expand=()):
        return self.raw("GET", "/connectors", params=[("expand", e) for e in expand] or None)

    def create_connector(self, body):
        return self.raw("POST", "/connectors", json_body=body)

    def get_connector(self, n):
        return self.raw("GET", self._c(n))

    def get_config(self, n):
        return self.raw("GET", self._c(n) + "/config")

    def put_config(self, n, cfg):
        return self.raw("PUT", self._c(n) + "/config", json_body=cfg)

    def patch_config(self, n, patch):
        return self.raw("PATCH", self._c(n) + "/config", json_body=patch)

    def delete_connector(self, n):
        return self.raw("DELETE", self._c(n))

    def status(self, n):
        return self.raw("GET", self._c(n) + "/status")

    def restart(self, n, include_tasks=None, only_failed=None):
        params = {}
        if include_tasks is not None:
            params["includeTasks"] = str(include_tasks).lower()
        if only_failed is not None:
            params["onlyFailed"] = str(only_failed).lower()
        return self.raw("POST", self._c(n) + "/restart", params=params or None)

    def pause(self, n):
        return self.raw("PUT", self._c(n) + "/pause")

    def resume(self, n):
        return self.raw("PUT", self._c(n) + "/resume")

    def stop(self, n):
        return self.raw("PUT", self._c(n) + "/stop")

    def tasks(self, n):
        return self.raw("GET", self._c(n) + "/tasks")

    def tasks_config(self, n):
        return self.raw("GET", self._c(n) + "/tasks-config")

    def task_status(self, n, t):
        return self.raw("GET", f"{self._c(n)}/tasks/{t}/status")

    def restart_task(self, n, t):
        return self.raw("POST", f"{self._c(n)}/tasks/{t}/restart")

    def topics(self, n):
        return self.raw("GET", self._c(n) + "/topics")

    def reset_topics(self, n):
        return self.raw("PUT", self._c(n) + "/topics/reset")

    def offsets(self, n):
        return self.raw("GET", self._c(n) + "/offsets")

    def alter_offsets(self, n, body):
        return self.raw("PATCH", self._c(n) + "/offsets", json_body=body)

    def reset_offsets(self, n):
        return self.raw("DELETE", self._c(n) + "/offsets")

    def plugins(self, connectors_only=None):
        params = None if connectors_only is None else {"connectorsOnly": str(connectors_only).lower()}
        return self.raw("GET", "/connector-plugins", params=params)

    def plugin_config(self, p):
        return self.raw("GET", "/connector-plugins/" + quote(p, safe="") + "/config")

    def validate(self, p, cfg):
        return self.raw("PUT", "/connector-plugins/" + quote(p, safe="") + "/config/validate",
                        json_body=cfg)

    def loggers(self):
        return self.raw("GET", "/admin/loggers")

    def logger(self, name):
        return self.raw("GET", "/admin/loggers/" + quote(name, safe=""))

    def set_logger(self, name, level, scope=None):
        body = {} if level is None else {"level": level}
        return self.raw("PUT", "/admin/loggers/" + quote(name, safe=""), json_body=body,
                        params=None if scope is None else {"scope": scope})

    # Internal endpoints (worker to worker). `body` is the raw request body (bytes); `signature`
    # the (algorithm, base64 signature) header values, either of which may be None (header left
    # out).
    @staticmethod
    def _signature_headers(signature, content_type):
        h = {} if content_type is None else {"Content-Type": content_type}
        if signature is not None:
            algorithm, sig = signature
            if algorithm is not None:
                h["X-Connect-Request-Signature-Algorithm"] = algorithm
            if sig is not None:
                h["X-Connect-Authorization"] = sig
        return h

    def put_task_configs(self, n, body, signature=None, content_type="application/json"):
        return self.raw("POST", self._c(n) + "/tasks", data=body,
                        headers=self._signature_headers(signature, content_type))

    def fence_zombies(self, n, body=b"", signature=None, content_type=None):
        return self.raw("PUT", self._c(n) + "/fence", data=body,
                        headers=self._signature_headers(signature, content_type))


# ---- gRPC --------------------------------------------------------------------------------------


def generate_stubs(repo, out_dir):
    """Generates the Python modules of proto/sluice/v1/connect.proto (and the googleapis protos it
    imports) into out_dir with grpc_tools.protoc, and puts out_dir on sys.path."""
    import grpc_tools
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    googleapis = pathlib.Path(repo) / "build" / "third_party" / "googleapis"
    tools_include = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    protos = [pathlib.Path(repo) / "proto" / "sluice" / "v1" / "connect.proto",
              googleapis / "google" / "api" / "annotations.proto",
              googleapis / "google" / "api" / "http.proto"]
    for p in protos:
        if not p.exists():
            raise RuntimeError(f"{p} is missing (run tools/setup)")
    cmd = [sys.executable, "-m", "grpc_tools.protoc",
           f"-I{pathlib.Path(repo) / 'proto'}", f"-I{googleapis}", f"-I{tools_include}",
           f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", *map(str, protos)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    # Make the generated folders importable packages next to the installed google.protobuf.
    for d in [out_dir / "sluice", out_dir / "sluice" / "v1"]:
        (d / "__init__.py").touch()
    if str(out_dir) not in sys.path:
        sys.path.insert(0, str(out_dir))
    # google/ is a namespace package (google.protobuf is installed); the generated google/api
    # joins it through sys.path.
    importlib.invalidate_caches()


def _grpc_error_status(code_value):
    """server/api/status_mapping.cc: the gateway's HTTP status for a gRPC code without metadata."""
    return {3: 400, 9: 400, 11: 400, 7: 403, 16: 401, 5: 404, 6: 409, 10: 409, 12: 501,
            14: 503}.get(code_value, 500)


def _metadata_status(*mds):
    for md in mds:
        for k, v in md or ():
            if k == "sluice-http-status":
                try:
                    n = int(v)
                except ValueError:
                    continue
                if 100 <= n <= 599:
                    return n
    return None


def to_json(msg):
    """protojson with UseProtoNames and EmitUnpopulated, as the gateway renders: unset singular
    messages are null, unset proto3 `optional` scalars are left out, wrappers are their value,
    64-bit integers are strings."""
    from google.protobuf import descriptor
    full = msg.DESCRIPTOR.full_name
    if full.startswith("google.protobuf.") and full.endswith("Value"):
        return msg.value
    out = {}
    for fd in msg.DESCRIPTOR.fields:
        value = getattr(msg, fd.name)
        is_map = (fd.type == descriptor.FieldDescriptor.TYPE_MESSAGE
                  and fd.message_type.GetOptions().map_entry)
        if is_map:
            vfd = fd.message_type.fields_by_name["value"]
            if vfd.type == descriptor.FieldDescriptor.TYPE_MESSAGE:
                out[fd.name] = {k: to_json(v) for k, v in value.items()}
            else:
                out[fd.name] = {k: _scalar(vfd, v) for k, v in value.items()}
        elif _is_repeated(fd):
            if fd.type == descriptor.FieldDescriptor.TYPE_MESSAGE:
                out[fd.name] = [to_json(v) for v in value]
            else:
                out[fd.name] = [_scalar(fd, v) for v in value]
        elif fd.type == descriptor.FieldDescriptor.TYPE_MESSAGE:
            out[fd.name] = to_json(value) if msg.HasField(fd.name) else None
        elif fd.containing_oneof is not None:  # proto3 optional (synthetic oneof)
            if msg.HasField(fd.name):
                out[fd.name] = _scalar(fd, value)
        else:
            out[fd.name] = _scalar(fd, value)
    return out


def _is_repeated(fd):
    if hasattr(fd, "is_repeated"):
        return fd.is_repeated
    return fd.label == fd.LABEL_REPEATED


def _scalar(fd, v):
    from google.protobuf import descriptor
    if fd.type in (descriptor.FieldDescriptor.TYPE_INT64, descriptor.FieldDescriptor.TYPE_UINT64,
                   descriptor.FieldDescriptor.TYPE_SINT64, descriptor.FieldDescriptor.TYPE_FIXED64,
                   descriptor.FieldDescriptor.TYPE_SFIXED64):
        return str(v)
    return v


def _offset_map(m, present):
    if not present:
        return None
    out = {}
    for k, v in m.json_values.items():
        try:
            out[k] = json.loads(v)
        except ValueError:
            out[k] = v
    return out


def _logger_level(level):
    return {"level": level.level,
            "last_modified": level.last_modified if level.HasField("last_modified") else None}


def render(msg):
    """The REST body of the response message msg (gateway/internal/kcrest/render.go); returns
    (body, has_body)."""
    name = msg.DESCRIPTOR.full_name
    if name == "google.protobuf.Empty":
        return None, False
    if name == "sluice.v1.ListConnectorsResponse":
        if not msg.expand_requested:
            return list(msg.names), True
        body = {}
        for k, e in msg.expanded.items():
            entry = {}
            if e.HasField("status"):
                entry["status"] = to_json(e.status)
            if e.HasField("info"):
                entry["info"] = to_json(e.info)
            body[k] = entry
        return body, True
    if name == "sluice.v1.ConnectorConfig":
        return dict(msg.config), True
    if name == "sluice.v1.ListTasksResponse":
        return [to_json(t) for t in msg.tasks], True
    if name == "sluice.v1.TasksConfig":
        return {k: dict(v.config) for k, v in msg.tasks.items()}, True
    if name == "sluice.v1.ListConnectorPluginsResponse":
        return [to_json(p) for p in msg.plugins], True
    if name == "sluice.v1.PluginConfigDefinitions":
        return [to_json(c) for c in msg.configs], True
    if name == "sluice.v1.ConnectorTopics":
        return {k: to_json(v) for k, v in msg.connectors.items()}, True
    if name == "sluice.v1.ConnectorOffsets":
        return {"offsets": [{"partition": _offset_map(o.partition, o.HasField("partition")),
                             "offset": _offset_map(o.offset, o.HasField("offset"))}
                            for o in msg.offsets]}, True
    if name == "sluice.v1.RestartConnectorResponse":
        if not msg.HasField("status"):
            return None, False
        return to_json(msg.status), True
    if name == "sluice.v1.LoggerLevel":
        return _logger_level(msg), True
    if name == "sluice.v1.ListLoggersResponse":
        return {k: _logger_level(v) for k, v in msg.loggers.items()}, True
    if name == "sluice.v1.SetLoggerLevelResponse":
        return list(msg.loggers), True
    return to_json(msg), True


# gateway/internal/kcrest SuccessHTTPStatus, for answers without "sluice-http-status".
def _success_status(method, msg):
    if method == "CreateConnector":
        return 201
    if method in ("DeleteConnector", "StopConnector", "RestartTask", "PutTaskConfigs",
                  "FenceZombies"):
        return 204
    if method in ("PauseConnector", "ResumeConnector", "ResetConnectorTopics"):
        return 202
    if method == "RestartConnector":
        return 202 if msg.HasField("status") else 204
    if method == "SetLoggerLevel" and len(msg.loggers) == 0:
        return 204
    return 200


def _string_map(cfg, what):
    """A JSON config object as a proto string map plus the keys given as null (sent to sluiced as
    "" and named in "sluice-null-config-keys-bin", as the gateway does)."""
    if not isinstance(cfg, dict):
        raise NotExpressible(f"{what} is not a JSON object over gRPC")
    out, nulls = {}, []
    for k, v in cfg.items():
        if v is None:
            out[k] = ""
            nulls.append(k)
        elif isinstance(v, str):
            out[k] = v
        else:
            raise NotExpressible(f"{what} value {v!r} is not a string over gRPC")
    return out, nulls


class GrpcApi:
    transport = "grpc"

    def __init__(self, target, credentials=None, auth_metadata=()):
        """credentials: grpc.ChannelCredentials for TLS (default: plaintext); auth_metadata:
        metadata every call carries, e.g. [("authorization", "Bearer ...")]."""
        import grpc
        from sluice.v1 import connect_pb2, connect_pb2_grpc
        self.pb = connect_pb2
        self.channel = (grpc.secure_channel(target, credentials) if credentials is not None
                        else grpc.insecure_channel(target))
        self.stub = connect_pb2_grpc.ConnectServiceStub(self.channel)
        self.auth_metadata = list(auth_metadata)

    def close(self):
        self.channel.close()

    def call(self, method, request, metadata=()):
        import grpc
        try:
            metadata = list(metadata) + self.auth_metadata
            resp, call = getattr(self.stub, method).with_call(request, timeout=60,
                                                              metadata=metadata or None)
        except grpc.RpcError as e:
            status = _metadata_status(e.initial_metadata(), e.trailing_metadata())
            if status is None:
                status = _grpc_error_status(e.code().value[0])
            return Reply(status=status, body={"error_code": status, "message": e.details()})
        status = _metadata_status(call.initial_metadata(), call.trailing_metadata())
        if status is None:
            status = _success_status(method, resp)
        body, has_body = render(resp)
        if not has_body or status in (204, 304):
            body = None
        return Reply(status=status, body=body)

    @staticmethod
    def _null_md(nulls):
        return [("sluice-null-config-keys-bin", k.encode()) for k in nulls]

    def server_info(self):
        return self.call("GetServerInfo", self.pb.GetServerInfoRequest())

    def health(self):
        return self.call("GetHealth", self.pb.GetHealthRequest())

    def list_connectors(self, expand=()):
        return self.call("ListConnectors", self.pb.ListConnectorsRequest(expand=list(expand)))

    def create_connector(self, body):
        if not isinstance(body, dict):
            raise NotExpressible("the body is not a JSON object")
        name = body.get("name", "")
        if not isinstance(name, str):
            raise NotExpressible("name is not a string")
        config, nulls = {}, []
        if body.get("config") is not None:
            config, nulls = _string_map(body["config"], "config")
        state = body.get("initial_state") or ""
        if not isinstance(state, str):
            raise NotExpressible("initial_state is not a string")
        return self.call("CreateConnector", self.pb.CreateConnectorRequest(
            name=name, config=config, initial_state=state), self._null_md(nulls))

    def get_connector(self, n):
        return self.call("GetConnector", self.pb.GetConnectorRequest(name=n))

    def get_config(self, n):
        return self.call("GetConnectorConfig", self.pb.GetConnectorConfigRequest(name=n))

    def put_config(self, n, cfg):
        config, nulls = _string_map(cfg, "config")
        return self.call("PutConnectorConfig", self.pb.PutConnectorConfigRequest(
            name=n, config=config), self._null_md(nulls))

    def patch_config(self, n, patch):
        if not isinstance(patch, dict):
            raise NotExpressible("the patch is not a JSON object")
        req = self.pb.PatchConnectorConfigRequest(name=n)
        for k, v in patch.items():
            if v is None:
                req.patch[k].SetInParent()
            elif isinstance(v, str):
                req.patch[k].value = v
            else:
                raise NotExpressible(f"patch value {v!r} is not a string over gRPC")
        return self.call("PatchConnectorConfig", req)

    def delete_connector(self, n):
        return self.call("DeleteConnector", self.pb.DeleteConnectorRequest(name=n))

    def status(self, n):
        return self.call("GetConnectorStatus", self.pb.GetConnectorStatusRequest(name=n))

    def restart(self, n, include_tasks=None, only_failed=None):
        return self.call("RestartConnector", self.pb.RestartConnectorRequest(
            name=n, include_tasks=bool(include_tasks), only_failed=bool(only_failed)))

    def pause(self, n):
        return self.call("PauseConnector", self.pb.PauseConnectorRequest(name=n))

    def resume(self, n):
        return self.call("ResumeConnector", self.pb.ResumeConnectorRequest(name=n))

    def stop(self, n):
        return self.call("StopConnector", self.pb.StopConnectorRequest(name=n))

    def tasks(self, n):
        return self.call("ListTasks", self.pb.ListTasksRequest(name=n))

    def tasks_config(self, n):
        return self.call("GetTasksConfig", self.pb.GetTasksConfigRequest(name=n))

    def task_status(self, n, t):
        return self.call("GetTaskStatus", self.pb.GetTaskStatusRequest(name=n, task=t))

    def restart_task(self, n, t):
        return self.call("RestartTask", self.pb.RestartTaskRequest(name=n, task=t))

    def topics(self, n):
        return self.call("GetConnectorTopics", self.pb.GetConnectorTopicsRequest(name=n))

    def reset_topics(self, n):
        return self.call("ResetConnectorTopics", self.pb.ResetConnectorTopicsRequest(name=n))

    def offsets(self, n):
        return self.call("GetConnectorOffsets", self.pb.GetConnectorOffsetsRequest(name=n))

    def alter_offsets(self, n, body):
        """body: the REST body {"offsets": [{"partition": {..}, "offset": {..} | None}]}."""
        req = self.pb.AlterConnectorOffsetsRequest(name=n)
        req.offsets.SetInParent()
        if not isinstance(body, dict):
            raise NotExpressible("the body is not a JSON object")
        entries = body.get("offsets")
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise NotExpressible("offsets is not a JSON array")
        for e in entries:
            if not isinstance(e, dict):
                raise NotExpressible("an offsets entry is not a JSON object")
            o = req.offsets.offsets.add()
            for key in ("partition", "offset"):
                m = e.get(key)
                if m is None:
                    continue
                if not isinstance(m, dict):
                    raise NotExpressible(f"{key} is not a JSON object")
                target = getattr(o, key)
                target.SetInParent()
                for k, v in m.items():
                    target.json_values[k] = json.dumps(v, separators=(",", ":"))
        return self.call("AlterConnectorOffsets", req)

    def reset_offsets(self, n):
        return self.call("ResetConnectorOffsets", self.pb.ResetConnectorOffsetsRequest(name=n))

    def plugins(self, connectors_only=None):
        # The gateway fills in Kafka Connect's default (true) when the query leaves it out.
        return self.call("ListConnectorPlugins", self.pb.ListConnectorPluginsRequest(
            connectors_only=True if connectors_only is None else connectors_only))

    def plugin_config(self, p):
        return self.call("GetConnectorPluginConfig", self.pb.GetConnectorPluginConfigRequest(plugin=p))

    def validate(self, p, cfg):
        config, nulls = _string_map(cfg, "config")
        return self.call("ValidateConnectorConfig", self.pb.ValidateConnectorConfigRequest(
            plugin=p, config=config), self._null_md(nulls))

    def loggers(self):
        return self.call("ListLoggers", self.pb.ListLoggersRequest())

    def logger(self, name):
        return self.call("GetLogger", self.pb.GetLoggerRequest(logger=name))

    def set_logger(self, name, level, scope=None):
        req = self.pb.SetLoggerLevelRequest(logger=name, scope=scope or "")
        req.body.SetInParent()
        if level is not None:
            req.body.level = level
        return self.call("SetLoggerLevel", req)

    @staticmethod
    def _signature(req, signature):
        # The gateway sends a signature only when the request carried both headers.
        if signature is not None and None not in signature:
            req.signature.algorithm, req.signature.signature = signature

    def put_task_configs(self, n, body, signature=None, content_type=None):
        """The gateway reads the JSON list of task configs (the first JSON value of the body, as
        Jackson reads it); here Python's JSON decoder stands in for it."""
        del content_type  # HTTP's
        try:
            configs, _ = json.JSONDecoder().raw_decode(body.decode().strip())
        except ValueError as e:
            raise NotExpressible(f"the body is not JSON: {e}") from None
        req = self.pb.PutTaskConfigsRequest(name=n, body=body)
        for c in configs or []:
            # Numbers and booleans as their JSON text, null values left out: as the gateway reads.
            req.task_configs.add().config.update(
                {k: v if isinstance(v, str) else json.dumps(v) for k, v in (c or {}).items()
                 if v is not None})
        self._signature(req, signature)
        return self.call("PutTaskConfigs", req)

    def fence_zombies(self, n, body=b"", signature=None, content_type=None):
        del content_type  # HTTP's
        req = self.pb.FenceZombiesRequest(name=n, body=body)
        self._signature(req, signature)
        return self.call("FenceZombies", req)
