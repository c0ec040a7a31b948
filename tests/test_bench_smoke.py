"""The classifier benchmark still runs (`--quick`) and reports every figure; no speed is tested."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "bench_classify.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_classify", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


def test_inputs_are_deterministic_and_shaped_as_promised() -> None:
    bench = _bench()
    cases = bench.adversarial_inputs()
    names = [name for name, _ in cases]
    assert len(names) == len(set(names))
    assert len(cases) >= 30
    for name, text in cases:
        assert 0 < len(text) <= 2 * bench.ADVERSARIAL_CHARS, name
    repeated = [text for name, text in cases if name.startswith("repeat ")]
    assert all(len(text) == bench.ADVERSARIAL_CHARS for text in repeated)

    talk = bench.chatter(300_000)
    assert talk == bench.chatter(300_000)
    assert max(len(t) for t in talk) <= bench.ADVERSARIAL_CHARS
    assert any(not t.isascii() for t in talk)  # Korean is in the mix

    texts, sources = bench.load_pastes()
    assert texts and sources
    mix = bench.paste_mix(texts, 300)
    assert mix == bench.paste_mix(texts, 300)
    assert len(mix) == 300


def test_throughput_and_worst_case_helpers_report_positive_figures() -> None:
    bench = _bench()
    figures = bench.throughput(str.lower, ["some text", "더 많은 텍스트"], 0.01)
    assert _positive(figures["calls_per_s"])
    assert _positive(figures["mb_per_s"])
    worst = bench.worst_case(str.upper, [("a", "a" * 100), ("b", "b" * 10)], repeats=1)
    assert worst["cases"] == 2
    assert [entry["name"] for entry in worst["slowest"]] in (["a", "b"], ["b", "a"])
    assert worst["errors"] == []

    def boom(text: str) -> object:
        raise ValueError("nope")

    assert bench.worst_case(boom, [("x", "x")], repeats=1)["errors"] == [
        "x: raised ValueError: nope"
    ]


@pytest.mark.slow
def test_quick_run_prints_every_figure() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for key in (
        "inputs",
        "classify",
        "find_denials",
        "redact",
        "catalog",
        "explain",
        "peak_rss_mb",
    ):
        assert key in results, key
    assert results["quick"] is True
    assert results["inputs"]["mix_pastes"] > 0
    assert results["inputs"]["chatter_mb"] > 0
    assert results["inputs"]["adversarial_cases"] > 0

    for label in ("classify", "find_denials", "redact"):
        entry = results[label]
        if "mix" not in entry:  # the part is not there (yet): the row says why
            assert entry.get("error"), label
            continue
        assert _positive(entry["mix"]["calls_per_s"]), label
        assert _positive(entry["chatter"]["mb_per_s"]), label
        assert _positive(entry["adversarial"]["worst_ms"]), label
        assert len(entry["adversarial"]["slowest"]) == min(5, entry["adversarial"]["cases"])

    catalog = results["catalog"]
    assert _positive(catalog["first_check_ms"])
    assert _positive(catalog["cached_check_us"])

    for key in ("text", "json"):
        run = results["explain"][key]
        assert "p50_ms" in run or run.get("error"), run
        if "p50_ms" in run:
            assert _positive(run["p50_ms"])
            assert run["p99_ms"] >= run["p50_ms"]

    assert _positive(results["peak_rss_mb"]["bench"])

    table = _bench().table(results)
    assert "measure" in table
    assert "catalog: cached check" in table
