"""Aggregating per-page scores into the benchmark table, and keeping the README's copy of it current."""

from __future__ import annotations

import datetime
import os
import platform
import re
from pathlib import Path

SUBSETS = {
    "clean": lambda spec: spec.get("kind") != "vertical" and spec.get("degradation") == "clean",
    "degraded": lambda spec: spec.get("kind") != "vertical" and spec.get("degradation") != "clean",
    "vertical": lambda spec: spec.get("kind") == "vertical",
}
README_START = "<!-- bench:start (written by `python -m pipeline.bench --update-readme`) -->"
README_END = "<!-- bench:end -->"


def aggregate(pages: list[dict]) -> dict:
    """Totals over pages: CERs and boundaries weighted by characters and boundaries, tau averaged."""
    scored = [p for p in pages if "scores" in p]
    if not scored:
        return {"pages": 0, "failed": len(pages)}
    s = [p["scores"] for p in scored]

    def ratio(numerator: str, denominator: str) -> float | None:
        total = sum(x[denominator] for x in s)
        return sum(x[numerator] for x in s) / total if total else None

    precision = ratio("boundary_hits", "boundary_predicted")
    recall = ratio("boundary_hits", "boundary_expected")
    taus = [x["kendall_tau"] for x in s if x["kendall_tau"] is not None]
    with_roles = [x for x in s if x["roles_right"] is not None]
    seconds = [p["seconds"] for p in scored if p.get("seconds") is not None]
    peaks = [p["peak_mb"] for p in scored if p.get("peak_mb") is not None]
    timed = [p for p in scored if p.get("ocr_seconds") is not None and p.get("seconds")]
    return {
        "pages": len(scored),
        "failed": len(pages) - len(scored),
        "ordered_cer": ratio("ordered_errors", "truth_chars"),
        "order_free_cer": ratio("order_free_errors", "page_chars"),
        "boundary_precision": precision,
        "boundary_recall": recall,
        "boundary_f1": 2 * precision * recall / (precision + recall) if precision and recall else 0.0,
        "kendall_tau": sum(taus) / len(taus) if taus else None,
        "role_accuracy": sum(x["roles_right"] for x in with_roles) / sum(x["paragraphs"] for x in with_roles) if with_roles else None,
        "seconds_per_page": sum(seconds) / len(seconds) if seconds else None,
        "peak_mb": max(peaks) if peaks else None,
        # Share of the time spent outside the OCR engine (loading, preprocessing, layout, repair, output).
        "non_ocr_share": sum(p["seconds"] - p["ocr_seconds"] for p in timed) / sum(p["seconds"] for p in timed) if timed else None,
    }


def summarize(peer_pages: dict[str, list[dict]]) -> dict:
    """Per peer: all pages and each subset."""
    summary = {}
    for peer, pages in peer_pages.items():
        summary[peer] = {"all": aggregate(pages)}
        for subset, member in SUBSETS.items():
            summary[peer][subset] = aggregate([p for p in pages if member(p.get("spec", {}))])
    return summary


def _f(value: float | None, digits: int = 3, percent: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{max(digits - 2, 1)}f}%" if percent else f"{value:.{digits}f}"


def format_tables(results: dict) -> str:
    """The main table (all pages) and the breakdown by clean / degraded / vertical pages."""
    lines = [
        "| peer | pages | CER ordered | CER order-free | boundary P | R | F1 | order tau | roles | s/page | non-OCR time | peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for peer, entry in results["peers"].items():
        if "unavailable" in entry:
            lines.append(f"| {peer} | unavailable: {entry['unavailable']} ||||||||||| ")
            continue
        a = entry["summary"]["all"]
        if not a.get("pages"):
            lines.append(f"| {peer} | 0 of {a.get('failed', 0)} (failed: {entry.get('error', 'see results.json')}) ||||||||||| ")
            continue
        pages = f"{a['pages']}" + (f" (+{a['failed']} failed)" if a["failed"] else "")
        lines.append(
            f"| {peer} | {pages} | {_f(a['ordered_cer'], 3, True)} | {_f(a['order_free_cer'], 3, True)} | {_f(a['boundary_precision'])} | "
            f"{_f(a['boundary_recall'])} | {_f(a['boundary_f1'])} | {_f(a['kendall_tau'])} | {_f(a['role_accuracy'])} | "
            f"{_f(a['seconds_per_page'], 2)} | {_f(a['non_ocr_share'], 3, True)} | {_f(a['peak_mb'], 0)} |"
        )
    lines += ["", "| peer | CER ordered clean / degraded / vertical | F1 clean / degraded / vertical | tau clean / degraded / vertical |", "|---|---|---|---|"]
    for peer, entry in results["peers"].items():
        if "summary" not in entry or not entry["summary"]["all"].get("pages"):
            continue
        parts = [entry["summary"][s] for s in SUBSETS]
        cer = " / ".join(_f(p.get("ordered_cer"), 3, True) for p in parts)
        f1 = " / ".join(_f(p.get("boundary_f1")) for p in parts)
        tau = " / ".join(_f(p.get("kendall_tau")) for p in parts)
        lines.append(f"| {peer} | {cer} | {f1} | {tau} |")
    text = results.get("text_mode")
    if text:
        if "unavailable" in text:
            lines += ["", f"text mode (pipeline.bench.textbench): unavailable: {text['unavailable']}"]
        else:
            lines += ["", "Text mode on wrapped real articles (pipeline.bench.textbench, its own measures):", ""]
            lines += ["| regime | articles | boundary P | R | F1 | chars lost / invented |", "|---|---|---|---|---|---|"]
            for name, r in text["regimes"].items():
                lines.append(f"| {name} | {r['articles']} | {_f(r['precision'])} | {_f(r['recall'])} | {_f(r['f1'])} | {r['chars_lost']} / {r['chars_invented']} |")
            speed = text.get("speed", {})
            if speed:
                lines.append(f"\ntext mode speed: {speed.get('mb_per_s')} MB/s on one core")
    notes = sorted({note for entry in results["peers"].values() for note in entry.get("notes", [])})
    if notes:
        lines += [""] + [f"- {note}" for note in notes]
    return "\n".join(lines)


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return f"{platform.machine()} {model}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}".replace("  ", " ")


def stamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def update_readme(results: dict, readme: Path) -> None:
    """Rewrite the README's benchmark table (between the bench markers) from a results.json."""
    text = readme.read_text(encoding="utf-8")
    block = (
        f"{README_START}\n"
        f"Latest run: {results['date']} on {results['machine']}; {results['pages']} pages ({results['subset']}); "
        f"`{results['command']}`, total {results['seconds']:.0f} s. Timings are noisy (shared machine).\n\n"
        f"{format_tables(results)}\n{README_END}"
    )
    if README_START in text and README_END in text:
        before, rest = text.split(README_START, 1)
        after = rest.split(README_END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")
