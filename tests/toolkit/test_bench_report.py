"""The benchmark's report: medians, spreads and ratios come out right, and the files get written.

The benchmark itself runs real servers (`make bench`; notebook 03 runs its quick mode, and the
notebook checks execute it); these checks feed the report known samples.
"""

import json

from workshop.measuring.bench import BenchRun, Measured, Sample
from workshop.measuring.bench_report import report, write


def sample(rate, p99=10.0, lost=0):
    return Sample(
        deliveries_per_second=rate,
        p50_ms=5.0,
        p99_ms=p99,
        lost=lost,
        server_cpu_percent=90.0,
        redis_cpu_percent=10.0,
        cpu_us_per_delivery=100.0,
    )


def a_run():
    load = "paced 1x50x20"
    return BenchRun(
        started="2026-11-24 12:00 UTC",
        seconds=1.0,
        quick=True,
        repeats=3,
        redis="an embedded test server",
        results=[
            Measured("02", load, [sample(1000), sample(900), sample(1100)]),
            Measured("03", load, [sample(2000), sample(2100), sample(1800, lost=4)]),
            Measured("baseline", load, [sample(10000)] * 3),
        ],
        scaling=[],
        idle_kib_per_connection=None,
        cpu_count=2,
    )


def test_each_row_shows_the_median_its_spread_and_its_ratios_to_the_baseline_and_step_02():
    lines = report(a_run()).splitlines()
    rows = {line.split("|")[2].strip(): line for line in lines if line.startswith("| paced 1x50x20")}
    assert "| 2,000 (1,800-2,100) |" in rows["03"]
    assert "| 0.20x | 2.00x |" in rows["03"]
    assert "| 4 |" in rows["03"], "lost shows the worst run"
    assert "| 1.00x |" in rows["02"].split("|", 10)[-1]


def test_the_targets_are_read_from_the_same_run():
    assert "- step 03: 2.00x step 02 on paced 1x50x20 (target 1.8x): met" in report(a_run()).splitlines()


def test_the_run_is_written_as_json_and_as_a_plot(tmp_path):
    data, plot = write(a_run(), tmp_path)
    saved = json.loads(data.read_text())
    assert saved["results"][1]["samples"][2]["lost"] == 4
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
