#!/usr/bin/env bash
# Runs custmgmt-bench (and the Python peer) at one or more scales, then prints
# the Markdown table and draws the search-p99-against-scale plot.
#
#   bench/run.sh [--scale N]... [--backend sqlite|postgres|all] [--python]
#                [--build DIR] [--out DIR] [-- extra custmgmt-bench options]
#
# Defaults: --scale 10000 --scale 100000, --backend all, build dir
# build-bench, results in bench/results/<UTC date-time>/. 1,000,000 is
# opt-in (--scale 1000000). PostgreSQL runs when CUSTMGMT_BENCH_PG_URI or
# CUSTMGMT_TEST_PG_URI names a scratch database (its schema is dropped and
# recreated), e.g. after: eval "$(scripts/pg-cluster start "$(mktemp -d)" --no-replica)"
# Build first:
#   cmake -S . -B build-bench -DCUSTMGMT_WITH_POSTGRES=ON -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench -j2 --target custmgmt-bench   # and _core for --python
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-bench
out=
backend=all
python=0
scales=()
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scales+=("$2"); shift 2 ;;
    --backend) backend=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --python) python=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--scale N]... [--backend B] [--python] [--build DIR] [--out DIR]" >&2; exit 2 ;;
  esac
done
[ ${#scales[@]} -gt 0 ] || scales=(10000 100000)
[ -n "$out" ] || out=$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
exe=$build/bench/custmgmt-bench
[ -x "$exe" ] || { echo "run.sh: $exe not built" >&2; exit 1; }

{
  echo "date: $(date -u +%FT%TZ)"
  echo "cpus: $(nproc)"
  free -h | sed -n 2p | awk '{print "memory: " $2 " total"}'
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
} | tee "$out/machine.txt"

runs=()
pys=()
for s in "${scales[@]}"; do
  echo "== custmgmt-bench --scale $s --backend $backend" >&2
  work=$(mktemp -d)
  "$exe" --scale "$s" --backend "$backend" --dir "$work" --out "$out/run-$s.json" "${extra[@]}"
  rm -rf "$work"
  runs+=("$out/run-$s.json")
  if [ $python -eq 1 ]; then
    echo "== python_bench.py --scale $s" >&2
    PYTHONPATH=$build/bindings/python${PYTHONPATH:+:$PYTHONPATH} \
      /usr/bin/python3 "$root/bench/python_bench.py" --scale "$s" --out "$out/python-$s.json"
    pys+=("$out/python-$s.json")
  fi
done

args=("${runs[@]}")
[ ${#pys[@]} -eq 0 ] || args+=(--python "${pys[@]}")
/usr/bin/python3 "$root/bench/report.py" "${args[@]}" | tee "$out/table.md"
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  /usr/bin/python3 "$root/bench/plot.py" --out "$out/search-p99.png" "${runs[@]}"
  echo "plot: $out/search-p99.png" >&2
else
  echo "run.sh: python3-matplotlib not installed; no plot" >&2
fi
