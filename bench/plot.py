#!/usr/bin/env python3
"""Plot of search p99 latency against scale from custmgmt-bench JSON runs.

usage: plot.py --out FILE.png RUN.json [RUN.json ...]
One line per backend and query shape (library), dashed lines for the
straightforward SQL; log-log axes. Needs python3-matplotlib (Debian).
"""
import argparse
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SHAPES = ["prefix2", "prefix_long", "word", "tags_type_range", "second_page"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("runs", nargs="+")
    args = ap.parse_args()
    series = {}  # (backend, shape, path) -> [(scale, p99)]
    for path in args.runs:
        with open(path, encoding="utf-8") as f:
            run = json.load(f)
        for backend, b in run["backends"].items():
            if "search" not in b:
                continue
            for shape in SHAPES:
                s = b["search"][shape]
                for kind in ("library", "straightforward_sql"):
                    series.setdefault((backend, shape, kind), []).append(
                        (run["scale"], s[kind]["p99_ms"]))
                    if backend == "sqlite" and "cpu_p99_ms" in s[kind]:
                        series.setdefault(("sqlite-cpu", shape, kind), []).append(
                            (run["scale"], s[kind]["cpu_p99_ms"]))
    panels = (("sqlite", "SQLite, wall-clock p99"), ("sqlite-cpu", "SQLite, CPU-time p99"),
              ("postgresql", "PostgreSQL, wall-clock p99"))
    fig, axes = plt.subplots(1, 3, figsize=(16, 5), sharey=True)
    for ax, (backend, title) in zip(axes, panels):
        for i, shape in enumerate(SHAPES):
            color = "C%d" % i
            for kind, style in (("library", "-o"), ("straightforward_sql", ":x")):
                pts = sorted(series.get((backend, shape, kind), []))
                if not pts:
                    continue
                label = shape + ("" if kind == "library" else " (straightforward SQL)")
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style, color=color,
                        label=label)
        ax.axhline(10, color="grey", linewidth=0.8, linestyle="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("accounts")
        ax.grid(True, which="both", linewidth=0.3)
    axes[0].set_ylabel("search p99 (ms), LIMIT 50")
    for ax in axes:
        if ax.get_lines()[1:]:  # more than the 10 ms line
            ax.legend(fontsize=7, loc="upper left")
            break
    fig.suptitle("custmgmt search p99 against scale (dashed line: 10 ms target)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)


if __name__ == "__main__":
    main()
