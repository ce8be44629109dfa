#!/usr/bin/env python3
"""`make eval`: item precision/recall/F1 and price accuracy of the local OCR tier on rendered menus with ground truth,
split printed / handwriting-style, next to a naive baseline on the same OCR text, and with preprocessing off.

usage: scripts/eval.py MENU_API_BINARY MENU_DIR
"""
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

BASELINE = re.compile(r"([가-힣\s]+)\s*([\d,]+)원?")


def norm(name):
    return re.sub(r"\s+", "", name or "")


def truth_key(item):
    prices = sorted((p["label"] or "", p["amount"]) for p in item["prices"])
    return prices, bool(item["market_price"])


def score(truth, predicted):
    """Matches items by exact name (spaces ignored), each truth item at most once."""
    remaining = {}
    for item in truth:
        remaining.setdefault(norm(item["name_ko"]), []).append(item)
    matched = 0
    price_correct = 0
    for item in predicted:
        candidates = remaining.get(norm(item["name_ko"]))
        if not candidates:
            continue
        expected = candidates.pop(0)
        matched += 1
        got = (sorted((p["label"] or "", p["amount"]) for p in item["prices"]), bool(item.get("market_price")))
        if got == truth_key(expected):
            price_correct += 1
    return matched, len(predicted), len(truth), price_correct


def baseline_items(raw_text):
    items = []
    for line in raw_text.splitlines():
        match = BASELINE.search(line)
        if not match:
            continue
        digits = match.group(2).replace(",", "")
        if not digits.isdigit():
            continue
        items.append({"name_ko": match.group(1).strip(), "prices": [{"label": None, "amount": int(digits)}], "market_price": False})
    return items


def run(binary, images, extra):
    output = subprocess.run([binary, "ocr", *extra, *map(str, images)], capture_output=True, text=True)
    return {Path(r["file"]).name: r for r in json.loads(output.stdout)}


def summarize(label, totals):
    matched, predicted, truth, prices = totals
    precision = matched / predicted if predicted else 0
    recall = matched / truth if truth else 0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
    accuracy = prices / matched if matched else 0
    print(f"  {label:<34} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  price accuracy {accuracy:.3f}  ({matched}/{truth} items)")
    return f1, accuracy


def main():
    binary, directory = sys.argv[1], Path(sys.argv[2])
    show_misses = "--misses" in sys.argv
    truths = {}
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        truths[data["image"]] = data["items"]
    images = [directory / name for name in truths]
    quick = "--quick" in sys.argv
    extra = [a for a in sys.argv[3:] if a not in ("--misses", "--quick")]
    runs = {"preprocessed": run(binary, images, extra)}
    if show_misses:
        for name, truth in truths.items():
            result = runs["preprocessed"].get(name, {})
            got = {norm(i["name_ko"]): i for i in result.get("menu_items", [])}
            want = {norm(i["name_ko"]): i for i in truth}
            missing = [n for n in want if n not in got]
            extra = [n for n in got if n not in want]
            wrong = [(n, [p["amount"] for p in got[n]["prices"]], [p["amount"] for p in want[n]["prices"]])
                     for n in want if n in got and truth_key(want[n]) != truth_key(got[n])]
            print(name, result.get("processing_time_ms"), "missing", missing, "extra", extra, "wrong", wrong)
        return
    runs["plain"] = runs["preprocessed"] if quick else run(binary, images, ["--no-preprocessing"])
    times = [r["processing_time_ms"] for r in runs["preprocessed"].values()]
    plain_times = [r["processing_time_ms"] for r in runs["plain"].values()]
    print(f"{len(images)} menus; local tier median {statistics.median(times):.0f} ms, max {max(times)} ms "
          f"(plain Tesseract median {statistics.median(plain_times):.0f} ms)")
    for kind in ("print", "hand"):
        names = [name for name in truths if f"-{kind}." in name]
        if not names:
            continue
        print(f"{'printed' if kind == 'print' else 'handwriting-style'} ({len(names)} menus)")
        for label, results, use_baseline in (
            ("menu-api (preprocessed)", runs["preprocessed"], False),
            ("baseline regex, same OCR text", runs["preprocessed"], True),
            ("menu-api, preprocessing off", runs["plain"], False),
            ("baseline regex, plain OCR text", runs["plain"], True),
        ):
            totals = [0, 0, 0, 0]
            for name in names:
                result = results.get(name, {"menu_items": [], "raw_text": ""})
                predicted = baseline_items(result.get("raw_text", "")) if use_baseline else result.get("menu_items", [])
                for index, value in enumerate(score(truths[name], predicted)):
                    totals[index] += value
            summarize(label, totals)


if __name__ == "__main__":
    main()
