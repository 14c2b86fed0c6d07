"""benchmarks/sweep_order.py: the scores are checked against further simulation, and
ordered sweeping keeps every verdict."""

from circuitlab.aiger import read_aiger
from circuitlab.benchmarks.sweep_order import measure, report
from helpers import EXAMPLES


def test_scores_splits_and_verdicts_on_i2c():
    a = read_aiger(EXAMPLES / "i2c.aig")
    rows = [
        measure(name, a, read_aiger(EXAMPLES / f"{name}.aig"), words=16, timeout=30) for name in ("i2c_dc2", "i2c_bug")
    ]
    eq, neq = rows
    assert eq["runs"]["unguided"]["verdict"] == eq["runs"]["order"]["verdict"] == "EQ"
    assert neq["runs"]["unguided"]["verdict"] == neq["runs"]["order"]["verdict"] == "NEQ"
    for r in rows:
        assert 0 <= r["deferred_split"] <= min(r["deferred"], r["split"]) and r["split"] <= r["candidates"]
    md = report(rows, 30, 16)
    assert "| i2c_dc2 |" in md and "Totals:" in md
