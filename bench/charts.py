"""PNG charts of a run: latency distributions, confusion matrices, throughput (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.report import CHANNEL_NAMES
from bench.targets import dig


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path, dpi: int) -> None:
    """Lays out, writes and closes a figure."""
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    _pyplot().close(fig)


def latency_chart(figures: dict[str, Any], path: Path) -> bool:
    """Empirical CDFs of latency, one panel per concurrency, every channel plus stock REST."""
    series: dict[str, dict[str, list[float]]] = {}
    for kind in ("ours", "ours_redis", "stock"):
        for channel, by_c in (dig(figures, "serving", kind, "latency") or {}).items():
            for concurrency, run in by_c.items():
                who = "stock Rasa" if kind == "stock" else kind.replace("_", " ")
                label = f"{who} · {CHANNEL_NAMES[channel]}"
                if run.get("latencies_ms"):
                    series.setdefault(concurrency, {})[label] = sorted(run["latencies_ms"])
    if not series:
        return False
    plt = _pyplot()
    keys = sorted(series, key=int)
    fig, axes = plt.subplots(1, len(keys), figsize=(6 * len(keys), 4.5), squeeze=False)
    for axis, concurrency in zip(axes[0], keys, strict=True):
        for label, values in series[concurrency].items():
            fractions = [(i + 1) / len(values) for i in range(len(values))]
            axis.step(
                values,
                fractions,
                where="post",
                label=label,
                linestyle="--" if label.startswith("stock") else "-",
            )
        axis.set_xscale("log")
        axis.set_xlabel("round trip (ms, log scale)")
        axis.set_ylabel("share of requests answered within")
        axis.set_title(f"Latency at concurrency {concurrency}")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    _save(fig, path, dpi=110)
    return True


def confusion_chart(matrix: dict[str, Any], title: str, path: Path) -> None:
    """A confusion matrix (rows: labelled intent; columns: predicted), counts in the cells."""
    plt = _pyplot()
    labels, rows = matrix["labels"], matrix["matrix"]
    size = max(6.0, 0.36 * len(labels) + 2)
    fig, axis = plt.subplots(figsize=(size + 1.5, size))
    shown = [[count if count else float("nan") for count in row] for row in rows]
    image = axis.imshow(shown, cmap="Blues")
    axis.set_xticks(range(len(labels)))
    axis.set_yticks(range(len(labels)))
    axis.set_xticklabels(labels, rotation=90, fontsize=7)
    axis.set_yticklabels(labels, fontsize=7)
    peak = max((max(row) for row in rows), default=1) or 1
    for i, row in enumerate(rows):
        for j, count in enumerate(row):
            if count:
                axis.text(
                    j,
                    i,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if count > peak / 2 else ("red" if i != j else "black"),
                )
    axis.set_xlabel("predicted intent")
    axis.set_ylabel("labelled intent")
    axis.set_title(title)
    fig.colorbar(image, ax=axis, fraction=0.03)
    _save(fig, path, dpi=100)


def throughput_chart(figures: dict[str, Any], path: Path) -> bool:
    """Answered messages per second by worker count: our channels and stock REST."""
    bars = []
    for kind in ("ours", "ours_redis", "stock"):
        for channel, by_w in (dig(figures, "serving", kind, "throughput") or {}).items():
            for workers, run in sorted(by_w.items()):
                if run.get("answered_per_s") is not None:
                    who = "stock Rasa" if kind == "stock" else kind.replace("_", " ")
                    bars.append(
                        (
                            f"{who}\n{CHANNEL_NAMES[channel]}\n{workers} worker(s)",
                            run["answered_per_s"],
                        )
                    )
    if not bars:
        return False
    plt = _pyplot()
    fig, axis = plt.subplots(figsize=(max(6, 1.3 * len(bars)), 4.5))
    axis.bar(
        range(len(bars)),
        [value for _, value in bars],
        color=["tab:gray" if label.startswith("stock") else "tab:blue" for label, _ in bars],
    )
    axis.set_xticks(range(len(bars)))
    axis.set_xticklabels([label for label, _ in bars], fontsize=7)
    axis.axhline(100, color="red", linestyle=":", label="target 100 msg/s")
    axis.set_ylabel("answered messages per second")
    axis.set_title("Throughput at saturation")
    axis.legend(fontsize=8)
    _save(fig, path, dpi=110)
    return True


def draw_all(figures: dict[str, Any], folder: Path, link_prefix: str) -> dict[str, str]:
    """Draws every chart the figures allow; returns {title: link relative to the report}."""
    links: dict[str, str] = {}
    if latency_chart(figures, folder / "latency.png"):
        links["Latency distribution"] = f"{link_prefix}latency.png"
    if throughput_chart(figures, folder / "throughput.png"):
        links["Throughput"] = f"{link_prefix}throughput.png"
    for kind, who in (("ours", "Korea Week Assistant"), ("stock", "stock Rasa")):
        for lang in ("zh", "ko"):
            matrix = dig(figures, "understanding", "heldout", kind, lang, "confusion")
            if matrix:
                name = f"confusion_{kind}_{lang}.png"
                confusion_chart(matrix, f"{who}: held-out {lang} confusion matrix", folder / name)
                links[f"Confusion matrix, {who}, {lang}"] = f"{link_prefix}{name}"
    return links
