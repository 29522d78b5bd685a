"""sluicectl, the gRPC command-line client, against a real sluiced: commands, output formats,
the server's error messages and sluicectl's exit codes (1 rejected, 2 usage, 3 unreachable)."""

import json
import os
import socket
import subprocess
import time

import pytest

from conftest import BUILD, free_port, wait_for, worker_props

SLUICECTL = BUILD / "bin" / "sluicectl"


def ctl(server, *args, timeout=30):
    """Runs sluicectl; SLUICE_SERVER from the caller's environment is not passed on."""
    env = {k: v for k, v in os.environ.items() if k != "SLUICE_SERVER"}
    cmd = [str(SLUICECTL)] + (["--server", server] if server else []) + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def ok(server, *args):
    r = ctl(server, *args)
    assert r.returncode == 0, f"sluicectl {args}: rc={r.returncode}\n{r.stdout}\n{r.stderr}"
    assert r.stderr == ""
    return r.stdout


@pytest.fixture
def worker(sluiced_factory, workdir):
    """A sluiced with only its gRPC listener (no REST gateway)."""
    return sluiced_factory(worker_props(workdir, listeners="")).start()


def write_properties(path, props):
    path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
    return path


def source_props(workdir, name="src"):
    (workdir / "in.txt").touch()
    return {"name": name, "connector.class": "FileStreamSource",
            "file": str(workdir / "in.txt"), "topic": "lines", "tasks.max": "1"}


def status_json(worker, name):
    r = ctl(worker.grpc, "status", name, "-o", "json")
    return json.loads(r.stdout) if r.returncode == 0 else None


def wait_running(worker, name):
    def running():
        s = status_json(worker, name)
        return s if s and s["connector"]["state"] == "RUNNING" and s["tasks"] and all(
            t["state"] == "RUNNING" for t in s["tasks"]) else None
    return wait_for(running, 60, f"{name} RUNNING")


def test_create_from_properties_and_json_list_and_data_flows(worker, workdir):
    src = write_properties(workdir / "src.properties", source_props(workdir))
    assert ok(worker.grpc, "create", src) == "Created connector src (source)\n"
    sink = workdir / "snk.json"
    sink.write_text(json.dumps({"name": "snk", "config": {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "file": str(workdir / "out.txt"), "topics": "lines", "tasks.max": 1}}))
    assert ok(worker.grpc, "create", sink) == "Created connector snk (sink)\n"

    assert ok(worker.grpc, "list") == "snk\nsrc\n"
    listed = json.loads(ok(worker.grpc, "list", "-o", "json"))
    assert sorted(listed["names"]) == ["snk", "src"]
    assert listed["expanded"] == {} and listed["expand_requested"] is False

    wait_running(worker, "src")
    wait_running(worker, "snk")
    wide = ok(worker.grpc, "list", "-o", "wide").splitlines()
    assert wide[0].split() == ["NAME", "TYPE", "STATE", "TASKS", "WORKER", "ID"]
    assert wide[1].split()[:4] == ["snk", "sink", "RUNNING", "0:RUNNING"]
    assert wide[2].split()[:4] == ["src", "source", "RUNNING", "0:RUNNING"]

    with open(workdir / "in.txt", "a") as f:
        f.write("one\ntwo\n")
    wait_for(lambda: (workdir / "out.txt").exists()
             and (workdir / "out.txt").read_text() == "one\ntwo\n", 60, "lines in out.txt")


def test_create_with_name_flag_and_initial_state(worker, workdir):
    props = source_props(workdir)
    del props["name"]
    f = write_properties(workdir / "noname.properties", props)
    r = ctl(worker.grpc, "create", f)
    assert r.returncode == 1
    assert r.stderr == (f"error: {f} does not give the connector a name: "
                        "add name=... or pass --name\n")
    assert ok(worker.grpc, "create", f, "--name", "named") == "Created connector named (source)\n"

    paused = workdir / "paused.json"
    paused.write_text(json.dumps({"name": "p", "config": source_props(workdir, "p"),
                                  "initial_state": "PAUSED"}))
    created = json.loads(ok(worker.grpc, "create", paused, "-o", "json"))
    assert created["name"] == "p" and created["type"] == "source"
    assert created["config"]["connector.class"] == "FileStreamSource"
    wait_for(lambda: (status_json(worker, "p") or {}).get("connector", {}).get("state") == "PAUSED",
             60, "p PAUSED")


