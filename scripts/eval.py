#!/usr/bin/env python3
"""`make eval`: how well the local OCR tier reads rendered menus with ground truth.

usage: scripts/eval.py MENU_API_BINARY SET_DIR [SET_DIR ...] [--misses] [--baseline] [-- EXTRA OCR ARGS]

For each set (`scripts/render-menus.py --set tuning|heldout`): item precision, recall and F1 and price accuracy,
printed and handwriting-style apart, the median and maximum time per image (measured in process by `menu-api ocr`,
one image at a time), and the same split by failure class (background, font family, layout, ruled, coloured text,
mixed polarity, photo degradations, and per item the price format) so that the weakest class shows at a glance.

Scoring: a predicted item matches a true one when the names are equal ignoring spaces (each true item at most once);
its price is right when every amount, label and the 시가 flag are equal; its category when the section header it
sits under is (spaces ignored). `--baseline` adds a naive regex over the
same OCR text (`([가-힣\\s]+)\\s*([\\d,]+)원?` per line). `--misses` prints each menu's missed, extra and wrong items
(a wrong price, and a wrong category: the header read over the item against the true one).
Printed misses are also counted by kind: a name read with text after or before it, misread, or lost, and readings
that match no item.
"""
import json
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

BASELINE = re.compile(r"([가-힣\s]+)\s*([\d,]+)원?")


def norm(name):
    return re.sub(r"\s+", "", name or "")


def price_key(item):
    prices = sorted((p.get("label") or "", p["amount"]) for p in item.get("prices", []))
    return prices, bool(item.get("market_price"))


def match(truth, predicted):
    """Pairs predicted items with true ones by name; returns (pairs, unmatched predicted)."""
    remaining = defaultdict(list)
    for item in truth:
        remaining[norm(item["name_ko"])].append(item)
    pairs, extra = [], []
    for item in predicted:
        candidates = remaining.get(norm(item["name_ko"]))
        if candidates:
            pairs.append((candidates.pop(0), item))
        else:
            extra.append(item)
    return pairs, extra


class Tally:
    def __init__(self):
        self.matched = self.predicted = self.truth = self.prices = self.categories = 0

    def add(self, truth, predicted):
        pairs, _ = match(truth, predicted)
        self.matched += len(pairs)
        self.predicted += len(predicted)
        self.truth += len(truth)
        self.prices += sum(price_key(t) == price_key(p) for t, p in pairs)
        self.categories += sum(norm(t.get("category")) == norm(p.get("category")) for t, p in pairs)

    @property
    def f1(self):
        p = self.matched / self.predicted if self.predicted else 0
        r = self.matched / self.truth if self.truth else 0
        return 2 * p * r / (p + r) if p + r else 0

    def line(self):
        p = self.matched / self.predicted if self.predicted else 0
        r = self.matched / self.truth if self.truth else 0
        accuracy = self.prices / self.matched if self.matched else 0
        categories = self.categories / self.matched if self.matched else 0
        return (f"F1 {self.f1:.3f} (P {p:.3f} R {r:.3f})  price accuracy {accuracy:.3f}  category {categories:.3f}  "
                f"({self.matched}/{self.truth} items)")


def baseline_items(raw_text):
    items = []
    for line in raw_text.splitlines():
        found = BASELINE.search(line)
        if not found:
            continue
        digits = found.group(2).replace(",", "")
        if digits.isdigit():
            items.append({"name_ko": found.group(1).strip(), "prices": [{"label": None, "amount": int(digits)}]})
    return items


def run(binary, images, extra):
    output = subprocess.run([binary, "ocr", *extra, *map(str, images)], capture_output=True, text=True)
    if not output.stdout.strip():
        sys.exit(f"menu-api ocr printed nothing: {output.stderr}")
    return {Path(r["file"]).name: r for r in json.loads(output.stdout)}


def classes(style):
    """The failure classes a menu belongs to, as (dimension, value)."""
    photo = [name for name in ("perspective", "rotation", "gradient", "vignette", "shadow", "blur") if style.get(name)]
    tags = [("background", style["background"]), ("font", style["font_family"]), ("layout", style["layout"]),
            ("ruled", str(style["ruled"])), ("colour text", str(style["colour_text"])),
            ("mixed polarity", str(style["mixed_polarity"])), ("jpeg", "yes" if style.get("jpeg") else "no")]
    tags += [("photo", name) for name in photo] or [("photo", "flat")]
    return tags


