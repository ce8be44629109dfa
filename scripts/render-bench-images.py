#!/usr/bin/env python3
"""Renders the menu photos `make bench` uploads, deterministically (same bytes on every run of the same versions of
ImageMagick and fonts-nanum).

usage: scripts/render-bench-images.py photo OUT.jpg                       one 3000x4000 menu photo of about 1 MB
       scripts/render-bench-images.py small OUT_DIR [--count N] [--seed S]  N distinct 900x1200 menus (~100 KB each)

The photo is a phone-camera-sized printed menu (NanumGothic) under uneven light with sensor-like noise: the noise
is what keeps a JPEG of that size near 1 MB, as real photos are, instead of the ~200 KB a clean render compresses
to. The local OCR tier reads its twelve dishes, so one upload stores a cache entry the benchmark then hits.
The small menus differ in dishes, prices and noise seed, so each has its own SHA-256 and misses the cache.
Needs ImageMagick's convert and Debian's fonts-nanum.
"""
import argparse
import os
import random
import subprocess

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
DISHES = ["김치찌개", "된장찌개", "순두부찌개", "비빔밥", "제육볶음", "불고기", "갈비탕", "냉면", "칼국수", "떡국", "돈까스",
          "설렁탕", "육개장", "잔치국수", "콩국수", "오므라이스", "김치볶음밥", "해물파전", "감자전", "계란말이"]
PHOTO_MENU = [("김치찌개", 8000), ("된장찌개", 7500), ("순두부찌개", 8000), ("비빔밥", 9000), ("제육볶음", 10000),
              ("불고기", 12000), ("갈비탕", 13000), ("냉면", 9000), ("칼국수", 8000), ("떡국", 8500), ("돈까스", 10000),
              ("설렁탕", 11000)]


def render(path, width, height, seed, title, items, point, quality, noise):
    """One menu: title, then a dish and its price per line; light falls off towards the edges; Gaussian noise."""
    line = int(point * 2.15)
    command = ["convert", "-seed", str(seed), "-size", f"{width}x{height}", "xc:#f3ecd9", "-font", FONT,
               "-fill", "#222222", "-pointsize", str(int(point * 1.5)),
               "-annotate", f"+{width // 4}+{int(point * 2.2)}", title, "-pointsize", str(point)]
    y = int(point * 2.2) + int(line * 1.3)
    for name, amount in items:
        command += ["-annotate", f"+{width // 12}+{y}", name, "-annotate", f"+{int(width * 0.7)}+{y}", f"{amount:,}"]
        y += line
    command += ["(", "-size", f"{width}x{height}", "radial-gradient:white-#9a9a9a", ")", "-compose", "multiply",
                "-composite", "-attenuate", str(noise), "+noise", "Gaussian", "-blur", "0x0.6",
                "-quality", str(quality), "-strip", path]
    subprocess.run(command, check=True)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    photo = sub.add_parser("photo")
    photo.add_argument("out")
    small = sub.add_parser("small")
    small.add_argument("out")
    small.add_argument("--count", type=int, default=20)
    small.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if args.what == "photo":
        render(args.out, 3000, 4000, seed=7, title="오늘의 식당", items=PHOTO_MENU, point=130, quality=82, noise=0.4)
        print(f"{args.out}: {os.path.getsize(args.out)} bytes")
        return
    os.makedirs(args.out, exist_ok=True)
    for index in range(args.count):
        seed = args.seed * 1000 + index
        rng = random.Random(seed)
        items = [(name, rng.randrange(50, 160) * 100) for name in rng.sample(DISHES, k=rng.randint(4, 8))]
        render(os.path.join(args.out, f"menu-{index + 1:02d}.jpg"), 900, 1200, seed=seed, title=f"식당 {seed}",
               items=items, point=40, quality=80, noise=0.4)
    print(f"{args.out}: {args.count} menus")


if __name__ == "__main__":
    main()
