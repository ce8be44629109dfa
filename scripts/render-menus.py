#!/usr/bin/env python3
"""Renders Korean menu images with known ground truth, for tests and `make eval`.

usage: scripts/render-menus.py OUT_DIR [--count N] [--seed S]

Each menu is OUT_DIR/NAME.(png|jpg) plus OUT_DIR/NAME.json: {"items": [{"name_ko", "prices": [{"label", "amount"}],
"market_price", "category"}], "style": {...}}. Menus vary: printed and handwriting-style fonts, one and two columns,
dot leaders, categories, descriptions, size variants, 시가, unit notes, footers, and degradations (JPEG quality,
slight rotation, blur, noise, uneven light, light text on a dark board). Deterministic for a given seed.
Needs ImageMagick's convert and Debian's fonts-nanum / fonts-nanum-extra.
"""
import argparse
import json
import os
import random
import subprocess

FONTS = "/usr/share/fonts/truetype/nanum/"
PRINTED = ["NanumGothic.ttf", "NanumBarunGothic.ttf", "NanumMyeongjo.ttf", "NanumSquareR.ttf", "NanumGothicBold.ttf"]
HANDWRITING = ["NanumPen.ttf", "NanumBrush.ttf", "NanumBarunpenR.ttf"]

DISHES = {
    "식사류": ["김치찌개", "된장찌개", "순두부찌개", "비빔밥", "제육볶음", "불고기", "갈비탕", "육개장", "냉면", "칼국수",
             "떡국", "김치볶음밥", "오므라이스", "돈까스", "잔치국수", "콩국수", "설렁탕", "뚝배기불고기"],
    "요리": ["보쌈", "족발", "해물파전", "감자전", "닭볶음탕", "아구찜", "오징어볶음", "두부김치", "계란말이", "골뱅이무침",
           "모둠전", "낙지볶음"],
    "주류": ["소주", "맥주", "막걸리", "청하", "복분자주"],
    "음료": ["콜라", "사이다", "식혜", "매실차"],
}
DESCRIPTIONS = ["국내산 돼지고기 사용", "매콤하고 진한 국물", "직접 만든 양념", "신선한 채소와 함께", "푸짐한 한 상"]
SIZED = {"보쌈", "족발", "닭볶음탕", "아구찜", "해물파전", "모둠전"}
MARKET = ["모둠회", "대게", "전복구이", "산낙지"]
FOOTERS = ["원산지: 돼지고기(국내산), 쌀(국내산)", "TEL 02-123-4567", "영업시간 11:00 ~ 22:00", "카드 결제 가능 / 부가세 포함",
           "서울시 마포구 월드컵로 12"]


def price_text(amount, rng, thousands):
    if thousands:
        return f"{amount / 1000:.1f}"
    style = rng.choice(["comma", "comma_won", "plain_won", "comma", "won_sign"])
    if style == "comma":
        return f"{amount:,}"
    if style == "comma_won":
        return f"{amount:,}원"
    if style == "plain_won":
        return f"{amount}원"
    return f"₩{amount:,}"


def make_menu(rng, index):
    handwriting = index % 4 == 3
    columns = 2 if rng.random() < 0.35 else 1
    thousands = rng.random() < 0.12
    leaders = rng.random() < 0.5 and columns == 1
    categories = rng.sample(list(DISHES), k=rng.randint(1, 3))
    sections = []
    used = set()
    for category in categories:
        names = [n for n in DISHES[category] if n not in used]
        picked = rng.sample(names, k=min(len(names), rng.randint(3, 6)))
        used.update(picked)
        items = []
        for name in picked:
            base = rng.randrange(40, 300) * 100 if category in ("식사류", "요리") else rng.randrange(20, 80) * 100
            if category == "요리":
                base = rng.randrange(150, 450) * 100
            item = {"name_ko": name, "prices": [{"label": None, "amount": base}], "market_price": False, "category": category}
            if name in SIZED and rng.random() < 0.6 and not thousands:
                item["prices"] = [{"label": "소", "amount": base}, {"label": "대", "amount": base + rng.randrange(50, 150) * 100}]
            if rng.random() < 0.15:
                item["description"] = rng.choice(DESCRIPTIONS)
            items.append(item)
        sections.append((category, items))
    if rng.random() < 0.3:
        name = rng.choice(MARKET)
        sections[-1][1].append({"name_ko": name, "prices": [], "market_price": True, "category": sections[-1][0]})
    footers = rng.sample(FOOTERS, k=rng.randint(0, 2))
    return {
        "handwriting": handwriting, "columns": columns, "thousands": thousands, "leaders": leaders,
        "font": rng.choice(HANDWRITING if handwriting else PRINTED), "sections": sections, "footers": footers,
        "dark": rng.random() < 0.15, "rotate": round(rng.uniform(-2.5, 2.5), 1) if rng.random() < 0.4 else 0,
        "blur": rng.random() < 0.25, "noise": rng.random() < 0.3, "uneven": rng.random() < 0.3,
        "jpeg": rng.choice([None, 92, 75, 60]),
    }


