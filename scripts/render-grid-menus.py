#!/usr/bin/env python3
"""Renders a few boxed size-grid menus (a ruled table: 메뉴 | 소 | 대, 소/중/대 or 보통/곱빼기) in the tuning set's fonts,
for checking the grid rules outside `make eval`'s sets (neither the tuning nor the held-out set draws this table).

usage: scripts/render-grid-menus.py OUT_DIR [COUNT] [--photo]
Writes grid-N-print.jpg with its ground truth (.json) in the format of scripts/render-menus.py. Needs Pillow.
`--photo` draws the tables on the tuning set's papers (white, cream, pastel pink, kraft), some with 원 after the
amounts and 1인분/2인분 columns, and photographs them as scripts/render-menus.py does (perspective, rotation, light,
shadow, blur, noise; needs numpy).
"""
import importlib.util
import json
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFont

FONTS = ["/usr/share/fonts/truetype/nanum/NanumGothic.ttf", "/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf",
         "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf"]
DISHES = ["짜장면", "짬뽕", "볶음밥", "탕수육", "깐풍기", "양장피", "족발", "보쌈", "닭볶음탕", "해물파전", "김치전", "모둠회",
          "감자탕", "순대국", "떡볶이", "라볶이"]
LABELS = [["소", "대"], ["소", "중", "대"], ["보통", "곱빼기"]]
PHOTO_LABELS = LABELS + [["1인분", "2인분"], ["소", "대"]]
PHOTO_PAPERS = ["white", "cream", "pastel_pink", "kraft"]
PAPER = (248, 246, 238)


def tuning_renderer():
    """scripts/render-menus.py as a module, for its papers and its photograph."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "render-menus.py")
    spec = importlib.util.spec_from_file_location("render_menus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render(number, rng, out, photo=None):
    font_path = FONTS[number % len(FONTS)]
    size = rng.choice([28, 32, 36]) if photo else 32
    font = ImageFont.truetype(font_path, size)
    labels = (PHOTO_LABELS if photo else LABELS)[number % len(PHOTO_LABELS if photo else LABELS)]
    suffix = rng.choice(["", "원"]) if photo else ""
    width, row_height, top = 1000, size * 2, 110
    column = (width - 420) // len(labels)
    edges = [40, 400] + [400 + column * (index + 1) for index in range(len(labels))]
    paper = rng.choice(PHOTO_PAPERS) if photo else "cream"
    if photo:
        rng_np = photo.np.random.default_rng(rng.randrange(1 << 30))
        image = Image.fromarray(photo.background(paper, width, 900, rng_np, rng).astype(photo.np.uint8))
    else:
        image = Image.new("RGB", (width, 900), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((40, 30), "메뉴판", font=ImageFont.truetype(FONTS[0], 44), fill=(30, 30, 30))

    def row(cells, y):
        for index, cell in enumerate(cells):
            if index == 0:
                draw.text((edges[0] + 16, y + 14), cell, font=font, fill=(30, 30, 30))
            else:
                centre = (edges[index] + edges[index + 1]) // 2
                draw.text((centre, y + 14), cell, font=font, fill=(30, 30, 30), anchor="ma")

    row(["메뉴"] + labels, top)
    items = []
    names = rng.sample(DISHES, 8)
    for position, name in enumerate(names, start=1):
        base = rng.randrange(60, 250) * 100
        amounts = [base + index * rng.choice([3000, 4000, 5000]) for index in range(len(labels))]
        row([name] + [f"{amount:,}{suffix}" for amount in amounts], top + position * row_height)
        items.append({"name_ko": name, "prices": [{"label": label, "amount": amount}
                                                  for label, amount in zip(labels, amounts)],
                      "market_price": False, "category": None, "price_format": "grid"})
    bottom = top + (len(names) + 1) * row_height
    for index in range(len(names) + 2):
        draw.line((edges[0], top + index * row_height, edges[-1], top + index * row_height), fill=(60, 60, 60), width=2)
    for x in edges:
        draw.line((x, top, x, bottom), fill=(60, 60, 60), width=2)
    info = {}
    if photo:
        image, info = photo.photograph(image, rng, rng_np)
    else:
        image = image.rotate(rng.uniform(-1.5, 1.5), fillcolor=PAPER)
    name = f"grid-{number}-print.jpg"
    image.save(os.path.join(out, name), quality=85)
    style = {"set": "grid", "handwriting": False, "font_family": os.path.basename(font_path)[:-4],
             "layout": f"boxed_grid_{len(labels)}", "background": paper, "kind": "중식", "thousands": False,
             "dark": False, "ruled": True, "colour_text": False, "mixed_polarity": False, "title": "메뉴판",
             "text_size": size, "width": width, "perspective": 0, "gradient": False, "blur": 0, "jpeg": 85}
    style.update(info)
    with open(os.path.join(out, name.replace(".jpg", ".json")), "w", encoding="utf-8") as handle:
        json.dump({"image": name, "set": "grid", "style": style, "items": items}, handle, ensure_ascii=False, indent=1)


def main():
    arguments = [argument for argument in sys.argv[1:] if argument != "--photo"]
    out = arguments[0]
    count = int(arguments[1]) if len(arguments) > 1 else 6
    photo = tuning_renderer() if "--photo" in sys.argv else None
    os.makedirs(out, exist_ok=True)
    rng = random.Random(11 if photo is None else 23)
    for number in range(count):
        render(number, rng, out, photo)


if __name__ == "__main__":
    main()
