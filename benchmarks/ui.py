"""Time to first render of the triage console in Chromium, and from clicking submit to the
classification shown, against the time Voila takes to render an empty notebook, all in one run
on the same server (the ratios are the figures to quote; the machine is shared and noisy).

    .venv/bin/python benchmarks/ui.py [--runs 5] [--reports 2000] [--settle 10] [--no-cold]

Serves a temporary notebooks folder holding the console's notebook and an empty one through
`workbench serve` (the real command) on a demo database, twice: with preheated kernels (pool of
1 per notebook, as `workbench serve` runs by default) and without (every page starts a kernel).
Render: from navigation to the app's root widget (.wb-app) visible. Two baselines: an empty
notebook, to the page's load event (Voila sends the page once the notebook has run), and a
notebook showing one Label widget, to the label drawn (the widget manager's own start-up). Submit: from the click to the
status line naming the new report (the classification card is written before it). Also checks
that a preheated console shows a report filed after its kernel was preheated.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reports", type=int, default=2000, help="demo reports in the database")
    parser.add_argument("--settle", type=float, default=10, help="seconds to let a preheated pool refill between pages")
    parser.add_argument("--no-cold", action="store_true", help="skip the server without preheated kernels")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from workbench import triage
    from workbench.demo import build_demo
    from workbench.serve import BackgroundServer
    from workbench.store import dispose_engines
    from workbench.store.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-ui-"))
    try:
        url = f"sqlite:///{tmp / 'bench.db'}"
        upgrade(url)
        summary = build_demo(url, cases=200, reports=args.reports)
        dispose_engines()
        print(f"database: demo county, {summary.reports} reports ({summary.open_reports} open), 200 case files")
        notebooks = tmp / "notebooks"
        notebooks.mkdir()
        shutil.copy(REPO / "notebooks" / "triage.ipynb", notebooks / "triage.ipynb")
        (notebooks / "empty.ipynb").write_text(json.dumps(_notebook([])), encoding="utf-8")
        (notebooks / "widget.ipynb").write_text(
            json.dumps(_notebook(["import ipywidgets\n", "ipywidgets.Label('ok')"])), encoding="utf-8"
        )

        results: dict[str, dict[str, list[float]]] = {}
        configs = [("preheated (pool 1)", 1)] + ([] if args.no_cold else [("cold (no pool)", 0)])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, pool in configs:
                with BackgroundServer(
                    url, tmp / f"serve-{pool}", pool_size=pool, notebooks=notebooks, start_timeout=120
                ) as server:
                    if pool:
                        time.sleep(args.settle * 2)  # first fill of both pools
                    times: dict[str, list[float]] = {"empty": [], "widget": [], "console": [], "submit": []}
                    for run in range(args.runs):
                        times["empty"].append(_render(browser, server.url("empty.ipynb"), None))
                        times["widget"].append(_render(browser, server.url("widget.ipynb"), ".widget-label"))
                        if pool:
                            time.sleep(args.settle)
                        filed = None
                        if pool and run == 0:  # freshness: filed after the kernel was preheated
                            filed = triage.intake(
                                {"source": "hotline", "category": "graffiti"}, "benchmark", url=url
                            ).number
                        seconds, submit, fresh = _console(browser, server.url("triage.ipynb"), filed)
                        times["console"].append(seconds)
                        times["submit"].append(submit)
                        if filed:
                            print(
                                f"{name}: console shows {filed}, filed after its kernel was preheated: "
                                f"{'yes' if fresh else 'NO'}"
                            )
                        if pool:
                            time.sleep(args.settle)
                    results[name] = times
            browser.close()

        intake_times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            triage.intake({"source": "camera", "category": "street_vending"}, "benchmark", url=url)
            intake_times.append(time.perf_counter() - started)

        print(f"\nmedians of {args.runs} runs (seconds), same server and browser:")
        print(
            "  empty = an empty notebook to its load event; widget = a notebook showing one Label, to the label drawn"
        )
        print(
            f"{'server':20} {'empty':>6} {'widget':>7} {'console':>8} {'÷empty':>7} {'÷widget':>8} "
            f"{'submit→shown':>13} {'÷empty':>7}"
        )
        for name, times in results.items():
            empty, widget, console, submit = (
                statistics.median(times[k]) for k in ("empty", "widget", "console", "submit")
            )
            print(
                f"{name:20} {empty:6.2f} {widget:7.2f} {console:8.2f} {console / empty:7.2f} "
                f"{console / widget:8.2f} {submit:13.2f} {submit / empty:7.2f}"
            )
        service = statistics.median(intake_times)
        submit = statistics.median(next(iter(results.values()))["submit"])
        print(
            f"\nservice.intake() in process (store + classify): {service * 1000:.1f} ms median; "
            f"submit→shown in the browser is {submit / service:.1f}× that"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _render(browser, url: str, selector: str | None) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="load", timeout=180_000)
        if selector:
            page.wait_for_selector(selector, state="visible", timeout=180_000)
        return time.perf_counter() - started
    finally:
        context.close()


def _console(browser, url: str, filed: str | None) -> tuple[float, float, bool]:
    """(render seconds, submit→shown seconds, whether the queue shows ``filed``)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="load", timeout=180_000)
        page.wait_for_selector(".wb-app", state="visible", timeout=180_000)
        render = time.perf_counter() - started
        fresh = False
        if filed:
            page.locator(".wb-tabs .lm-TabBar-tab").nth(1).click()
            try:
                page.locator(".wb-queue", has_text=filed).wait_for(timeout=10_000)
                fresh = True
            except Exception:  # noqa: BLE001 - reported as "NO"
                fresh = False
            page.locator(".wb-tabs .lm-TabBar-tab").nth(0).click()
        page.locator(".wb-category select").select_option(value=None, index=2)
        started = time.perf_counter()
        page.locator("button.wb-submit").click()
        page.wait_for_function("document.querySelector('.wb-status').innerText.match(/R\\d{4}-\\d{6}/)", timeout=60_000)
        submit = time.perf_counter() - started
        return render, submit, fresh
    finally:
        context.close()


def _notebook(source: list[str]) -> dict:
    return {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": "0", "metadata": {}, "outputs": [], "source": source}
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


if __name__ == "__main__":
    sys.exit(main())
