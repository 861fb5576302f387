"""Mutation score per module from mutmut's results (mutants/**/*.meta), as the
table docs/TESTING.md keeps: `make mutation` runs mutmut, then this.

A mutant is killed when the tests failed on it (exit code 1) or it timed out;
survived when they passed (0). Modules listed in EQUIVALENT have survivors we
judged equivalent (docs/TESTING.md says why); they count as survivors here too,
so the score is never flattered.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SURVIVED_CODES = {0, 5}  # tests passed (5: no tests ran: the mutant is not covered)


def report(root: Path) -> list[tuple[str, int, int, list[str]]]:
    rows = []
    for meta in sorted(root.rglob("*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        module = str(meta.relative_to(root)).removesuffix(".meta")
        survivors = sorted(k for k, code in codes.items() if code in SURVIVED_CODES)
        ran = [code for code in codes.values() if code is not None]
        killed = sum(1 for code in ran if code not in SURVIVED_CODES)
        rows.append((module, killed, len(codes), survivors))
    return rows


def main() -> int:
    rows = report(Path(sys.argv[1] if len(sys.argv) > 1 else "mutants"))
    print("| module | killed | mutants | score |\n|---|---|---|---|")
    for module, killed, total, _ in rows:
        print(f"| `{module}` | {killed} | {total} | {killed / total:.1%} |")
    for module, _, _, survivors in rows:
        for name in survivors:
            print(f"survived: {module}: {name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
