#!/usr/bin/env python3
"""Doxygen input filter for the Markdown guides (docs/Doxyfile.in, FILTER_PATTERNS).

Doxygen turns a relative link to a .md file into a reference to that page and
warns when the page is not part of its input. Links to guides that are pages
(README.md as the main page, CHANGELOG.md, docs/*.md) stay references; links
to any other .md file (a directory's README.md index, a guide not written yet)
become plain HTML links. Lines are kept one for one, so warnings point at the
right line.   usage: doxygen_md_filter.py FILE
"""
import re
import sys
from pathlib import Path

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s:]+\.md)(#[^)\s]*)?\)")


def main() -> None:
    path = Path(sys.argv[1])
    text = path.read_text(encoding="utf-8")

    def fix(m: re.Match) -> str:
        target = (path.parent / m.group(2)).resolve()
        is_page = target.is_file() and target.name != "README.md"
        if is_page or (target.name == "README.md" and target.parent == Path.cwd().resolve()):
            return m.group(0)
        return f'<a href="{m.group(2)}{m.group(3) or ""}">{m.group(1)}</a>'

    sys.stdout.write(LINK.sub(fix, text))


if __name__ == "__main__":
    main()
