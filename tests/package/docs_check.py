#!/usr/bin/env python3
"""Keeps the code in the guides (docs/*.md) true.

    docs_check.py --source DIR --cc CC --cxx CXX --include DIR... --lib FILE... MD...

1. A fenced block right after a line `<!-- snippet: PATH#NAME -->` must equal,
   after dedenting, the lines between the two `// [NAME]` (or `# [NAME]`) markers of PATH
   (relative to the source directory); PATH is built and run by ctest.
2. Every ```c or ```cpp block that defines `int main(` is compiled (-Wall
   -Wextra -pedantic -Werror) and linked against the given libraries, then
   run in an empty temporary directory: it must exit with 0.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!-- snippet: (\S+)#(\S+) -->\s*$")


def blocks(text):
    """Yields (language, code, marker match or None, line number)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and m.group(1):
            marker = MARKER.match(lines[i - 1]) if i > 0 else None
            start = i + 1
            j = start
            while j < len(lines) and lines[j].rstrip() != "```":
                j += 1
            yield m.group(1), "\n".join(lines[start:j]) + "\n", marker, start
            i = j + 1
        else:
            i += 1


def region(path, name):
    text = path.read_text().splitlines()
    tags = (f"// [{name}]", f"# [{name}]")
    idx = [k for k, line in enumerate(text) if line.strip() in tags]
    if len(idx) != 2:
        raise SystemExit(f"{path}: expected two '// [{name}]' or '# [{name}]' markers, "
                         f"found {len(idx)}")
    return textwrap.dedent("\n".join(text[idx[0] + 1:idx[1]]) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("--lib", action="append", default=[])
    ap.add_argument("docs", nargs="+")
    args = ap.parse_args()
    source = Path(args.source)
    failures = 0
    checked = compiled = 0
    libdirs = sorted({str(Path(lib).parent) for lib in args.lib})
    for doc in args.docs:
        doc = Path(doc)
        for lang, code, marker, line in blocks(doc.read_text()):
            where = f"{doc.name}:{line}"
            if marker:
                checked += 1
                expected = region(source / marker.group(1), marker.group(2))
                if code != expected:
                    failures += 1
                    print(f"FAILED {where}: differs from {marker.group(1)}#{marker.group(2)}:\n"
                          f"--- in the guide\n{code}--- in the file\n{expected}")
                continue
            if lang not in ("c", "cpp") or "int main(" not in code:
                continue
            compiled += 1
            with tempfile.TemporaryDirectory() as tmp:
                src = Path(tmp) / ("prog.c" if lang == "c" else "prog.cpp")
                src.write_text(code)
                compiler = [args.cc, "-std=c11"] if lang == "c" else [args.cxx, "-std=c++17"]
                cmd = (compiler + ["-Wall", "-Wextra", "-pedantic", "-Werror", "-o",
                                   str(Path(tmp) / "prog"), str(src)]
                       + [f"-I{d}" for d in args.include] + args.lib
                       + [f"-Wl,-rpath,{d}" for d in libdirs])
                result = subprocess.run(cmd, capture_output=True, text=True)
                if result.returncode != 0:
                    failures += 1
                    print(f"FAILED {where}: does not compile:\n{result.stderr}")
                    continue
                run = subprocess.run([str(Path(tmp) / "prog")], cwd=tmp, capture_output=True,
                                     text=True, timeout=120)
                if run.returncode != 0:
                    failures += 1
                    print(f"FAILED {where}: exits with {run.returncode}:\n{run.stdout}{run.stderr}")
                else:
                    print(f"ok {where}: {run.stdout.strip()[:200]}")
    print(f"{checked} snippets compared with their files, {compiled} programs built and run")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
