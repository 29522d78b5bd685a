"""The report of tools/bench: medians per scenario and system, the ratios that issue 11's targets
use (each with its target and whether it was reached), the summary text, and the plot.

Pure functions over tools/bench's result rows (dicts, as written to --json), so that
`tools/bench --plot-from results.json --plot out.png` can redraw a saved run without running
anything. matplotlib is imported (and installed when missing) only when a plot is drawn.
"""

import importlib
import math
import statistics
import subprocess
import sys

PIPELINE_SCENARIOS = ("copy", "json", "transforms")
SYSTEM_NAMES = {"kcat": "kcat", "connect": "Kafka Connect", "sluice": "Sluice"}


def _ok_rows(results, scenario, system=None):
    return [r for r in results if r.get("scenario") == scenario and "failed" not in r
            and "skipped" not in r and (system is None or r["name"] == system)]


def _median(rows, key):
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def percentile(values, p):
    """The nearest-rank p-th percentile (0 < p <= 100) of values, or None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _ratio(name, num, den, op, bound, target):
    """A ratio num/den with its target (op is ">=", "<=" or ">"); value None when a side is
    missing (a system skipped or failed)."""
    value = num / den if num is not None and den not in (None, 0) else None
    return _target(name, value, op, bound, target)


def _target(name, value, op, bound, target):
    """A figure with its target; op None: a figure without a target (reached stays None)."""
    reached = None
    if value is not None and op is not None:
        reached = {">=": value >= bound, "<=": value <= bound, ">": value > bound}[op]
    return {"name": name, "value": value, "op": op, "bound": bound, "target": target,
            "reached": reached}


def summarize(results, lines):
    """{scenario: {"medians": {system label: {figure: median}}, "ratios": [target dicts],
    "notes": [text]}} for every scenario that has rows, in the order they first appear."""
    summary = {}
    for scenario in dict.fromkeys(r["scenario"] for r in results):
        notes = [f"{r['name']}: not run ({r['skipped']})" for r in results
                 if r["scenario"] == scenario and "skipped" in r]
        notes += [f"{r['system']}: FAILED ({r['failed']})" for r in results
                  if r["scenario"] == scenario and "failed" in r]
        medians, ratios = SUMMARIZERS.get(scenario, _summarize_pipeline)(results, scenario,
                                                                        lines)
        summary[scenario] = {"medians": medians, "ratios": ratios, "notes": notes}
    return summary


def _summarize_pipeline(results, scenario, lines):
    medians = {}
    for system in ("kcat", "connect", "sluice"):
        rows = _ok_rows(results, scenario, system)
        if not rows:
            continue
        cpu = _median(rows, "cpu_s")
        medians[system] = {
            "rounds": len(rows),
            "records_per_s": _median(rows, "records_per_s"),
            "cpu_s": cpu,
            "cpu_s_per_million": cpu / lines * 1e6,
            "records_per_cpu_s": _median([{"v": lines / r["cpu_s"]} for r in rows if r["cpu_s"]],
                                         "v"),
            "peak_pss_mib": _median(rows, "peak_pss_mib"),
            "peak_rss_mib": _median(rows, "peak_rss_mib"),
        }
    get = lambda system, key: medians.get(system, {}).get(key)
    if scenario == "copy":
        ratios = [
            _ratio("Sluice records/s / kcat's", get("sluice", "records_per_s"),
                   get("kcat", "records_per_s"), ">=", 1, ">= 1"),
            _ratio("Sluice CPU s / kcat's", get("sluice", "cpu_s"), get("kcat", "cpu_s"),
                   "<=", 1.5, "<= 1.5"),
            _ratio("Sluice peak PSS / Kafka Connect's", get("sluice", "peak_pss_mib"),
                   get("connect", "peak_pss_mib"), "<=", 0.05, "<= 1/20 = 0.05"),
        ]
    else:
        ratios = [_ratio("Sluice records per CPU s / Kafka Connect's",
                         get("sluice", "records_per_cpu_s"), get("connect", "records_per_cpu_s"),
                         ">=", 5, ">= 5")]
    return medians, ratios


def _summarize_multitask(results, scenario, lines):
    medians = {}
    for tasks in (1, 2):
        rows = [r for r in _ok_rows(results, scenario, "sluice") if r["tasks"] == tasks]
        if not rows:
            continue
        records = rows[0]["records"]
        medians[f"sluice tasks.max={tasks}"] = {
            "rounds": len(rows),
            "records": records,
            "source_records_per_s": _median(rows, "source_records_per_s"),
            "source_cpu_s": _median(rows, "source_cpu_s"),
            "sink_records_per_s": _median(rows, "sink_records_per_s"),
            "sink_cpu_s": _median(rows, "sink_cpu_s"),
            "cpu_s_per_million": (_median(rows, "source_cpu_s") + _median(rows, "sink_cpu_s"))
            / records * 1e6,
            "peak_pss_mib": _median(rows, "peak_pss_mib"),
            "peak_rss_mib": _median(rows, "peak_rss_mib"),
        }
    one = medians.get("sluice tasks.max=1", {})
    two = medians.get("sluice tasks.max=2", {})
    ratios = [
        _ratio("Sluice source records/s, 2 tasks / 1 task", two.get("source_records_per_s"),
               one.get("source_records_per_s"), ">", 1, "> 1 (grows with the second core)"),
        _ratio("Sluice sink records/s, 2 tasks / 1 task", two.get("sink_records_per_s"),
               one.get("sink_records_per_s"), ">", 1, "> 1 (grows with the second core)"),
    ]
    return medians, ratios


def _summarize_many_connectors(results, scenario, lines):
    medians = {}
    for system in ("connect", "sluice"):
        rows = _ok_rows(results, scenario, system)
        if not rows:
            continue
        medians[system] = {"rounds": len(rows), "connectors": rows[0]["connectors"]}
        for key in ("pss_before_mib", "pss_after_mib", "pss_per_connector_mib",
                    "create_median_ms", "create_p90_ms", "memavailable_drop_mib",
                    "memavailable_per_connector_mib"):
            medians[system][key] = _median(rows, key)
    sluice = medians.get("sluice", {})
    ratios = [
        _target("Sluice PSS per idle connector, MiB", sluice.get("pss_per_connector_mib"),
                "<=", 5, "<= 5 MiB"),
        _target("Sluice create-to-RUNNING median, ms", sluice.get("create_median_ms"), "<=", 50,
                "<= 50 ms"),
    ]
    return medians, ratios


def _summarize_startup(results, scenario, lines):
    medians = {}
    for system in ("connect", "sluice"):
        rows = _ok_rows(results, scenario, system)
        if not rows:
            continue
        medians[system] = {"rounds": len(rows), "ready_ms": _median(rows, "ready_median_ms"),
                           "kill_to_failed_ms": _median(rows, "kill_to_failed_median_ms")}
    sluice = medians.get("sluice", {})
    ratios = [
        _target("Sluice start to ready, ms", sluice.get("ready_ms"), "<=", 100, "<= 100 ms"),
        _target("Sluice killed plugin host to FAILED, ms", sluice.get("kill_to_failed_ms"), "<=",
                1000, "<= 1000 ms"),
        _ratio("Sluice start to ready / Kafka Connect's", sluice.get("ready_ms"),
               medians.get("connect", {}).get("ready_ms"), None, None, None),
    ]
    return medians, ratios


SUMMARIZERS = {"copy": _summarize_pipeline, "json": _summarize_pipeline,
               "transforms": _summarize_pipeline, "multitask": _summarize_multitask,
               "many-connectors": _summarize_many_connectors, "startup": _summarize_startup}


# ------------------------------------------------------------------------------------ the text

def _fmt(value, digits=2):
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


MEDIAN_FIGURES = {
    "pipeline": [("records_per_s", "records/s", 0), ("cpu_s", "CPU s", 2),
                 ("records_per_cpu_s", "records per CPU s", 0),
                 ("peak_pss_mib", "peak PSS MiB", 0), ("peak_rss_mib", "peak RSS MiB", 0)],
    "multitask": [("source_records_per_s", "source records/s", 0),
                  ("source_cpu_s", "source CPU s", 2),
                  ("sink_records_per_s", "sink records/s", 0), ("sink_cpu_s", "sink CPU s", 2),
                  ("peak_pss_mib", "peak PSS MiB", 0)],
    "many-connectors": [("pss_before_mib", "PSS before MiB", 0),
                        ("pss_after_mib", "PSS after MiB", 0),
                        ("pss_per_connector_mib", "MiB per connector", 2),
                        ("create_median_ms", "create-to-RUNNING median ms", 1),
                        ("create_p90_ms", "p90 ms", 1),
                        ("memavailable_per_connector_mib", "MemAvailable drop per connector MiB",
                         2)],
    "startup": [("ready_ms", "start to ready ms", 1),
                ("kill_to_failed_ms", "killed host to FAILED ms", 1)],
}


def _rounds(n):
    return "1 round" if n == 1 else f"{n} rounds"


def summary_text(summary):
    """The medians and ratios of every scenario, as printed after the tables."""
    out = []
    for scenario, s in summary.items():
        kind = scenario if scenario in MEDIAN_FIGURES else "pipeline"
        out.append(f"{scenario}: medians")
        figures = MEDIAN_FIGURES[kind]
        for label, m in s["medians"].items():
            parts = [f"{_fmt(m.get(key), d)} {name}"
                     for key, name, d in figures if m.get(key) is not None]
            shown = SYSTEM_NAMES.get(label) or label.replace("sluice ", "Sluice, ")
            out.append(f"  {shown} ({_rounds(m['rounds'])}): "
                       + ", ".join(parts))
        for note in s["notes"]:
            out.append(f"  {note}")
        for r in s["ratios"]:
            value = "-" if r["value"] is None else f"{r['value']:.3g}"
            verdict = "   " if r["target"] is None else f"   target {r['target']}: "
            if r["value"] is None:
                verdict += "n/a (a side is missing)"
            elif r["target"] is not None:
                verdict += "reached" if r["reached"] else "NOT reached"
            out.append(f"  {r['name']} = {value}{verdict}".rstrip())
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------------------------ the plot

def _pyplot():
    """matplotlib.pyplot with the Agg backend; installs matplotlib with pip when missing (as
    tools/setup installs Python packages)."""
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        print("bench: installing matplotlib (python3 -m pip install --quiet matplotlib)",
              file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "matplotlib"],
                       check=True)
        importlib.invalidate_caches()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_panels(summary):
    """The bars of the plot's three panels (records/s, CPU s per million records, peak PSS
    MiB), from the summary's medians: per panel [(group label, {system label: value})]."""
    rate, cpu, pss = [], [], []
    for scenario in PIPELINE_SCENARIOS:
        medians = summary.get(scenario, {}).get("medians", {})
        if medians:
            rate.append((scenario, {SYSTEM_NAMES[s]: m["records_per_s"]
                                    for s, m in medians.items()}))
            cpu.append((scenario, {SYSTEM_NAMES[s]: m["cpu_s_per_million"]
                                   for s, m in medians.items()}))
            pss.append((scenario, {SYSTEM_NAMES[s]: m["peak_pss_mib"]
                                   for s, m in medians.items()}))
    multitask = summary.get("multitask", {}).get("medians", {})
    for side in ("source", "sink"):
        for label, m in multitask.items():
            tasks = label.rsplit("=", 1)[1]
            group = f"multitask {side}\n{tasks} task{'' if tasks == '1' else 's'}"
            rate.append((group, {"Sluice": m[f"{side}_records_per_s"]}))
            cpu.append((group, {"Sluice": m[f"{side}_cpu_s"] / m["records"] * 1e6}))
    for label, m in multitask.items():
        tasks = label.rsplit("=", 1)[1]
        pss.append((f"multitask\n{tasks} task{'' if tasks == '1' else 's'}",
                    {"Sluice": m["peak_pss_mib"]}))
    many = summary.get("many-connectors", {}).get("medians", {})
    if many:
        pss.append((f"{next(iter(many.values()))['connectors']} idle\nconnectors",
                    {SYSTEM_NAMES[s]: m["pss_after_mib"] for s, m in many.items()}))
    return [rate, cpu, pss]