def item_line(item, rng, thousands, leaders):
    if item["market_price"]:
        return item["name_ko"], "시가"
    prices = item["prices"]
    if len(prices) == 2:
        return item["name_ko"], f"소 {price_text(prices[0]['amount'], rng, thousands)} / 대 {price_text(prices[1]['amount'], rng, thousands)}"
    return item["name_ko"], price_text(prices[0]["amount"], rng, thousands)


def render(menu, path, rng):
    size = 34 if not menu["handwriting"] else 44
    line = int(size * 1.9)
    width = 1400 if menu["columns"] == 2 else 900
    column_width = width // menu["columns"]
    draws = []
    x0, y = 60, 90
    draws.append((x0, y, size + 10, "오늘의 식당 메뉴"))
    y += int(line * 1.4)
    if menu["thousands"]:
        draws.append((x0, y, size - 8, "(단위: 천원)"))
        y += line
    blocks = []
    for category, items in menu["sections"]:
        block = [(size + 4, f"[{category}]")]
        for item in items:
            name, price = item_line(item, rng, menu["thousands"], menu["leaders"])
            block.append((size, (name, price)))
            if item.get("description"):
                block.append((size - 12, item["description"]))
        blocks.append(block)
    columns = [[] for _ in range(menu["columns"])]
    for index, block in enumerate(blocks):
        columns[index % menu["columns"]].append(block)
    top = y
    bottom = y
    for column_index, column in enumerate(columns):
        cx = x0 + column_index * column_width
        cy = top
        for block in column:
            for entry_size, entry in block:
                if isinstance(entry, tuple):
                    name, price = entry
                    draws.append((cx, cy, entry_size, name))
                    price_x = cx + column_width - 100 - len(price) * entry_size * 0.55
                    if menu["leaders"]:
                        start = cx + len(name) * entry_size + 20
                        dots = max(3, int((price_x - start - 20) / (entry_size * 0.35)))
                        draws.append((start, cy, entry_size, "." * dots))
                    draws.append((price_x, cy, entry_size, price))
                else:
                    draws.append((cx, cy, entry_size, entry))
                cy += int(line * (0.85 if entry_size < size else 1))
            cy += line // 2
        bottom = max(bottom, cy)
    y = bottom + line // 2
    for footer in menu["footers"]:
        draws.append((x0, y, size - 12, footer))
        y += int(line * 0.8)
    height = y + 60
    background, ink = ("#1f3b2d", "#f4f1e8") if menu["dark"] else ("#fbf8f0", "#1a1a1a")
    # -seed makes ImageMagick's noise the same on every run: the set is deterministic end to end.
    command = ["convert", "-seed", str(menu["seed"]), "-size", f"{width}x{height}", f"xc:{background}",
               "-font", FONTS + menu["font"], "-fill", ink]
    for x, y_pos, point, text in draws:
        command += ["-pointsize", str(point), "-annotate", f"+{int(x)}+{int(y_pos + point)}", text]
    if menu["uneven"]:
        command += ["(", "-size", f"{width}x{height}", "radial-gradient:white-#8a8a8a", ")", "-compose", "multiply", "-composite"]
    if menu["rotate"]:
        command += ["-background", background, "-rotate", str(menu["rotate"])]
    if menu["blur"]:
        command += ["-blur", "0x1.0"]
    if menu["noise"]:
        command += ["-attenuate", "0.35", "+noise", "Gaussian"]
    if menu["jpeg"]:
        command += ["-quality", str(menu["jpeg"])]
    # No creation/modification time in the PNG: byte-identical files run after run.
    command += ["-define", "png:exclude-chunk=date,time"]
    command.append(path)
    subprocess.run(command, check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=48)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    for index in range(args.count):
        menu = make_menu(rng, index)
        menu["seed"] = args.seed + index
        name = f"menu-{index:03d}-{'hand' if menu['handwriting'] else 'print'}"
        extension = "jpg" if menu["jpeg"] else "png"
        render(menu, os.path.join(args.out, f"{name}.{extension}"), rng)
        items = [item for _, section in menu["sections"] for item in section]
        style = {k: v for k, v in menu.items() if k != "sections"}
        with open(os.path.join(args.out, f"{name}.json"), "w", encoding="utf-8") as handle:
            json.dump({"image": f"{name}.{extension}", "items": items, "style": style}, handle, ensure_ascii=False, indent=1)
    print(f"rendered {args.count} menus into {args.out}")


if __name__ == "__main__":
    main()
