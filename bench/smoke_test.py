#!/usr/bin/env python3
"""ctest smoke run of custmgmt-bench: it completes and writes JSON with the
expected keys. No timing assertion: performance is measured, not asserted.

usage: smoke_test.py CUSTMGMT_BENCH sqlite|postgres
Exits 77 (skipped) for postgres when CUSTMGMT_TEST_PG_URI is unset.
"""
import json
import os
import subprocess
import sys
import tempfile

# 2,000 accounts (≈6,000 rows): the 10k run takes over a minute on PostgreSQL
# on a loaded 2-core machine; the smoke run only proves that every workload
# runs and reports.
SCALE = "2000"

LATENCY = {"n", "mean_ms", "p50_ms", "p95_ms", "p99_ms"}
SHAPES = {"prefix2", "prefix_long", "word", "tags_type_range", "second_page"}


def check(cond, what):
    if not cond:
        print("bench smoke: missing or wrong: " + what, file=sys.stderr)
        sys.exit(1)


def main():
    exe, backend = sys.argv[1], sys.argv[2]
    env = dict(os.environ)
    name = "sqlite" if backend == "sqlite" else "postgresql"
    if backend == "postgres":
        if not env.get("CUSTMGMT_TEST_PG_URI"):
            print("CUSTMGMT_TEST_PG_URI not set: skipped")
            return 77
        env.pop("CUSTMGMT_BENCH_PG_URI", None)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.json")
        subprocess.run([exe, "--scale", SCALE, "--backend", backend, "--queries", "100",
                        "--reads", "50", "--updates", "20", "--dir", tmp, "--out", out],
                       check=True, env=env)
        with open(out, encoding="utf-8") as f:
            data = json.load(f)
    check(data["scale"] == int(SCALE), "scale")
    b = data["backends"][name]
    imp = b["import"]
    for k in ("library", "raw_straightforward", "raw_best"):
        check({"rows_per_s", "accounts_per_s", "peak_rss_kb"} <= set(imp[k]), "import." + k)
        check(imp[k]["rows"] == data["rows"], "import.%s.rows" % k)
    check({"ratio_library_to_straightforward", "ratio_library_to_best"} <= set(imp), "ratios")
    check("raw_straightforward_populated" in imp, "import.raw_straightforward_populated")
    io = b["io"]
    for k in ("ndjson_empty", "csv_empty", "ndjson_reimport", "ndjson_populated", "export_ndjson"):
        check({"rows_per_s", "accounts_per_s", "peak_rss_kb"} <= set(io[k]), "io." + k)
    # Re-importing the same file creates nothing: the same rows, all unchanged.
    check(io["ndjson_reimport"]["rows"] == io["ndjson_empty"]["rows"], "io.ndjson_reimport.rows")
    check(io["csv_empty"]["rows"] == io["ndjson_empty"]["rows"], "io.csv_empty.rows")
    check({"ratio_ndjson_empty_to_best", "ratio_csv_empty_to_best",
           "ratio_ndjson_populated_to_straightforward_populated"} <= set(io), "io ratios")
    check({"rows_per_s", "peak_rss_kb"} <= set(b["export"]), "export")
    check(b["export"]["rows"] == data["rows"], "export.rows")
    check(set(b["search"]) == SHAPES, "search shapes")
    for shape, v in b["search"].items():
        for k in ("library", "raw_same_sql", "straightforward_sql"):
            check(LATENCY <= set(v[k]), "search.%s.%s" % (shape, k))
        check("ratio_p99_library_to_raw" in v, "search.%s ratio" % shape)
    for k in ("point_read", "update"):
        check(LATENCY <= set(b[k]["library"]) and LATENCY <= set(b[k]["raw_same_sql"]), k)
    check(LATENCY <= set(b["stats"]["library"]), "stats")
    print("bench smoke %s: ok" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
