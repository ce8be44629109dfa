#!/usr/bin/env python3
"""`make eval`: how well the local OCR tier reads rendered menus with ground truth.

usage: scripts/eval.py MENU_API_BINARY SET_DIR [SET_DIR ...] [--misses] [--baseline] [--cache=DIR]
       [--fit-calibration] [-- EXTRA OCR ARGS]

For each set (`scripts/render-menus.py --set tuning|heldout`, `scripts/render-foreign-menus.py --set
foreign-dev|foreign-heldout`; any number of them, each named by its ground truth's `set`): item precision, recall and F1 and price accuracy,
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

Calibration (every set): the predicted items, printed and handwriting together and apart, in 10 equal-width bins of
their reported confidence against the share that are right (matched by name and every price equal, the rules above),
with the expected calibration error (ECE: the bins' |mean confidence - share right| weighted by their counts); then,
for thresholds t in 0.05 steps, the share of wrong items under t (caught by review) and of right items under t
(flagged needlessly), and how many results clear the tiers' bars (0.70 for a later tier, 0.75 for the first).
`-- --raw-confidence` measures the engine's confidences before the calibration map.

`--fit-calibration` fits that map on the first set passed (the tuning set; run it with `-- --raw-confidence`): a
monotone pool-adjacent-violators fit of share right on raw confidence, and prints the Swift knot table for
Sources/OCR/TesseractCalibration.swift. `--cache=DIR` keeps each image's JSON from the binary under DIR (one
subdirectory per set and extra OCR arguments) and reads it back instead of running the binary again; the cache knows
nothing of the binary, so use a new DIR after a rebuild. Without it every run reads every image.

`--dump-words=DIR` keeps the words each image was read as (`menu-api ocr --dump-words`, one subdirectory per set);
`--from-words=DIR` parses those words again instead of reading the images (`menu-api ocr --from-words`): a change to
the layout parser alone is measured in seconds. The times it reports are the parser's alone.
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


def run(binary, images, extra, cache=None, words=None):
    """The binary's result per image name; with `cache`, images already there are read back and only the rest run.
    With `words` (("dump" or "from", DIR)), the words read are written to DIR, or parsed again from it."""
    cached = {}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for image in images:
            path = cache / f"{image.name}.json"
            if path.exists():
                cached[image.name] = json.loads(path.read_text(encoding="utf-8"))
    missing = [image for image in images if image.name not in cached]
    if missing:
        inputs = list(map(str, missing))
        by_input = {input: image.name for input, image in zip(inputs, missing)}
        if words:
            mode, directory = words
            directory.mkdir(parents=True, exist_ok=True)
            if mode == "dump":
                extra = [*extra, f"--dump-words={directory}"]
            else:
                inputs = [str(directory / f"{image.stem}.words.json") for image in missing]
                by_input = {input: image.name for input, image in zip(inputs, missing)}
                extra = [*extra, "--from-words"]
        output = subprocess.run([binary, "ocr", *extra, *inputs], capture_output=True, text=True)
        if not output.stdout.strip():
            sys.exit(f"menu-api ocr printed nothing: {output.stderr}")
        for result in json.loads(output.stdout):
            name = by_input.get(result["file"], Path(result["file"]).name)
            cached[name] = result
            if cache is not None:
                (cache / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return cached


def scored_items(truths, results, kind=None):
    """(reported confidence, right) for every predicted item; `kind` "print" or "hand" keeps those menus only."""
    scored = []
    for image, truth in truths.items():
        if kind is not None and f"-{kind}." not in image:
            continue
        predicted = results.get(image, {}).get("menu_items", [])
        pairs, extra = match(truth["items"], predicted)
        scored += [(float(p.get("confidence", 0)), price_key(t) == price_key(p)) for t, p in pairs]
        scored += [(float(p.get("confidence", 0)), False) for p in extra]
    return scored


def calibration_bins(scored, count=10):
    """Equal-width bins on 0...1: (low, high, items, mean confidence, share right) per non-empty bin, and the ECE."""
    bins = defaultdict(list)
    for confidence, right in scored:
        bins[min(count - 1, max(0, int(confidence * count)))].append((confidence, right))
    rows, error = [], 0.0
    for index in sorted(bins):
        members = bins[index]
        mean = sum(c for c, _ in members) / len(members)
        share = sum(r for _, r in members) / len(members)
        rows.append((index / count, (index + 1) / count, len(members), mean, share))
        error += len(members) / len(scored) * abs(mean - share)
    return rows, error


def report_calibration(name, truths, results):
    """Prints the calibration section of a set and returns its ECE per kind."""
    print(f"Calibration ({name}; right = matched by name and every price equal):")
    errors = {}
    for kind, label in ((None, "all"), ("print", "printed"), ("hand", "handwriting-style")):
        scored = scored_items(truths, results, kind)
        if not scored:
            continue
        rows, error = calibration_bins(scored)
        errors[label] = round(error, 4)
        right = sum(r for _, r in scored)
        print(f"  {label}: {len(scored)} items, {right} right ({right / len(scored):.3f}), "
              f"mean confidence {sum(c for c, _ in scored) / len(scored):.3f}, ECE {error:.4f}")
        for low, high, size, mean, share in rows:
            print(f"    [{low:.1f}, {high:.1f}{']' if high == 1 else ')'} {size:>5} items  "
                  f"mean confidence {mean:.3f}  share right {share:.3f}")
    scored = scored_items(truths, results)
    wrong = [c for c, r in scored if not r]
    right = [c for c, r in scored if r]
    print(f"  review at confidence < t (all items; {len(wrong)} wrong, {len(right)} right): "
          "t, wrong caught, right flagged")
    for step in range(1, 21):
        t = step / 20
        caught = sum(c < t for c in wrong) / len(wrong) if wrong else 0
        flagged = sum(c < t for c in right) / len(right) if right else 0
        print(f"    {t:.2f}  {caught:.3f}  {flagged:.3f}")
    with_items = [results[image] for image in truths if results.get(image, {}).get("menu_items")]
    for bar, whose in ((0.70, "a later tier's bar, OCR_FALLBACK_MIN_CONFIDENCE"),
                       (0.75, "the first tier's, OCR_TIER1_MIN_CONFIDENCE, when the local tier is the only one")):
        clearing = sum(float(result.get("confidence", 0)) >= bar for result in with_items)
        print(f"  results with items whose confidence clears {bar:.2f} ({whose}): {clearing}/{len(with_items)}")
    return errors


def pool_adjacent_violators(scored, minimum_block=40):
    """The monotone (non-decreasing) fit of share right on confidence, as (mean confidence, share right, items) per
    block. Blocks under `minimum_block` items are pooled with a neighbour so that no knot rests on a handful of
    items (pooling two neighbours of a monotone fit keeps it monotone)."""
    blocks = []  # [sum confidence, sum right, count]
    for confidence, right in sorted(scored):
        blocks.append([confidence, float(right), 1])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            for index in range(3):
                blocks[-1][index] += last[index]
    while len(blocks) > 1:
        small = min(range(len(blocks)), key=lambda index: blocks[index][2])
        if blocks[small][2] >= minimum_block:
            break
        if small == 0:
            neighbour = 1
        elif small == len(blocks) - 1:
            neighbour = small - 1
        else:
            neighbour = small - 1 if blocks[small - 1][2] <= blocks[small + 1][2] else small + 1
        first, second = sorted((small, neighbour))
        for index in range(3):
            blocks[first][index] += blocks[second][index]
        del blocks[second]
    return [(s / n, r / n, n) for s, r, n in blocks]


def fit_calibration(name, truths, results):
    """Prints the fitted map as the Swift declaration Sources/OCR/TesseractCalibration.swift holds."""
    scored = scored_items(truths, results)
    knots = pool_adjacent_violators(scored)
    right = sum(r for _, r in scored)
    print(f"\n    // Fitted on the {name} set ({len(truths)} menus): {len(scored)} items, {right} right, "
          f"{len(knots)} knots.")
    print("    public static let fitted = TesseractCalibration(knots: [")
    for raw, calibrated, size in knots:
        print(f"        Knot(raw: {raw:.4f}, calibrated: {calibrated:.4f}),  // {size} items")
    print("    ])")


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
    flags = {a for a in arguments if a.startswith("--") and "=" not in a}
    binary, *directories = [a for a in arguments if not a.startswith("--")]
    cache = next((Path(a.split("=", 1)[1]) for a in arguments if a.startswith("--cache=")), None)
    words = next(
        ((mode, Path(a.split("=", 1)[1])) for a in arguments for mode in ("dump", "from")
         if a.startswith(f"--{mode}-words=")), None)
    summaries = {}
    fitted = False
    for directory in map(Path, directories):
        truths = {}
        for path in sorted(directory.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            truths[data["image"]] = data
        set_cache = cache / ("_".join([directory.name, *extra]) or "default") if cache else None
        set_words = (words[0], words[1] / directory.name) if words else None
        results = run(binary, [directory / image for image in truths], extra, set_cache, set_words)
        if "--misses" in flags:
            show_misses(truths, results)
        name = next(iter(truths.values()))["set"] if truths else directory.name
        summaries[name] = report_set(name, truths, results, "--baseline" in flags)
        summaries[name]["ece"] = report_calibration(name, truths, results)
        if "--fit-calibration" in flags and not fitted:
            fit_calibration(name, truths, results)
            fitted = True
    print("\n" + json.dumps(summaries, ensure_ascii=False))


if __name__ == "__main__":
    main()
