"""Shows a benchmark run: a table for the terminal (and the README), a JSON file, a PNG plot."""

from __future__ import annotations

import json
from pathlib import Path

from workshop.measuring.bench import FASTEST, REFERENCE_STEP, TUNED_STEP, VARIANTS, BenchRun, Measured
from workshop.paths import BUILD_DIR

BUILD = BUILD_DIR / "bench"
LABELS = {variant.key: variant.label for variant in VARIANTS}


def _ratio(value: float, reference: float | None) -> str:
    return f"{value / reference:.2f}x" if reference else "-"


def _failed(measured: Measured) -> str:
    count = len(measured.failures)
    return f" ({count} run{'s' if count > 1 else ''} failed)" if count else ""


def table(results: list[Measured], title: str) -> str:
    """One Markdown table, grouped by load; each row a variant, with ratios to the baseline and 02."""
    lines = [
        f"**{title}**",
        "",
        "| load | variant | deliveries/s (min-max) | p50 ms | p99 ms | lost | server CPU | Redis CPU "
        f"| CPU us/delivery | x baseline | x step {REFERENCE_STEP} |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for load in dict.fromkeys(measured.load for measured in results):
        rows = [measured for measured in results if measured.load == load]
        reference = {m.variant: m.median("deliveries_per_second") for m in rows if m.samples}
        for measured in rows:
            if not measured.samples:
                lines.append(f"| {load} | {measured.variant} | every run failed: {measured.failures[0]} |")
                continue
            rate = measured.median("deliveries_per_second")
            low, high = measured.spread("deliveries_per_second")
            lines.append(
                f"| {load} | {measured.variant} | {rate:,.0f} ({low:,.0f}-{high:,.0f}) "
                f"| {measured.median('p50_ms'):,.0f} | {measured.median('p99_ms'):,.0f} "
                f"| {max(sample.lost for sample in measured.samples):,}{_failed(measured)} "
                f"| {measured.median('server_cpu_percent'):.0f}% | {measured.median('redis_cpu_percent'):.0f}% "
                f"| {measured.median('cpu_us_per_delivery'):.0f} "
                f"| {_ratio(rate, reference.get('baseline'))} | {_ratio(rate, reference.get(REFERENCE_STEP))} |"
            )
    return "\n".join(lines)


def _median_rate(results: list[Measured], variant: str, load: str) -> float | None:
    found = [m for m in results if m.variant == variant and m.load == load and m.samples]
    return found[0].median("deliveries_per_second") if found else None


def targets(run: BenchRun) -> list[str]:
    """The issue's targets, read from this run: a ratio and whether it meets its bar."""
    lines = []

    def ratio_line(what: str, variant: str, load: str, bar: float) -> None:
        rate, base = _median_rate(run.results, variant, load), _median_rate(run.results, REFERENCE_STEP, load)
        if rate is not None and base:
            verdict = "met" if rate / base >= bar else "NOT met"
            lines.append(
                f"- {what}: {rate / base:.2f}x step {REFERENCE_STEP} on {load} (target {bar}x): {verdict}"
            )

    ratio_line(f"step {TUNED_STEP}", TUNED_STEP, "paced 1x50x20", 1.8)
    ratio_line(f"fastest ({FASTEST})", FASTEST, "burst 1x50x20", 3.0)
    bursts = [m for m in run.results if m.variant == FASTEST and m.load.startswith("burst")]
    if bursts:
        lost = sum(max((sample.lost for sample in m.samples), default=0) + len(m.failures) for m in bursts)
        lines.append(
            f"- fastest ({FASTEST}) on every burst: {lost} lost (target 0): {'met' if lost == 0 else 'NOT met'}"
        )
    before, after = (
        [
            m.median("cpu_us_per_delivery")
            for m in run.results
            if m.variant == key and m.load == "burst 1x50x20"
        ]
        for key in (TUNED_STEP, "03-tuned")
    )
    if before and after:
        lines.append(
            f"- server CPU per delivery, burst 1x50x20: step 03 {before[0]:.0f} us, tuned {after[0]:.0f} us "
            f"({100 * (after[0] - before[0]) / before[0]:+.0f}%)"
        )
    return lines


def report(run: BenchRun) -> str:
    parts = [
        f"Benchmark of {run.started}, {run.cpu_count} CPUs, Redis: {run.redis}; "
        f"median of {run.repeats} runs each; took {run.seconds:.0f} s.",
        "",
        "Variants: " + "; ".join(f"{key} = {label}" for key, label in LABELS.items()) + ".",
        "Lost: the most any run lost. CPU: share of one core over the run.",
        "",
        table(run.results, "Standard loads"),
    ]
    if run.scaling:
        parts += ["", table(run.scaling, "Scaling: clients per room, paced")]
    if target_lines := targets(run):
        parts += ["", "**Targets**", "", *target_lines]
    if run.idle_kib_per_connection is not None:
        parts += ["", f"Memory per idle connection, step 03: {run.idle_kib_per_connection:.1f} KiB."]
    return "\n".join(parts)


def write(run: BenchRun, folder: Path = BUILD) -> tuple[Path, Path]:
    """Save the run as JSON and as a plot of deliveries/s and p99 per variant and load."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    data_path, plot_path = folder / "bench.json", folder / "bench.png"
    data_path.write_text(json.dumps(run.as_json(), indent=1))

    loads = list(dict.fromkeys(measured.load for measured in run.results))
    variants = list(dict.fromkeys(measured.variant for measured in run.results))
    figure, axes = plt.subplots(2, 1, figsize=(11, 8), sharex=True)
    width = 0.8 / len(variants)
    for index, variant in enumerate(variants):
        by_load = {m.load: m for m in run.results if m.variant == variant}
        positions = [load_index + index * width for load_index in range(len(loads))]
        axes[0].bar(
            positions, [by_load[load].median("deliveries_per_second") for load in loads], width, label=variant
        )
        axes[1].bar(positions, [by_load[load].median("p99_ms") for load in loads], width, label=variant)
    axes[0].set_ylabel("deliveries per second")
    axes[1].set_ylabel("p99 latency (ms, log)")
    axes[1].set_yscale("log")
    axes[1].set_xticks([i + 0.4 - width / 2 for i in range(len(loads))], loads, rotation=20)
    axes[0].legend(ncols=3, fontsize=8)
    axes[0].set_title(f"channels-workshop benchmark, {run.started}, median of {run.repeats}")
    for axis in axes:
        axis.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(plot_path, dpi=100)
    plt.close(figure)
    return data_path, plot_path