def report_set(name, truths, results, baseline):
    print(f"\n== {name}: {len(truths)} menus ==")
    times = [results[image]["processing_time_ms"] for image in truths if image in results]
    if times:
        print(f"time per image: median {statistics.median(times):.0f} ms, max {max(times)} ms")
    summary = {}
    for kind, label in (("print", "printed"), ("hand", "handwriting-style")):
        images = [image for image in truths if f"-{kind}." in image]
        if not images:
            continue
        tally, base = Tally(), Tally()
        for image in images:
            result = results.get(image, {})
            tally.add(truths[image]["items"], result.get("menu_items", []))
            base.add(truths[image]["items"], baseline_items(result.get("raw_text", "")))
        print(f"{label:<18} ({len(images):>2} menus) {tally.line()}")
        if baseline:
            print(f"{'  regex baseline':<29} {base.line()}")
        summary[label] = {"f1": round(tally.f1, 3), "price_accuracy": round(tally.prices / max(1, tally.matched), 3)}
    # By failure class: printed menus only (handwriting is its own class above).
    by_class = defaultdict(Tally)
    formats = defaultdict(lambda: [0, 0, 0])  # truth items, matched, price right
    for image, truth in truths.items():
        if "-print." not in image:
            continue
        predicted = results.get(image, {}).get("menu_items", [])
        for tag in classes(truth["style"]):
            by_class[tag].add(truth["items"], predicted)
        pairs, _ = match(truth["items"], predicted)
        matched_ids = {id(t): p for t, p in pairs}
        for item in truth["items"]:
            counts = formats[item["price_format"]]
            counts[0] += 1
            if id(item) in matched_ids:
                counts[1] += 1
                counts[2] += price_key(item) == price_key(matched_ids[id(item)])
    kinds = defaultdict(int)
    for image, truth in truths.items():
        if "-print." in image:
            missed, spurious = miss_kinds(truth["items"], results.get(image, {}).get("menu_items", []))
            for kind in missed:
                kinds[kind] += 1
            kinds["spurious reading"] += spurious
    print("printed misses by kind: " + ", ".join(f"{kind} {count}" for kind, count in sorted(
        kinds.items(), key=lambda row: -row[1])))
    print("printed menus by class (weakest first within each):")
    dimensions = sorted({dimension for dimension, _ in by_class})
    for dimension in dimensions:
        rows = sorted(((value, tally) for (d, value), tally in by_class.items() if d == dimension),
                      key=lambda row: row[1].f1)
        print(f"  {dimension}: " + ", ".join(f"{value} {tally.f1:.2f} ({tally.truth})" for value, tally in rows))
    print("  price format (items: found, price right when found): " + ", ".join(
        f"{fmt} {m / t:.2f}/{(r / m if m else 0):.2f} ({t})" for fmt, (t, m, r) in sorted(
            formats.items(), key=lambda row: row[1][1] / row[1][0])))
    if times:
        summary["median_ms"] = statistics.median(times)
    return summary


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def miss_kinds(truth_items, predicted):
    """Why each true item went unmatched: its name read with extra text after it (`trailing text`) or before it
    (`leading text`), misread (an unmatched reading within a third of its length in edits: `misread`), or not read at
    all (`lost`). Each unmatched reading explains one miss at most."""
    pairs, extra = match(truth_items, predicted)
    found = {id(t) for t, _ in pairs}
    readings = [norm(e["name_ko"]) for e in extra]
    kinds = []
    for item in truth_items:
        if id(item) in found:
            continue
        name = norm(item["name_ko"])
        kind, used = "lost", None
        for index, reading in enumerate(readings):
            if reading is None:
                continue
            if len(reading) > len(name) and reading.startswith(name):
                kind, used = "trailing text", index
                break
            if len(reading) > len(name) and reading.endswith(name):
                kind, used = "leading text", index
                break
        if used is None:
            for index, reading in enumerate(readings):
                if reading is not None and edit_distance(reading, name) <= max(1, len(name) // 3):
                    kind, used = "misread", index
                    break
        if used is not None:
            readings[used] = None
        kinds.append(kind)
    return kinds, sum(r is not None for r in readings)


def show_misses(truths, results):
    for image, truth in truths.items():
        result = results.get(image, {})
        pairs, extra = match(truth["items"], result.get("menu_items", []))
        found = {id(t) for t, _ in pairs}
        missing = [t["name_ko"] for t in truth["items"] if id(t) not in found]
        wrong = [(t["name_ko"], [(p.get("label"), p["amount"]) for p in q.get("prices", [])],
                  [(p.get("label"), p["amount"]) for p in t["prices"]]) for t, q in pairs if price_key(t) != price_key(q)]
        headers = [(t["name_ko"], t.get("category"), q.get("category")) for t, q in pairs
                   if norm(t.get("category")) != norm(q.get("category"))]
        style = truth["style"]
        print(f"{image} [{style['layout']}, {style['background']}, {style['font_family']}] "
              f"{result.get('processing_time_ms')} ms")
        print(f"   missing {missing}\n   extra {[e['name_ko'] for e in extra]}\n   wrong {wrong}")
        if headers:
            print(f"   wrong category (name, true, read) {headers}")


def main():
    arguments = sys.argv[1:]
    extra = []
    if "--" in arguments:
        extra = arguments[arguments.index("--") + 1:]
        arguments = arguments[:arguments.index("--")]
    flags = {a for a in arguments if a.startswith("--")}
    binary, *directories = [a for a in arguments if not a.startswith("--")]
    summaries = {}
    for directory in map(Path, directories):
        truths = {}
        for path in sorted(directory.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            truths[data["image"]] = data
        results = run(binary, [directory / image for image in truths], extra)
        if "--misses" in flags:
            show_misses(truths, results)
        name = next(iter(truths.values()))["set"] if truths else directory.name
        summaries[name] = report_set(name, truths, results, "--baseline" in flags)
    print("\n" + json.dumps(summaries, ensure_ascii=False))


if __name__ == "__main__":
    main()
