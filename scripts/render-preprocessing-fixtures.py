#!/usr/bin/env python3
"""Renders the small preprocessing fixtures the Tesseract tests read (committed; run again only to change them).

usage: scripts/render-preprocessing-fixtures.py Tests/OCRTests/Fixtures

- menu-ruled-rows.png: a rule under every row touching the text, and a frame (ruling that Tesseract reads as 0 runs).
- menu-red-on-kraft.jpg: red prices and a red header on kraft paper (little contrast in grey).
- menu-yellow-box-board.jpg: chalk-white items on a dark green board under section headers printed dark in yellow
  boxes (both polarities on one page).
Each with its ground truth (.json) in the format of scripts/render-menus.py. Needs Pillow and numpy.
"""
import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
ITEMS = [("김치찌개", 8000), ("된장찌개", 7500), ("제육볶음", 12000)]


def page(background, rng, texture):
    pixels = np.ones((330, 720, 3), dtype=np.float32) * np.array(background, dtype=np.float32)
    pixels += rng.standard_normal((330, 720, 1)).astype(np.float32) * texture
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def draw_items(image, ink, price_ink, rule):
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 36)
    draw.text((40, 24), "식사", font=font, fill=price_ink)
    y = 92
    for name, amount in ITEMS:
        draw.text((40, y), name, font=font, fill=ink)
        draw.text((680, y), f"{amount:,}원", font=font, fill=price_ink, anchor="ra")
        if rule:
            # Just under the glyphs, as close as a printed table puts it.
            draw.line((30, y + 47, 690, y + 47), fill=ink, width=3)
        y += 74
    if rule:
        draw.rectangle((12, 12, 707, 317), outline=ink, width=3)
    return [{"name_ko": name, "prices": [{"label": None, "amount": amount}], "market_price": False,
             "category": "식사"} for name, amount in ITEMS]


def draw_boxed_sections(image, sections):
    """Light items under dark headers in yellow boxes, on a dark board."""
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 36)
    truth, y = [], 24
    for header, items in sections:
        draw.rectangle((30, y - 10, 200, y + 50), fill=(236, 200, 60))
        draw.text((48, y), header, font=font, fill=(30, 30, 30))
        y += 80
        for name, amount in items:
            draw.text((40, y), name, font=font, fill=(235, 235, 225))
            draw.text((680, y), f"{amount:,}원", font=font, fill=(235, 235, 225), anchor="ra")
            truth.append({"name_ko": name, "prices": [{"label": None, "amount": amount}], "market_price": False,
                          "category": header})
            y += 64
        y += 16
    return truth


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(20261201)
    ruled = page((250, 250, 248), rng, 2)
    items = draw_items(ruled, (30, 30, 30), (30, 30, 30), rule=True)
    ruled.save(os.path.join(out, "menu-ruled-rows.png"))
    with open(os.path.join(out, "menu-ruled-rows.json"), "w", encoding="utf-8") as handle:
        json.dump({"image": "menu-ruled-rows.png", "items": items}, handle, ensure_ascii=False, indent=1)
    kraft = page((196, 160, 112), rng, 9)
    items = draw_items(kraft, (70, 45, 25), (190, 40, 30), rule=False)
    kraft.save(os.path.join(out, "menu-red-on-kraft.jpg"), quality=80)
    with open(os.path.join(out, "menu-red-on-kraft.json"), "w", encoding="utf-8") as handle:
        json.dump({"image": "menu-red-on-kraft.jpg", "items": items}, handle, ensure_ascii=False, indent=1)
    board = page((38, 62, 48), rng, 6).resize((720, 560))
    items = draw_boxed_sections(board, [("식사", ITEMS[:2]), ("주류", [("소주", 5000), ("맥주", 6000)])])
    board.save(os.path.join(out, "menu-yellow-box-board.jpg"), quality=82)
    with open(os.path.join(out, "menu-yellow-box-board.json"), "w", encoding="utf-8") as handle:
        json.dump({"image": "menu-yellow-box-board.jpg", "items": items}, handle, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
