#!/usr/bin/env python3
"""Prints what one system did with each case of the last differential run, from
<out>/<system>/result.json: create status, task states, sink lines, output records, DLQ records
and the errors the DLQ names; with -v, the outputs themselves.

  python3 tests/differential/show.py [java|sluice] [-v] [case-regex]
"""

import json
import os
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("SLUICE_BUILD_DIR", REPO / "build"))
OUT = pathlib.Path(os.environ.get("SLUICE_DIFF_OUT", BUILD / "differential"))


def header(rec, name):
    for k, v in rec["headers"]:
        if k == name:
            return v
    return None


def main(argv):
    system = "java"
    verbose = False
    pattern = ""
    for a in argv:
        if a in ("java", "sluice"):
            system = a
        elif a == "-v":
            verbose = True
        else:
            pattern = a
    result = json.loads((OUT / system / "result.json").read_text())
    for name, r in result["cases"].items():
        if not re.search(pattern, name):
            continue
        st = r.get("status") or {}
        states = [t["state"] for t in st.get("tasks", [])]
        file_ = r.get("file")
        lines = len(file_.splitlines()) if isinstance(file_, str) else None
        dlq = [recs for t, recs in r.get("topics", {}).items() if t.endswith(".dlq")]
        out = sum(len(recs) for t, recs in r.get("topics", {}).items() if not t.endswith(".dlq"))
        dlq = dlq[0] if dlq else []
        print(f"{name}: create {r['create']['status']} states {states} lines {lines} "
              f"records {out} dlq {len(dlq)}{' TIMED OUT' if r.get('timed_out') else ''}")
        if r["create"]["status"] != 201:
            print(f"    {r['create']['body']}")
        for t in st.get("tasks", []):
            if "trace" in t:
                lines_ = t["trace"].splitlines()
                cause = [x for x in lines_ if x.startswith("Caused by")]
                print(f"    trace: {lines_[0]}" + (f" / {cause[-1]}" if cause else ""))
        for rec in dlq:
            print(f"    dlq: {header(rec, '__connect.errors.stage')} "
                  f"{header(rec, '__connect.errors.exception.class.name')}: "
                  f"{header(rec, '__connect.errors.exception.message')}")
        if verbose:
            if isinstance(file_, str):
                for line in file_.splitlines():
                    print(f"    | {line}")
            for t, recs in r.get("topics", {}).items():
                if t.endswith(".dlq"):
                    continue
                for rec in recs:
                    print(f"    > {rec['topic']}[{rec['partition']}] key={json.dumps(rec['key'], ensure_ascii=False)}"
                          f" value={json.dumps(rec['value'], ensure_ascii=False)}"
                          f" headers={json.dumps(rec['headers'], ensure_ascii=False)}")


if __name__ == "__main__":
    main(sys.argv[1:])
