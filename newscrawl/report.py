"""The report: one self-contained HTML page of charts over the runs under the output folder.

Charts are drawn by matplotlib as SVG and put inline, so the page fetches nothing. Data comes
from each run's manifest (health, drops) and its records (sources, days, verdicts, lengths,
languages, datelines). Pure: no Scrapy import.
"""

from __future__ import annotations

import html
import io
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("svg")  # no display, and SVG is what the page inlines

import matplotlib.pyplot as plt

from newscrawl.corpus import find_run_files, read_records, story_date

CHART_SIZE = (7.5, 3.2)  # inches: two charts a row on a laptop screen


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.tight_layout()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _bars(title: str, series: dict[str, dict[str, int]], xlabel: str) -> str:
    """Stacked bars: x categories, one colour per series."""
    figure, axes = plt.subplots(figsize=CHART_SIZE)
    categories = sorted({x for values in series.values() for x in values})
    bottom = [0] * len(categories)
    for name, values in sorted(series.items()):
        heights = [values.get(x, 0) for x in categories]
        axes.bar(categories, heights, bottom=bottom, label=name)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if not categories:
        axes.text(0.5, 0.5, "no data", ha="center", transform=axes.transAxes)
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    if series:
        axes.legend(fontsize=7)
    return _svg(figure)


def gather(output_dir: Path, skip: tuple[Path, ...] = ()) -> dict[str, Any]:
    """What the charts show, from the runs under `output_dir`."""
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    verdicts: dict[str, Counter[str]] = defaultdict(Counter)
    lengths: dict[str, list[int]] = defaultdict(list)
    languages: Counter[str] = Counter()
    datelines: dict[str, Counter[str]] = defaultdict(Counter)
    runs, _ = find_run_files(output_dir, skip[0] if skip else output_dir / "corpus")
    for path in runs:
        for record in read_records(path):
            day = story_date(record)
            per_day[record["source"]][day] += 1
            crawl_day = record["crawled_at"][:10]
            if record["duplicate_of"]:
                verdicts["duplicate (marked)"][crawl_day] += 1
            elif record["revision"] > 1:
                verdicts["revision"][crawl_day] += 1
            else:
                verdicts["new"][crawl_day] += 1
            lengths[record["source"]].append(record["word_count"])
            languages[record["language"] or "unknown"] += 1
            agency = record["agency"] or "none"
            datelines["with dateline" if record["dateline"] else "without"][agency] += 1
    drops: dict[str, Counter[str]] = defaultdict(Counter)
    health = []
    for path in sorted(output_dir.rglob("*.manifest.json")):
        manifest = json.loads(path.read_text("utf-8"))
        run = manifest.get("run_id", path.stem)
        for reason, count in manifest.get("dropped", {}).items():
            drops[reason][run] += count
            if reason.startswith("duplicate_"):
                day = manifest.get("started_at", "")[:10]
                verdicts[reason.removeprefix("duplicate_")][day] += count
        health.append(manifest)
    return {
        "per_day": per_day,
        "drops": drops,
        "verdicts": verdicts,
        "lengths": lengths,
        "languages": languages,
        "datelines": datelines,
        "health": health,
    }


def _health_chart(manifests: list[dict[str, Any]]) -> str:
    figure, axes = plt.subplots(figsize=CHART_SIZE)
    for manifest in manifests:
        ok = manifest.get("finish_reason") == "finished" and not manifest.get("errors")
        axes.scatter(
            manifest.get("started_at", "")[:16],
            manifest.get("written", 0),
            color="tab:green" if ok else "tab:red",
            s=20 + 4 * int(manifest.get("errors", 0)),
        )
    axes.set_title("Run health: records written per run (red: errors or unfinished)")
    axes.set_xlabel("run start (UTC)")
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    return _svg(figure)


def charts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, inline SVG) of every chart."""
    lengths, languages = data["lengths"], data["languages"]
    figure, axes = plt.subplots(figsize=CHART_SIZE)
    if lengths:
        names = sorted(lengths)
        axes.boxplot([lengths[name] for name in names], tick_labels=names)
    axes.set_title("Text length (words) by source")
    length_svg = _svg(figure)
    figure, axes = plt.subplots(figsize=CHART_SIZE)
    top = languages.most_common(12)
    axes.bar([name for name, _ in top], [count for _, count in top])
    axes.set_title("Languages")
    language_svg = _svg(figure)
    return [
        (
            "Records written per source per day",
            _bars("Records written per source per day", data["per_day"], "story date"),
        ),
        ("Drop reasons per run", _bars("Drop reasons per run", data["drops"], "run")),
        (
            "Dedup verdicts over time",
            _bars("Dedup verdicts over time", data["verdicts"], "day"),
        ),
        ("Text length by source", length_svg),
        ("Languages", language_svg),
        (
            "Dateline coverage by agency",
            _bars("Dateline coverage by agency", data["datelines"], "agency"),
        ),
        ("Run health", _health_chart(data["health"])),
    ]


def _health_table(manifests: list[dict[str, Any]]) -> str:
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(value))}</td>"
            for value in (
                manifest.get("run_id"),
                manifest.get("finish_reason"),
                manifest.get("errors"),
                manifest.get("started_at"),
                manifest.get("finished_at"),
                manifest.get("written"),
            )
        )
        + "</tr>"
        for manifest in manifests
    )
    head = "".join(
        f"<th>{name}</th>"
        for name in ("run", "exit status", "errors", "started", "finished", "records")
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def write_report(output_dir: Path, report_dir: Path) -> Path:
    """Write `report_dir/index.html` for the runs under `output_dir`; return its path."""
    data = gather(output_dir)
    sections = "".join(
        f'<section class="chart"><h2>{html.escape(title)}</h2>{svg}</section>'
        for title, svg in charts(data)
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newscrawl report</title>
<style>body{{font-family:sans-serif;margin:1em}}.chart{{display:inline-block;width:48%;
vertical-align:top}}svg{{width:100%;height:auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;font-size:12px}}</style></head>
<body><h1>newscrawl report</h1><p>{len(data["health"])} runs under
{html.escape(str(output_dir))}</p>{sections}<h2>Runs</h2>{_health_table(data["health"])}
</body></html>
"""
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