def plot(summary, path, title):
    """Draws three panels (records/s, CPU s per million records, peak PSS MiB), grouped bars
    per scenario with one bar per system (medians), into the PNG at path. ValueError when the
    summary has nothing to draw."""
    panels = plot_panels(summary)
    if not any(panels):
        raise ValueError("nothing to plot: no scenario with records/s or memory figures")
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter
    systems = [s for s in SYSTEM_NAMES.values()
               if any(s in bars for panel in panels for _, bars in panel)]
    colors = {"kcat": "#7f7f7f", "Kafka Connect": "#d62728", "Sluice": "#1f77b4"}
    titles = [("records/s", "records per second (higher is better)"),
              ("CPU s per million records", "CPU seconds per million records (lower is better)"),
              ("peak PSS MiB", "peak PSS of the process tree, MiB (lower is better); "
                               "idle connectors: PSS with all created")]
    widest = max(len(panel) for panel in panels)
    fig, axes = plt.subplots(3, 1, figsize=(max(8, 1.5 * widest + 2), 11))
    width = 0.8 / len(systems)
    for ax, panel, (ylabel, panel_title) in zip(axes, panels, titles):
        for k, system in enumerate(systems):
            xs, ys = [], []
            for g, (_, bars) in enumerate(panel):
                if bars.get(system) is not None:
                    xs.append(g - 0.4 + width * (k + 0.5))
                    ys.append(bars[system])
            if not xs:
                continue
            drawn = ax.bar(xs, ys, width, label=system, color=colors.get(system))
            ax.bar_label(drawn, labels=[f"{y:,.0f}" if y >= 100 else f"{y:.1f}" for y in ys],
                         fontsize=7, padding=1)
        ax.set_xticks(range(len(panel)), [label for label, _ in panel], fontsize=8)
        ax.set_xlim(-0.6, max(len(panel), 1) - 0.4)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylabel(ylabel)
        ax.set_title(panel_title, fontsize=10)
        ax.margins(y=0.15)
        ax.grid(axis="y", alpha=0.3)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colors[s]) for s in systems]
    fig.legend(handles, systems, loc="upper center", ncol=len(systems), fontsize=9,
               bbox_to_anchor=(0.5, 0.965), frameon=False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=110)
    plt.close(fig)
