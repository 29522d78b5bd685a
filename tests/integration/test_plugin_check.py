"""sluice-plugin-check (tools/plugin-check) against real plugins: an example plugin must pass
every check (tests/CMakeLists.txt registers one ctest per example, plugin_check_<name>, naming
its folder and config in SLUICE_PLUGIN_CHECK_DIR / SLUICE_PLUGIN_CHECK_CONFIG), and
tests/plugins/rulebreaker, which breaks a known set of the protocol's rules, must be reported
with exactly those violations and a non-zero exit."""

import contextlib
import json
import os
import pathlib
import subprocess

import pytest

from conftest import BUILD, install_python_plugin

CHECKER = BUILD / "bin" / "sluice-plugin-check"


def run_checker(plugin_dir, *args, timeout=300):
    """Runs the checker with --json; returns (exit code, {(check, connector): check result})."""
    proc = subprocess.run([str(CHECKER), str(plugin_dir), "--json", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)
    assert proc.stdout, f"no report; stderr:\n{proc.stderr}"
    report = json.loads(proc.stdout)
    results = {(c["check"], c["connector"]): c for c in report["checks"]}
    assert len(results) == len(report["checks"]), "a check was reported twice"
    assert report["ok"] == (proc.returncode == 0)
    return proc.returncode, results


def outcomes(results, outcome):
    return {key for key, c in results.items() if c["outcome"] == outcome}


def test_example_passes_every_check(tmp_path):
    plugin_dir = os.environ.get("SLUICE_PLUGIN_CHECK_DIR")
    if not plugin_dir:
        pytest.skip("run through ctest (plugin_check_<example>), which names the plugin")
    plugin_dir = pathlib.Path(plugin_dir)
    config = os.environ.get("SLUICE_PLUGIN_CHECK_CONFIG") or plugin_dir / "sluice-plugin-check.json"
    # A Java plugin in Kafka Connect's layout (a folder of jars) has no manifest.
    manifest_path = plugin_dir / "sluice-plugin.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    if manifest.get("runtime") == "exec" and manifest["command"][0] in ("python3", "python"):
        plugin_dir = install_python_plugin(tmp_path, plugin_dir)
    config = with_http_endpoint(tmp_path, config)
    with with_postgres(tmp_path, config) as config:
        code, results = run_checker(plugin_dir, "--config", config)
    failed = {key: results[key] for key in outcomes(results, "fail")}
    assert failed == {} and code == 0

    # Every class has a config, so each went through its lifecycle and its task stream, and the
    # checks that need the plugin's cooperation ran rather than being skipped.
    classes = [key[1] for key in results if key[0] == "describe.class"]
    assert classes, results[("describe", "")]
    for name in classes:
        ran = {check for check, connector in outcomes(results, "pass") if connector == name}
        assert {"connector.start", "connector.task-configs", "connector.stop",
                "connector.restart", "shutdown"} <= ran, name
        assert ({"source.start", "source.poll-credits", "source.records", "source.offsets",
                 "source.committed", "source.stop"} <= ran
                or {"sink.start", "sink.put", "sink.pre-commit", "sink.close", "sink.stop"} <= ran
                ), (name, ran)
    assert {"host.start", "handshake", "handshake.version-refused", "describe",
            "validate.unknown-class", "shutdown"} <= {c for c, n in outcomes(results, "pass")
                                                      if n == ""}


def test_rulebreaker_is_reported_with_exactly_its_violations(tmp_path):
    plugin = BUILD / "test-plugins" / "rulebreaker"
    source, sink = "sluice.test.RuleBreakerSource", "sluice.test.RuleBreakerSink"
    config = tmp_path / "rulebreaker-check.json"
    config.write_text(json.dumps({
        "RuleBreakerSource": {"topic": "rules"},
        sink: {"file": "${tmpdir}/out.txt", "topics": "rules"},
    }))
    code, results = run_checker(plugin, "--config", config, "--stop-timeout", "1s",
                                "--poll-duration", "200ms", timeout=120)
    assert code == 1
    assert outcomes(results, "fail") == {
        ("handshake.version-refused", ""),
        ("describe.config", source),
        ("validate.empty", sink),
        ("validate.unknown-class", ""),
        ("connector.task-configs", source),
        ("source.poll-credits", source),
        ("source.stop", source),
        ("task.error", source),
        ("sink.pre-commit", sink),
    }
    # Each violation says what was expected and what came.
    got = {key: c["got"] for key, c in results.items() if c["outcome"] == "fail"}
    assert got[("handshake.version-refused", "")] == "OK, protocol_version 1"
    assert got[("describe.config", source)] == (
        'key "topic" defined twice; key "batch" has the default "many", which is not a valid '
        "TYPE_INT (Invalid value many for configuration batch: Not a number of type INT)")
    assert got[("validate.empty", sink)] == 'no error for "file"'
    assert got[("validate.unknown-class", "")] == "OK"
    assert got[("connector.task-configs", source)] == (
        "2 task configs for max_tasks 1; 3 task configs for max_tasks 2")
    assert got[("source.poll-credits", source)].startswith(
        "2 records for a Poll of 1 credit; 3 records for a Poll of 2 credits; ")
    assert got[("source.stop", source)] == "nothing within 1s"
    assert got[("task.error", source)] == (
        'TaskError "no topic configured" without a trace')
    assert got[("sink.pre-commit", sink)] == (
        "offset 104 for rules-0, beyond the 4 delivered; offset 113 for rules-1, beyond the 13 "
        "delivered")
    # What it does right passes: its records are well formed, its sink stops in time, and the
    # sink's TaskError for a config without topics has a message and a trace.
    passed = outcomes(results, "pass")
    assert {("source.records", source), ("source.start", source), ("sink.put", sink),
            ("sink.stop", sink), ("task.error", sink), ("shutdown", source),
            ("shutdown", sink), ("shutdown", "")} <= passed


@contextlib.contextmanager
def with_postgres(tmp_path, config):
    """For a config naming "${jdbc_url}" (the JDBC sink's) or "${pg_port}" (Debezium's): a
    throwaway PostgreSQL (tools/postgres) for the time of the check, set up by the SQL file beside
    the config (<config>.sql) if there is one, and a copy of the config with its URL or port in
    place. Other configs are yielded as they are."""
    text = pathlib.Path(config).read_text()
    if "${jdbc_url}" not in text and "${pg_port}" not in text:
        yield config
        return
    from postgres import Postgres
    with Postgres(tmp_path / "postgres") as pg:
        setup = pathlib.Path(config).with_suffix(".sql")
        if setup.exists():
            pg.psql(setup.read_text())
        copy = tmp_path / "plugin-check-config-pg.json"
        copy.write_text(text.replace("${jdbc_url}", pg.jdbc_url())
                        .replace("${pg_port}", str(pg.port)))
        yield copy


def with_http_endpoint(tmp_path, config):
    """For a config naming "${http_endpoint}" (the HTTP sink's): a local HTTP server that takes
    every JSON batch but refuses (400) one holding a record with a null value, and a copy of the
    config with its URL in place. Other configs are returned as they are."""
    text = pathlib.Path(config).read_text()
    if "${http_endpoint}" not in text:
        return config
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            batch = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(400 if any(r.get("value") is None for r in batch) else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    copy = tmp_path / "plugin-check-config.json"
    copy.write_text(text.replace("${http_endpoint}", f"http://127.0.0.1:{server.server_address[1]}"))
    return copy
