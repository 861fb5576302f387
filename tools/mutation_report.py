"""Mutation score per module from mutmut's results (mutants/**/*.meta), as the
table docs/TESTING.md keeps: `make mutation` runs mutmut, then this.

Each mutant that was tried counts once:
- killed: a test failed on it;
- timed out: it ran past its time (a mutant that keeps a loop from ending),
  which mutmut counts as caught; shown apart, since a loaded machine can make an
  honest mutant slow;
- survived: the tests passed on it;
- not covered: no selected test runs its function (counts as survived);
- anything else mutmut reports (suspicious, segfault) counts as survived.
The score is (killed + timed out) / tried. Survivors judged equivalent still
count as survivors (docs/TESTING.md says why each is equivalent), so the score
is never flattered. Mutants not tried (a run stopped early, or restricted to
some functions) are counted apart and not in the score.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mutmut.stats import status_by_exit_code


@dataclass
class Row:
    module: str
    killed: int = 0
    timed_out: int = 0
    survivors: list[str] = field(default_factory=list)
    not_covered: list[str] = field(default_factory=list)
    not_tried: int = 0

    @property
    def tried(self) -> int:
        return self.killed + self.timed_out + len(self.survivors) + len(self.not_covered)

    @property
    def score(self) -> float:
        return (self.killed + self.timed_out) / self.tried if self.tried else 0.0


def report(root: Path) -> list[Row]:
    rows = []
    for meta in sorted(root.rglob("*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        row = Row(str(meta.relative_to(root)).removesuffix(".meta"))
        for name, code in sorted(codes.items()):
            status = status_by_exit_code[code]  # mutmut's own reading of its codes
            if status == "not checked":
                row.not_tried += 1
            elif status in ("killed", "caught by type check"):
                row.killed += 1
            elif status == "timeout":
                row.timed_out += 1
            elif status == "no tests":
                row.not_covered.append(name)
            else:  # survived, and anything odd (suspicious, segfault): not caught
                row.survivors.append(name)
        rows.append(row)
    return rows


def main() -> int:
    rows = report(Path(sys.argv[1] if len(sys.argv) > 1 else "mutants"))
    print("| module | tried | killed | timed out | survived | not covered | score | not tried |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| `{r.module}` | {r.tried} | {r.killed} | {r.timed_out} | {len(r.survivors)} "
            f"| {len(r.not_covered)} | {r.score:.1%} | {r.not_tried} |"
        )
    for r in rows:
        for name in r.survivors:
            print(f"survived: {name}", file=sys.stderr)
        for name in r.not_covered:
            print(f"not covered: {name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
