#!/usr/bin/env python3
"""Renders a few boxed size-grid menus (a ruled table: 메뉴 | 소 | 대, 소/중/대 or 보통/곱빼기) in the tuning set's fonts,
for checking the grid rules outside `make eval`'s sets (neither the tuning nor the held-out set draws this table).

usage: scripts/render-grid-menus.py OUT_DIR [COUNT]
Writes grid-N-print.jpg with its ground truth (.json) in the format of scripts/render-menus.py. Needs Pillow.
"""
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
PAPER = (248, 246, 238)


def render(number, rng, out):
    font_path = FONTS[number % len(FONTS)]
    font = ImageFont.truetype(font_path, 32)
    labels = LABELS[number % len(LABELS)]
    width, row_height, top = 1000, 64, 110
    column = (width - 420) // len(labels)
    edges = [40, 400] + [400 + column * (index + 1) for index in range(len(labels))]
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
        row([name] + [f"{amount:,}" for amount in amounts], top + position * row_height)
        items.append({"name_ko": name, "prices": [{"label": label, "amount": amount}
                                                  for label, amount in zip(labels, amounts)],
                      "market_price": False, "category": None, "price_format": "grid"})
    bottom = top + (len(names) + 1) * row_height
    for index in range(len(names) + 2):
        draw.line((edges[0], top + index * row_height, edges[-1], top + index * row_height), fill=(60, 60, 60), width=2)
    for x in edges:
        draw.line((x, top, x, bottom), fill=(60, 60, 60), width=2)
    image = image.rotate(rng.uniform(-1.5, 1.5), fillcolor=PAPER)
    name = f"grid-{number}-print.jpg"
    image.save(os.path.join(out, name), quality=85)
    style = {"set": "grid", "handwriting": False, "font_family": os.path.basename(font_path)[:-4],
             "layout": f"boxed_grid_{len(labels)}", "background": "cream", "kind": "중식", "thousands": False,
             "dark": False, "ruled": True, "colour_text": False, "mixed_polarity": False, "title": "메뉴판",
             "text_size": 32, "width": width, "perspective": 0, "gradient": False, "blur": 0, "jpeg": 85}
    with open(os.path.join(out, name.replace(".jpg", ".json")), "w", encoding="utf-8") as handle:
        json.dump({"image": name, "set": "grid", "style": style, "items": items}, handle, ensure_ascii=False, indent=1)


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    os.makedirs(out, exist_ok=True)
    rng = random.Random(11)
    for number in range(count):
        render(number, rng, out)


if __name__ == "__main__":
    main()
