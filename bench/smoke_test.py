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
# runs and reports. The row-by-row loaders run on a bounded prefix, as at 1M.
SCALE = "2000"
ROW_LIMIT = 500
HERE = os.path.dirname(os.path.abspath(__file__))

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
        # The run itself checks that the raw same-SQL pages hold the library's
        # rows (it fails otherwise).
        subprocess.run([exe, "--scale", SCALE, "--backend", backend, "--queries", "100",
                        "--reads", "50", "--updates", "20", "--row-limit", str(ROW_LIMIT),
                        "--dir", tmp, "--out", out],
                       check=True, env=env)
        with open(out, encoding="utf-8") as f:
            data = json.load(f)
        table = subprocess.run([sys.executable, os.path.join(HERE, "report.py"), out],
                               check=True, capture_output=True, text=True).stdout
    check(data["scale"] == int(SCALE), "scale")
    b = data["backends"][name]
    imp = b["import"]
    for k in ("library", "raw_straightforward", "raw_best", "library_populated",
              "raw_straightforward_populated"):
        check({"accounts", "rows_per_s", "accounts_per_s", "peak_rss_kb"} <= set(imp[k]),
              "import." + k)
    for k in ("library", "raw_best"):
        check(imp[k]["rows"] == data["rows"] and imp[k]["accounts"] == int(SCALE),
              "import.%s.rows" % k)
    # The row-by-row loaders and the library into the populated store: the
    # bounded prefix, the same accounts for both.
    check(imp["row_by_row_accounts"] == ROW_LIMIT and imp["row_by_row_bounded"] is True,
          "import.row_by_row_accounts")
    for k in ("raw_straightforward", "library_populated", "raw_straightforward_populated"):
        check(imp[k]["accounts"] == ROW_LIMIT, "import.%s.accounts" % k)
    check(imp["library_populated"]["rows"] == imp["raw_straightforward_populated"]["rows"],
          "import.library_populated.rows")
    check({"ratio_library_to_straightforward", "ratio_library_to_best",
           "ratio_library_populated_to_straightforward_populated"} <= set(imp), "ratios")
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
    title = "### %s, 2,000 accounts" % ("SQLite" if name == "sqlite" else "PostgreSQL")
    check(title in table and "first 500 accounts only" in table and "point read" in table,
          "report.py table")
    print("bench smoke %s: ok" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
