"""Write a batch CSV of random organisations, the same file for the same seed: `make_survey.py ROWS OUT.csv [--seed S]`.

Each organisation has a maturity around which its answers scatter (a mature one agrees with the "+" facts
and disagrees with the "-" ones), so every level and diagnostic occurs; half the rows answer every question,
the others leave a random share of the facts unknown (an empty cell). The facts and the answer scale are the
model's (`--model DIR`, default the bundled one); for the bundled model the files are those of before the
model became a value (the same draws, the same cells).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import random
import sys
from collections.abc import Iterator
from pathlib import Path

if importlib.util.find_spec("branda") is None:  # a checkout that was never installed is the package `branda`
    _root = Path(__file__).resolve().parent.parent
    _spec = importlib.util.spec_from_file_location("branda", _root / "__init__.py",
                                                   submodule_search_locations=[str(_root)])
    assert _spec is not None and _spec.loader is not None
    sys.modules["branda"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["branda"])

from branda.knowledge.model import BUNDLED, Model, load_model  # noqa: E402


def rows(model: Model, count: int, seed: int) -> Iterator[list[str]]:
    """`count` rows of cells: the organisation's name, then one cell per fact of `model` ('' = unknown)."""
    rnd = random.Random(seed)
    facts = list(model.facts.values())
    low, high = model.low, model.high
    for i in range(1, count + 1):
        maturity = rnd.uniform(low, high)  # where on the scale its "+" answers scatter
        known = 1.0 if rnd.random() < 0.5 else rnd.random()
        cells = [f"Organisation {i:07d}"]
        for fact in facts:
            if rnd.random() >= known:
                cells.append("")
                continue
            centre = maturity if fact.positive else low + high - maturity
            cells.append(str(min(high, max(low, round(rnd.gauss(centre, 0.7))))))
        yield cells


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, help="how many organisations")
    parser.add_argument("out", type=Path, help="the CSV file to write")
    parser.add_argument("--seed", type=int, default=0, help="the random seed (default 0)")
    parser.add_argument("--model", type=Path, default=BUNDLED, help="the model's folder (default: the bundled one)")
    args = parser.parse_args(argv)
    model = load_model(args.model)
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["organisation", *model.facts])
        writer.writerows(rows(model, args.rows, args.seed))


if __name__ == "__main__":
    main()