def test_describe_status_update_and_delete(worker, workdir):
    flat = workdir / "flat.json"
    flat.write_text(json.dumps(source_props(workdir)))
    ok(worker.grpc, "create", flat)
    wait_running(worker, "src")

    out = ok(worker.grpc, "describe", "src")
    assert out.startswith("Name:       src\nType:       source\nState:      RUNNING\nWorker ID:  ")
    assert "  connector.class  FileStreamSource\n" in out
    assert "  topic            lines\n" in out
    assert "Tasks:\n  TASK  STATE    WORKER ID\n  0     RUNNING  " in out

    described = json.loads(ok(worker.grpc, "describe", "src", "-o", "json"))
    assert described["info"]["tasks"] == [{"connector": "src", "task": 0}]
    assert described["info"]["config"]["file"] == str(workdir / "in.txt")
    assert described["status"]["connector"]["state"] == "RUNNING"
    assert "trace" not in described["status"]["connector"]

    status = ok(worker.grpc, "status", "src").splitlines()
    assert status[0].split() == ["CONNECTOR", "TYPE", "STATE", "WORKER", "ID"]
    assert status[1].split()[:3] == ["src", "source", "RUNNING"]
    assert status[3].split() == ["TASK", "STATE", "WORKER", "ID"]
    assert status[4].split()[:2] == ["0", "RUNNING"]

    props = source_props(workdir)
    props["topic"] = "other"
    update = write_properties(workdir / "update.properties", props)
    assert ok(worker.grpc, "update", "src", update) == "Updated the config of connector src\n"
    described = json.loads(ok(worker.grpc, "describe", "src", "-o", "json"))
    assert described["info"]["config"]["topic"] == "other"

    assert ok(worker.grpc, "delete", "src") == "Deleted connector src\n"
    assert ok(worker.grpc, "list") == ""
    r = ctl(worker.grpc, "delete", "src")
    assert (r.returncode, r.stdout, r.stderr) == (1, "", "error: Connector src not found\n")


@pytest.mark.parametrize("command,message", [
    (["describe", "x"], "Connector x not found"),
    (["delete", "x"], "Connector x not found"),
    (["update", "x", "missing.properties"], None),
    (["status", "x"], "No status found for connector x"),  # Kafka Connect's words for status
])
def test_unknown_connector_is_rejected_with_the_servers_message(worker, workdir, command, message):
    if message is None:  # a missing file is reported before any call
        command[-1] = workdir / command[-1]
        message = f"Could not read file {command[-1]}"
    r = ctl(worker.grpc, *command)
    assert (r.returncode, r.stdout, r.stderr) == (1, "", f"error: {message}\n")


def test_validate(worker, workdir):
    bad = write_properties(workdir / "bad.properties", {
        "name": "snk", "connector.class": "FileStreamSink", "file": str(workdir / "o.txt")})
    r = ctl(worker.grpc, "validate", bad)
    assert r.returncode == 1
    assert r.stderr == "error: the configuration of FileStreamSink has 2 error(s)\n"
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["KEY", "VALUE", "ERROR"]
    assert "Must configure one of topics or topics.regex" in r.stdout
    assert sum("Must configure one of topics or topics.regex" in l for l in lines) == 2

    r = ctl(worker.grpc, "validate", bad, "-o", "json")
    assert r.returncode == 1
    infos = json.loads(r.stdout)
    assert infos["error_count"] == 2 and infos["name"] == "FileStreamSink"
    errors = {c["value"]["name"]: c["value"]["errors"] for c in infos["configs"] if c["value"]["errors"]}
    assert errors == {"topics": ["Must configure one of topics or topics.regex"],
                      "topics.regex": ["Must configure one of topics or topics.regex"]}

    good = write_properties(workdir / "good.properties", {
        "name": "snk", "connector.class": "FileStreamSink", "file": str(workdir / "o.txt"), "topics": "t"})
    out = ok(worker.grpc, "validate", good)
    assert out.startswith("Configuration of FileStreamSink is valid (")
    assert ok(worker.grpc, "list") == ""  # validate creates nothing


