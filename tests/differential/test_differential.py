"""Differential tests: Apache Kafka Connect 3.9.1 and Sluice, the same inputs and connector
configs on the same broker, outputs compared byte for byte (issue 7's acceptance test).

Each case of cases.py is one connector; each test checks first that Java did what the case
claims (its `expect`), then that Sluice did exactly what Java did. The differences that cannot be
avoided (a Java stack trace, a source record's wall-clock timestamp) are compared by the rules in
docs/compatibility.md. Artefacts: <build>/differential/cases/<case>/."""

import json

import pytest

import cases as catalog
import harness


MAX_DIFF_LINES = 120


def clip(diff, where):
    """At most MAX_DIFF_LINES of a diff; the whole one is on disk at `where`."""
    lines = diff.splitlines()
    if len(lines) <= MAX_DIFF_LINES:
        return diff
    return "\n".join(lines[:MAX_DIFF_LINES] + [f"… {len(lines) - MAX_DIFF_LINES} more lines in {where}"])


def report(d, case, body):
    cfg = harness.connector_config(case, d.out_dir / "files")
    path = d.out_dir / "cases" / case.name
    inputs = (path / "input.txt").read_text() if (path / "input.txt").exists() else ""
    if len(inputs) > 1500:
        inputs = inputs[:1500] + "… (the rest in input.txt)\n"
    text = (f"case {case.name} ({case.kind}, worker {case.worker}): {case.about}\n"
            f"config: {json.dumps(cfg, indent=1, ensure_ascii=False)}\n"
            f"input ({path / 'input.txt'}):\n{inputs}"
            f"outputs: {path}/java.json, sluice.json (and java.out / sluice.out for sinks)\n"
            f"{body}")
    (path / "report.txt").write_text(text + "\n")
    return clip(text, path / "report.txt")


@pytest.mark.parametrize("case_name", [c.name for c in catalog.CASES])
def test_case(differential, case_name):
    d = differential
    case = d.cases.get(case_name)
    if case is None:
        pytest.skip("not selected by SLUICE_DIFF_CASES")
    if "java" in d.results:
        problems = harness.java_expectations(case, d.case("java", case_name))
        assert not problems, report(d, case, "Java does not do what the case claims:\n  "
                                    + "\n  ".join(problems))
    if "java" not in d.results or "sluice" not in d.results:
        return
    equal, diff = harness.compare_case(case, d.case("java", case_name), d.case("sluice", case_name))
    assert equal, report(d, case, f"Sluice differs from Kafka Connect 3.9.1:\n{diff}")


def both(d, kind, name, normalise=lambda a: a):
    if "java" not in d.results or "sluice" not in d.results:
        pytest.skip("needs both systems")
    return (normalise(d.results["java"][kind][name]), normalise(d.results["sluice"][kind][name]))


@pytest.mark.parametrize("validation_name", [v.name for v in catalog.VALIDATIONS])
def test_validation(differential, validation_name):
    d = differential
    v = next(v for v in catalog.VALIDATIONS if v.name == validation_name)
    java = d.results.get("java", {}).get("validations", {}).get(validation_name)
    if java is not None:
        body = java["body"] if isinstance(java["body"], dict) else {}
        want_status = v.expect.get("status", 200)
        assert java["status"] == want_status, f"Java answered {java}"
        if "error_count" in v.expect:
            assert body.get("error_count") == v.expect["error_count"], (
                f"Java's error_count is {body.get('error_count')}, the case expects "
                f"{v.expect['error_count']}: {json.dumps(body, indent=1)}")
    j, s = both(d, "validations", validation_name)
    equal, diff = harness.compare_json(j, s)
    out = d.out_dir / "validations" / validation_name
    harness_write(out, v.config, j, s, diff)
    summary = ""
    if config_errors(j) != config_errors(s):
        summary = ("errors, Java:\n" + "".join(f"  {k}: {e}\n" for k, e in config_errors(j))
                   + "errors, Sluice:\n" + "".join(f"  {k}: {e}\n" for k, e in config_errors(s)))
    assert equal, (f"validation {validation_name}: {v.about}\nrequest: PUT "
                   f"/connector-plugins/{v.plugin}/config/validate "
                   f"{json.dumps(v.config, ensure_ascii=False)}\n{summary}"
                   f"{clip(diff, out / 'diff.txt')}")


def config_errors(answer):
    """[(key, error message)] of a validate answer, in its order."""
    body = answer.get("body")
    if not isinstance(body, dict) or not isinstance(body.get("configs"), list):
        return [("<answer>", json.dumps(answer, ensure_ascii=False))]
    return [(c["value"]["name"], e) for c in body["configs"] for e in c["value"]["errors"]]


def harness_write(out, request, j, s, diff):
    out.mkdir(parents=True, exist_ok=True)
    (out / "request.json").write_text(json.dumps(request, indent=1, ensure_ascii=False))
    (out / "java.json").write_text(json.dumps(j, indent=1, ensure_ascii=False))
    (out / "sluice.json").write_text(json.dumps(s, indent=1, ensure_ascii=False))
    (out / "diff.txt").write_text(diff)


@pytest.mark.parametrize("plugin_class", catalog.PLUGIN_CLASSES)
def test_plugin_config(differential, plugin_class):
    d = differential
    key = f"config:{plugin_class}"
    java = d.results.get("java", {}).get("plugins", {}).get(key)
    if java is not None:
        assert java["status"] == 200, f"Java answered {java}"
    j, s = both(d, "plugins", key)
    equal, diff = harness.compare_json(j, s)
    harness_write(d.out_dir / "plugins" / plugin_class, {"GET": key}, j, s, diff)
    where = d.out_dir / "plugins" / plugin_class / "diff.txt"
    assert equal, f"GET /connector-plugins/{plugin_class}/config differs:\n{clip(diff, where)}"


def test_plugin_list(differential):
    d = differential
    j, s = both(d, "plugins", "list", lambda a: harness.normalise_plugins("list", a))
    equal, diff = harness.compare_json(j, s)
    harness_write(d.out_dir / "plugins" / "list", {"GET": "list"}, j, s, diff)
    where = d.out_dir / "plugins" / "list" / "diff.txt"
    assert equal, ("GET /connector-plugins?connectorsOnly=false (transformations, predicates, "
                   f"converters, header converters; versions normalised) differs:\n"
                   f"{clip(diff, where)}")
