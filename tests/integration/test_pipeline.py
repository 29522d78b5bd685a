"""The file pipeline end to end through the REST API on the embedded broker: lines appended to a
file travel through Kafka into another file, each connector in its own plugin host, and a
restart of sluiced resumes from the stored offsets."""

import json

from conftest import read_lines, sink_config, source_config, wait_for


def write_lines(path, lines, mode="a"):
    with open(path, mode, encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


def test_file_pipeline_through_rest(sluiced, workdir):
    src_file, out_file = workdir / "in.txt", workdir / "out.txt"
    write_lines(src_file, [f"line {i}" for i in range(100)], mode="w")

    r = sluiced.post("/connectors", json=source_config("src", src_file, "lines"))
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == sluiced.url("/connectors/src")
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body == {
        "name": "src",
        "config": {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                   "file": str(src_file), "topic": "lines", "tasks.max": "1", "name": "src"},
        "tasks": [{"connector": "src", "task": 0}],
        "type": "source",
    }
    r = sluiced.post("/connectors", json=sink_config("snk", out_file, "lines"))
    assert r.status_code == 201, r.text
    assert r.json()["type"] == "sink"

    sluiced.wait_running("src")
    status = sluiced.wait_running("snk")
    assert status["name"] == "snk" and status["type"] == "sink"
    assert status["tasks"][0]["id"] == 0 and "trace" not in status["tasks"][0]
    assert status["connector"]["worker_id"].endswith(":" + sluiced.rest.rsplit(":", 1)[1])

    expected = [f"line {i}" for i in range(100)]
    wait_for(lambda: read_lines(out_file) == expected, 60, "the first 100 lines in out.txt")
    write_lines(src_file, ["appended 1", "appended 2 ünïcødé"])
    expected += ["appended 1", "appended 2 ünïcødé"]
    wait_for(lambda: read_lines(out_file) == expected, 60, "the appended lines in out.txt")

    assert sorted(sluiced.get("/connectors").json()) == ["snk", "src"]
    tasks = sluiced.get("/connectors/src/tasks").json()
    assert tasks == [{"id": {"connector": "src", "task": 0},
                      "config": {**source_config("src", src_file, "lines")["config"], "name": "src",
                                 "task.class": "org.apache.kafka.connect.file.FileStreamSourceTask"}}]
    sink_tasks = sluiced.get("/connectors/snk/tasks").json()
    assert sink_tasks[0]["config"]["topics"] == "lines"
    assert sink_tasks[0]["config"]["task.class"] == "org.apache.kafka.connect.file.FileStreamSinkTask"
    assert sluiced.get("/connectors/snk/config").json() == {
        "connector.class": "FileStreamSink", "file": str(out_file), "topics": "lines",
        "name": "snk"}
    task_status = sluiced.get("/connectors/src/tasks/0/status")
    assert task_status.status_code == 200
    assert task_status.json()["state"] == "RUNNING"

    # The offsets file holds the source's position: every character of the file, newlines
    # included, once the next flush has run.
    chars = len(src_file.read_text(encoding="utf-8"))

    def stored_position():
        text = (workdir / "connect.offsets").read_text() if (workdir / "connect.offsets").exists() else ""
        if not text:
            return None
        entries = dict(json.loads(text)["offsets"])
        value = entries.get(json.dumps(["src", {"filename": str(src_file)}], separators=(",", ":")))
        return value and json.loads(value)["position"]
    wait_for(lambda: stored_position() == chars, 30, f"position {chars} in the offsets file")

    expand = sluiced.get("/connectors?expand=status&expand=info").json()
    assert set(expand) == {"src", "snk"}
    assert expand["src"]["status"]["connector"]["state"] == "RUNNING"
    assert expand["snk"]["info"]["config"]["topics"] == "lines"

    r = sluiced.delete("/connectors/src")
    assert r.status_code == 204 and r.text == ""
    assert sluiced.get("/connectors").json() == ["snk"]
    r = sluiced.get("/connectors/src")
    assert r.status_code == 404
    assert r.json() == {"error_code": 404, "message": "Connector src not found"}


def test_restart_resumes_from_stored_offsets(sluiced_factory, workdir):
    src_file, out_file = workdir / "in.txt", workdir / "out.txt"
    first = [f"before restart {i}" for i in range(500)]
    write_lines(src_file, first, mode="w")
    s = sluiced_factory().start()
    assert s.post("/connectors", json=source_config("src", src_file, "lines")).status_code == 201
    assert s.post("/connectors", json=sink_config("snk", out_file, "lines")).status_code == 201
    wait_for(lambda: read_lines(out_file) == first, 60, "500 lines before the restart")
    assert s.stop() == 0, s.log()

    # While sluiced is down more lines arrive. The embedded broker keeps data in memory only, so
    # the sink starts over on an empty topic: exactly the new lines must arrive, none read twice.
    second = [f"after restart {i}" for i in range(300)]
    write_lines(src_file, second)
    again = sluiced_factory(props=s.props).start()
    # The connectors created over REST were persisted and come back by themselves.
    assert sorted(again.get("/connectors").json()) == ["snk", "src"]
    again.wait_running("src")
    wait_for(lambda: read_lines(out_file) == first + second, 60, "the lines written while down")
    assert again.stop() == 0, again.log()


def test_relative_paths_and_command_line_connectors(sluiced_factory, workdir):
    """As tools/run starts it: relative plugin.path, offsets file and connector files, resolved
    from the directory sluiced starts in, and connectors given as .properties files."""
    import os
    from conftest import BUILD, worker_props
    props = worker_props(workdir, **{
        "plugin.path": os.path.relpath(BUILD / "plugins", workdir),
        "offset.storage.file.filename": "run/connect.offsets",
    })
    (workdir / "run").mkdir()
    write_lines(workdir / "run" / "in.txt", ["relative 1", "relative 2"], mode="w")
    (workdir / "src.properties").write_text(
        "name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\n"
        "file=run/in.txt\ntopic=connect-test\n")
    (workdir / "snk.properties").write_text(
        "name=local-file-sink\nconnector.class=FileStreamSink\ntasks.max=1\n"
        "file=run/out.txt\ntopics=connect-test\n")
    s = sluiced_factory(props=props, connector_files=["src.properties", "snk.properties"]).start()
    wait_for(lambda: read_lines(workdir / "run" / "out.txt") == ["relative 1", "relative 2"], 60,
             "the lines in run/out.txt")
    assert sorted(s.get("/connectors").json()) == ["local-file-sink", "local-file-source"]
    assert s.stop() == 0
    assert (workdir / "run" / "connect.offsets").exists()