def wait_state(worker, name, state):
    return wait_for(lambda: (status_json(worker, name) or {}).get("connector", {}).get("state")
                    == state, 60, f"{name} {state}")


def test_pause_resume_restart_stop_and_offsets(worker, workdir):
    ok(worker.grpc, "create", write_properties(workdir / "src.properties", source_props(workdir)))
    wait_running(worker, "src")

    assert ok(worker.grpc, "pause", "src") == "Requested a pause of connector src\n"
    wait_state(worker, "src", "PAUSED")
    assert ok(worker.grpc, "resume", "src") == "Requested a resume of connector src\n"
    wait_running(worker, "src")

    assert ok(worker.grpc, "restart", "src") == "Restarted connector src\n"
    restarted = json.loads(ok(worker.grpc, "restart", "src", "--include-tasks", "-o", "json"))
    assert restarted["status"]["name"] == "src"
    assert [t["id"] for t in restarted["status"]["tasks"]] == [0]
    wait_running(worker, "src")
    assert ok(worker.grpc, "restart-task", "src", "0") == "Restarted task 0 of connector src\n"
    wait_running(worker, "src")

    # Offsets can change only while the connector is STOPPED: the server refuses (or, while
    # those calls are being built, answers UNIMPLEMENTED); either way one clean error line.
    offsets = workdir / "offsets.json"
    offsets.write_text(json.dumps({"offsets": [
        {"partition": {"filename": str(workdir / "in.txt")}, "offset": {"position": 0}}]}))
    for command in (["offsets", "reset", "src"], ["offsets", "alter", "src", offsets]):
        r = ctl(worker.grpc, *command)
        assert r.returncode == 1, r
        assert r.stdout == ""
        assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
        assert len(r.stderr.strip()) > len("error:")

    with open(workdir / "in.txt", "w") as f:
        f.write("a\nb\n")
    def has_offsets():
        o = json.loads(ok(worker.grpc, "offsets", "get", "src", "-o", "json"))["offsets"]
        return o or None
    got = wait_for(has_offsets, 60, "source offsets")
    assert got[0]["partition"]["json_values"] == {"filename": json.dumps(str(workdir / "in.txt"))}
    table = ok(worker.grpc, "offsets", "get", "src").splitlines()
    assert table[0].split() == ["PARTITION", "OFFSET"]
    assert table[1].startswith('{"filename":' + json.dumps(str(workdir / "in.txt")) + "}  ")

    assert ok(worker.grpc, "stop", "src") == "Stopped connector src\n"
    wait_state(worker, "src", "STOPPED")


def test_malformed_offsets_file_is_rejected_before_any_call(workdir):
    bad = workdir / "bad.json"
    bad.write_text('{"offsets": {"partition": 1}}')
    r = ctl(f"127.0.0.1:{free_port()}", "offsets", "alter", "src", bad)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == (f'error: {bad} must hold {{"offsets": [{{"partition": {{...}}, '
                        '"offset": {...}}, ...]}\n')


def test_loggers(worker):
    table = ok(worker.grpc, "loggers").splitlines()
    assert table[0].split() == ["LOGGER", "LEVEL", "LAST", "MODIFIED"]
    assert "root" in [line.split()[0] for line in table[1:]]
    assert ok(worker.grpc, "loggers", "set", "root", "DEBUG").startswith("Set level DEBUG on:\n")
    level = json.loads(ok(worker.grpc, "loggers", "root", "-o", "json"))
    assert level["level"] == "DEBUG" and int(level["last_modified"]) > 0  # int64: a JSON string
    row = ok(worker.grpc, "loggers", "root").splitlines()[1].split()
    assert row[:2] == ["root", "DEBUG"] and row[2].endswith("Z")


