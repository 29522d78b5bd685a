"""The plugin registry seen from outside: a worker that starts with its plugins' descriptions
cached starts no plugin host until one is needed, and a validation host goes when it is idle."""

import os

from conftest import BUILD, source_config, wait_for, worker_props

SOURCE_CLASS = "org.apache.kafka.connect.file.FileStreamSourceConnector"


def plugin_hosts(sluiced):
    """sluiced's children that are plugin hosts (whichever of its threads started them)."""
    hosts = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                binary = f.read().split(b"\0")[0]
        except (OSError, ValueError, IndexError):
            continue
        if ppid == sluiced.proc.pid and binary.endswith(b"sluice-plugin-host"):
            hosts.append(int(entry))
    return hosts


def validate(sluiced, path):
    r = sluiced.put("/connector-plugins/FileStreamSource/config/validate",
                    json={"connector.class": SOURCE_CLASS, "name": "v", "file": str(path),
                          "topic": "t"})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_cached_description_starts_no_host_until_a_validation_needs_one(sluiced_factory,
                                                                           workdir):
    props = worker_props(workdir, **{"sluice.plugin.describe.cache.dir": str(workdir / "cache")})
    first = sluiced_factory(props, subdir="first").start()
    assert "described earlier" not in first.log()
    # The host that described the plugin stays, as its validation host.
    assert len(plugin_hosts(first)) == 1
    first.stop()

    second = sluiced_factory(props, subdir="second").start()
    assert "(described earlier: unchanged since)" in second.log()
    plugins = second.get("/connector-plugins").json()
    assert {p["class"] for p in plugins} == {SOURCE_CLASS,
                                              "org.apache.kafka.connect.file.FileStreamSinkConnector"}
    assert plugin_hosts(second) == []

    body = validate(second, workdir / "in.txt")
    assert body["name"] == SOURCE_CLASS and body["error_count"] == 0
    assert len(plugin_hosts(second)) == 1


def test_a_changed_plugin_is_described_again(sluiced_factory, workdir, tmp_path):
    plugin = tmp_path / "plugins" / "file"
    os.makedirs(plugin)
    for name in os.listdir(BUILD / "plugins" / "file"):
        (plugin / name).write_bytes((BUILD / "plugins" / "file" / name).read_bytes())
    props = worker_props(workdir, **{"plugin.path": str(plugin),
                                     "sluice.plugin.describe.cache.dir": str(workdir / "cache")})
    sluiced_factory(props, subdir="first").start().stop()
    manifest = plugin / "sluice-plugin.json"
    manifest.write_text(manifest.read_text() + "\n")
    again = sluiced_factory(props, subdir="second").start()
    assert "described earlier" not in again.log()
    assert len(plugin_hosts(again)) == 1


def test_an_idle_validation_host_is_stopped_and_a_connector_keeps_its_own(sluiced_factory,
                                                                          workdir):
    # No cache: the host that describes the plugin at start is its validation host.
    props = worker_props(workdir, **{"sluice.plugin.validation.idle.timeout.ms": "300",
                                     "sluice.plugin.describe.cache.dir": ""})
    s = sluiced_factory(props).start()
    wait_for(lambda: plugin_hosts(s) == [], 30, "the idle validation host to stop")
    assert "Stopping the validation host of plugin" in s.log()

    (workdir / "in.txt").write_text("a\n")
    r = s.post("/connectors", json=source_config("src", workdir / "in.txt", "t"))
    assert r.status_code == 201, r.text
    s.wait_status("src", lambda b: b["connector"]["state"] == "RUNNING" and
                  [t["state"] for t in b["tasks"]] == ["RUNNING"])
    # The validation host the creation started goes again; the connector's host stays.
    wait_for(lambda: len(plugin_hosts(s)) == 1, 30, "only the connector's host")
    assert s.get("/connectors/src/status").json()["connector"]["state"] == "RUNNING"
    assert validate(s, workdir / "in.txt")["error_count"] == 0
