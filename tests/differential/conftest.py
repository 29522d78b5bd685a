"""The session of the differential suite: one broker, one run of each system over the selected
cases, and the per-case artefacts for inspection. See README.md for the knobs."""

import json
import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

import cases as catalog
import harness
from harness import BUILD, KAFKA_TOOL, KafkaIO, enc, log


class Differential:
    """Both systems' results of one session, by case, validation and plugin request."""

    def __init__(self, out_dir, cases, results, systems):
        self.out_dir = out_dir
        self.cases = {c.name: c for c in cases}
        self.results = results      # {system: result dict}
        self.systems = systems

    def case(self, system, name):
        return self.results[system]["cases"][name]


def selected_names(session, param):
    names = set()
    for item in session.items:
        cs = getattr(item, "callspec", None)
        if cs is not None and param in cs.params:
            names.add(cs.params[param])
    return names


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n")


def render_inputs(case):
    if case.kind == "source":
        return case.lines
    return "".join(json.dumps({**r, "key": enc(r["key"]), "value": enc(r["value"]),
                               "headers": [[k, enc(v)] for k, v in r["headers"]]},
                              ensure_ascii=False) + "\n"
                   for r in harness.sink_inputs(case))


def load_cache(path):
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {"cases": {}, "validations": {}, "plugins": {}}


@pytest.fixture(scope="session")
def differential(request, tmp_path_factory):
    out_dir = pathlib.Path(os.environ.get("SLUICE_DIFF_OUT", BUILD / "differential"))
    systems = [s.strip() for s in os.environ.get("SLUICE_DIFF_SYSTEMS", "java,sluice").split(",")
               if s.strip()]
    assert set(systems) <= set(harness.SYSTEMS), f"SLUICE_DIFF_SYSTEMS: {systems}"
    pattern = re.compile(os.environ.get("SLUICE_DIFF_CASES", ""))
    wanted = selected_names(request.session, "case_name")
    cases = [c for c in catalog.CASES if c.name in wanted and pattern.search(c.name)]
    validations = list(catalog.VALIDATIONS)
    plugin_classes = list(catalog.PLUGIN_CLASSES)

    files_dir = out_dir / "files"

    # Reuse Java's stored results when asked and every selected item is unchanged.
    cache_path = out_dir / "java-cache.json"
    cache = load_cache(cache_path)
    fps = {"cases": {c.name: harness.case_fingerprint(c, files_dir) for c in cases},
           "validations": {v.name: harness.item_fingerprint([v.plugin, v.config])
                           for v in validations},
           "plugins": {k: harness.item_fingerprint(v)
                       for k, v in harness.plugin_requests(plugin_classes).items()}}
    reuse = (os.environ.get("SLUICE_DIFF_REUSE_JAVA") == "1" and "java" in systems and all(
        cache[kind].get(name, {}).get("fp") == fp for kind, d in fps.items()
        for name, fp in d.items()))
    # A reused Java run keeps its logs and files from the run that made it.
    for sub in ("files", "cases", "validations", "plugins",
                *[x for x in systems if not (x == "java" and reuse)]):
        shutil.rmtree(out_dir / sub, ignore_errors=True)
    files_dir.mkdir(parents=True)
    if os.environ.get("SLUICE_DIFF_REUSE_JAVA") == "1" and not reuse:
        log("java: the stored results do not cover every selected item as it is now; "
            "running Java")
    if "sluice" in systems and not harness.SLUICED.exists():
        pytest.fail(f"{harness.SLUICED} not found: build first (tools/build)")

    kafka_dir = tmp_path_factory.mktemp("kafka")
    t0 = time.monotonic()
    # The inputs carry fixed timestamps of 2023: without unlimited retention the broker would
    # delete them (and the DLQ records that keep them) within minutes.
    subprocess.run([str(KAFKA_TOOL), "start", "--dir", str(kafka_dir),
                    "--set", "log.retention.ms=-1"], check=True, stdout=subprocess.DEVNULL,
                   timeout=240)
    try:
        bootstrap = (kafka_dir / "bootstrap").read_text().strip()
        log(f"broker {bootstrap} up in {time.monotonic() - t0:.1f}s; {len(cases)} case(s)")
        kafka = KafkaIO(bootstrap)
        topics = {t: 1 for c in cases for t in harness.input_topics(c)}
        for c in cases:
            topics.update({t: n for t, n in c.outputs.items() if n})
        kafka.create_topics(topics)
        kafka.produce({c.main_topic: harness.sink_inputs(c) for c in cases if c.kind == "sink"})
        for c in cases:
            if c.kind == "source":
                pathlib.Path(harness.case_paths(files_dir, c)["file"]).write_bytes(c.lines.encode())

        libs = harness.java_libs() if "java" in systems else None
        results = {}
        for i, system in enumerate(systems):
            if system == "java" and reuse:
                log("java: reusing the stored results (SLUICE_DIFF_REUSE_JAVA=1)")
                results["java"] = {"system": "java", "reused": True,
                                   **{k: {n: cache[k][n]["result"] for n in fps[k]} for k in fps}}
                continue
            if i > 0 and not (i == 1 and reuse):
                kafka.delete_groups([f"connect-{c.connector}" for c in cases if c.kind == "sink"])
            results[system] = harness.run_system(system, out_dir, kafka, libs, cases, validations,
                                                 plugin_classes)
            if system == "java":
                for kind, d in fps.items():
                    for name, fp in d.items():
                        cache[kind][name] = {"fp": fp, "result": results["java"][kind][name]}
                write_json(cache_path, cache)
    finally:
        kafka = None  # drop the admin client before its broker goes away (no reconnect noise)
        subprocess.run([str(KAFKA_TOOL), "stop", "--dir", str(kafka_dir)], timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    for system, res in results.items():
        write_json(out_dir / system / "result.json", res)
    for c in cases:
        d = out_dir / "cases" / c.name
        write_json(d / "config.json", {"name": c.connector, "kind": c.kind, "worker": c.worker,
                                       "about": c.about,
                                       "config": harness.connector_config(c, files_dir)})
        (d / "input.txt").write_text(render_inputs(c))
        for system, res in results.items():
            r = res["cases"][c.name]
            write_json(d / f"{system}.json", harness.observed(c, r))
            if c.kind == "sink" and isinstance(r.get("file"), str):
                (d / f"{system}.out").write_text(r["file"])
    _SESSION["differential"] = Differential(out_dir, cases, results, systems)
    return _SESSION["differential"]


_SESSION = {}


def pytest_terminal_summary(terminalreporter):
    """One paragraph on where Sluice stands: equal cases, and the classes it refused."""
    d = _SESSION.get("differential")
    if d is None or not {"java", "sluice"} <= set(d.results):
        return
    equal, missing = [], {}
    for name, case in d.cases.items():
        java, sluice = d.case("java", name), d.case("sluice", name)
        if harness.compare_case(case, java, sluice)[0]:
            equal.append(name)
        elif sluice["create"]["status"] == 400 and java["create"]["status"] == 201:
            body = sluice["create"]["body"]
            message = body.get("message", "") if isinstance(body, dict) else str(body)
            for cls in sorted(set(re.findall(r"Class (\S+) could not be found", message))):
                missing.setdefault(cls, []).append(name)
    tr = terminalreporter
    tr.section("differential summary")
    tr.write_line(f"{len(equal)} of {len(d.cases)} cases equal to Kafka Connect 3.9.1; "
                  f"artefacts in {d.out_dir}")
    for cls, names in sorted(missing.items()):
        tr.write_line(f"  Sluice does not know {cls}: {len(names)} case(s)")