def test_plugins_and_version(worker):
    table = ok(worker.grpc, "plugins").splitlines()
    assert table[0].split() == ["CLASS", "TYPE", "VERSION"]
    rows = {l.split()[0]: l.split()[1] for l in table[1:]}
    assert rows["org.apache.kafka.connect.file.FileStreamSinkConnector"] == "sink"
    assert rows["org.apache.kafka.connect.file.FileStreamSourceConnector"] == "source"
    assert "converter" not in rows.values()

    everything = json.loads(ok(worker.grpc, "plugins", "--all", "-o", "json"))["plugins"]
    types = {(p["class"], p["type"]) for p in everything}
    # StringConverter is both a converter and a header converter, listed once as each.
    assert ("org.apache.kafka.connect.storage.StringConverter", "converter") in types
    assert ("org.apache.kafka.connect.storage.StringConverter", "header_converter") in types
    assert ("org.apache.kafka.connect.transforms.RegexRouter", "transformation") in types
    assert ("org.apache.kafka.connect.file.FileStreamSinkConnector", "sink") in types

    version = ok(worker.grpc, "version")
    assert version.startswith("Client version:    ")
    assert "\nServer version:    " in version
    info = json.loads(ok(worker.grpc, "version", "-o", "json"))
    assert info["version"] and set(info) == {"version", "commit", "kafka_cluster_id"}


def test_server_from_environment(worker):
    env = dict(os.environ, SLUICE_SERVER=worker.grpc)
    r = subprocess.run([str(SLUICECTL), "list"], capture_output=True, text=True, timeout=30, env=env)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_unreachable_server_exits_3_without_hanging():
    address = f"127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    r = ctl(address, "list", timeout=30)
    assert r.returncode == 3, r
    assert r.stdout == ""
    assert r.stderr.startswith("error: ")
    assert f"no answer from sluiced at {address}" in r.stderr
    assert time.monotonic() - started < 10


def test_silent_server_exits_3_at_the_deadline():
    with socket.socket() as silent:  # accepts TCP connections (backlog) but never speaks gRPC
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        r = ctl(address, "--timeout", "1s", "version", timeout=30)
        elapsed = time.monotonic() - started
    assert r.returncode == 3, r
    assert r.stderr.startswith("error: ")
    assert 0.9 < elapsed < 10


@pytest.mark.parametrize("args,message", [
    ([], "error: no command given\n"),
    (["frobnicate"], "error: unknown command \"frobnicate\"\n"),
    (["offsets"], "error: \"offsets\" needs a subcommand: get, reset, alter\n"),
    (["create"], "error: missing argument: FILE\nusage: sluicectl create FILE [--name NAME]\n"),
    (["delete", "a", "b"], "error: unexpected argument \"b\"\nusage: sluicectl delete NAME\n"),
    (["list", "-o", "yaml"], "error: unknown output format \"yaml\": expected table, wide or json\n"),
    (["restart", "a", "--bogus"], "error: unknown option --bogus\n"),
    (["restart-task", "a", "x"], "error: TASK must be a task number (0, 1, ...), not \"x\"\n"),
])
def test_usage_errors_exit_2(args, message):
    # No server runs at this address: usage errors are found before any call.
    r = ctl(f"127.0.0.1:{free_port()}", *args)
    assert r.returncode == 2, r
    assert r.stdout == ""
    assert r.stderr.startswith(message)


def test_help():
    r = ctl(None, "--help")
    assert r.returncode == 0 and r.stderr == ""
    for command in ["list", "describe NAME", "create FILE", "update NAME FILE", "offsets alter",
                    "restart-task NAME TASK", "validate FILE", "loggers set NAME LEVEL", "version"]:
        assert f"  {command}" in r.stdout
    r = ctl(None, "restart", "--help")
    assert r.returncode == 0
    assert r.stdout.startswith(
        "usage: sluicectl restart NAME [--include-tasks] [--only-failed]\n")
    assert "  --only-failed    restart only the instances that FAILED\n" in r.stdout
