"""The Python plugin SDK end to end: sdk/python pip-installed into a per-test virtualenv, the
example plugin (sdk/python/examples/demo) run by a real sluiced as an `exec` plugin, its counter
source writing into the embedded broker and read back by FileStreamSink, and FileStreamSource's
lines written to a file by its Python sink."""


import pytest

from conftest import (BUILD, REPO, install_python_plugin, read_lines, sink_config, source_config,
                      stored_offset, wait_for, worker_props)


@pytest.fixture
def python_plugins(workdir):
    """A plugin.path entry holding the demo plugin, run by a virtualenv's python with sluice_sdk
    installed (conftest.install_python_plugin)."""
    return install_python_plugin(workdir, REPO / "sdk" / "python" / "examples" / "demo").parent


@pytest.fixture
def worker(sluiced_factory, workdir, python_plugins):
    props = worker_props(workdir, **{"plugin.path": f"{BUILD / 'plugins'},{python_plugins}"})
    return sluiced_factory(props).start()


def test_plugin_is_listed_with_its_config(worker):
    plugins = worker.get("/connector-plugins").json()
    mine = {p["class"]: p for p in plugins if p["class"].startswith("demo.")}
    assert mine == {
        "demo.CounterSource": {"class": "demo.CounterSource", "type": "source", "version": "0.1.0"},
        "demo.LinesSink": {"class": "demo.LinesSink", "type": "sink", "version": "0.1.0"},
    }
    config = {k["name"]: k for k in worker.get("/connector-plugins/CounterSource/config").json()}
    assert config["max.count"]["type"] == "LONG"
    assert config["max.count"]["default_value"] == "0"
    assert config["topic"]["required"] is True
    assert config["topic"]["documentation"] == "The topic to write the counts to"


def test_validate_reports_the_configdef_errors(worker):
    r = worker.put("/connector-plugins/CounterSource/config/validate",
                   json={"connector.class": "CounterSource", "topic": "t", "max.count": "-1",
                         "interval.ms": "soon"})
    assert r.status_code == 200, r.text
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"]}
    assert errors["max.count"] == ["Invalid value -1 for configuration max.count: "
                                   "Value must be at least 0"]
    # As in Kafka, the validator also sees the null left by the value that did not parse.
    assert errors["interval.ms"] == ["Invalid value soon for configuration interval.ms: "
                                     "Not a number of type INT",
                                     "Invalid value null for configuration interval.ms: "
                                     "Value must be non-null"]
    assert errors["topic"] == []


def test_python_source_into_the_broker_and_file_sink_out(worker, workdir):
    out_file = workdir / "out.txt"
    r = worker.post("/connectors", json={"name": "counter", "config": {
        "connector.class": "CounterSource", "topic": "counts", "max.count": "50",
        "tasks.max": "1"}})
    assert r.status_code == 201, r.text
    r = worker.post("/connectors", json=sink_config("snk", out_file, "counts"))
    assert r.status_code == 201, r.text
    worker.wait_running("counter")
    worker.wait_running("snk")

    expected = [f"Struct{{n={n},text=count {n}}}" for n in range(50)]
    wait_for(lambda: read_lines(out_file) == expected, 60, "50 counts in out.txt")
    # Offsets: the last record's offset is stored for the task's partition, and the task was
    # told (commit_record, commit), which it logs through the Logs stream.
    wait_for(lambda: stored_offset(workdir, "counter", {"counter": "counter"}) == {"n": 49}, 30,
             "offset 49 in the offsets file")
    wait_for(lambda: "counter task 0: committed up to 49" in worker.log(), 30,
             "the task's commit log line in sluiced's log")


def test_file_source_into_python_sink(worker, workdir):
    src_file, out_file = workdir / "in.txt", workdir / "lines.txt"
    lines = [f"line {i}" for i in range(100)]
    src_file.write_text("".join(line + "\n" for line in lines))
    r = worker.post("/connectors", json=source_config("src", src_file, "lines"))
    assert r.status_code == 201, r.text
    r = worker.post("/connectors", json={"name": "pysink", "config": {
        "connector.class": "demo.LinesSink", "topics": "lines", "file": str(out_file)}})
    assert r.status_code == 201, r.text
    worker.wait_running("src")
    worker.wait_running("pysink")
    wait_for(lambda: read_lines(out_file) == lines, 60, "100 lines in lines.txt")
    status = worker.get("/connectors/pysink/tasks").json()
    assert status[0]["config"]["task.class"] == "demo.LinesTask"
