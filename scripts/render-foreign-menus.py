#!/usr/bin/env python3
"""Renders menu photos "by other hands" for `make eval-foreign`: HTML and CSS pages screenshotted by headless
Chromium, then photographed (perspective, rotation, light, blur, JPEG) with numpy and Pillow.

usage: scripts/render-foreign-menus.py OUT_DIR [--set foreign-dev|foreign-heldout] [--count N] [--seed S]

Our held-out set is drawn by the same code as the tuning set (scripts/render-menus.py), so a score on it can still
fit that renderer. This script shares no code with it: the text is laid out by a browser engine (CSS tables, flexbox
rows with dotted or dashed leaders, CSS grid columns, cards, pills, gradients, SVG noise paper), with its own dish
lists, modifiers and price strings. It writes the same ground truth as render-menus.py, so scripts/eval.py scores
it: OUT_DIR/NAME.(png|jpg) and OUT_DIR/NAME.json with {"image", "set", "items": [{"name_ko", "prices": [{"label",
"amount"}], "market_price", "category", "price_format"}], "style": {"font_family", "background", "layout",
"ruled", "colour_text", "mixed_polarity", ...}}; names end in -print or -hand (a third are handwriting-style).

Two sets with disjoint fonts, backgrounds and layout variants:

- `foreign-dev`: may be looked at to find what fails.
- `foreign-heldout`: other seed, fonts, backgrounds and layout variants; only for judging a change. Never tune on it.

Deterministic for a given set and seed, up to Chromium's own text rendering. Needs Debian's `chromium` and the
Korean fonts of `scripts/deps.sh eval`, and Pillow and numpy (PyPI).
"""
import argparse
import html
import json
import math
import os
import random
import shutil
import subprocess
import tempfile

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# Font families as fontconfig names them (CSS font-family), per set; a family is in one set only.
FONTS = {
    "foreign-dev": {
        "printed": ["Noto Sans CJK KR", "NanumGothic", "UnGungseo", "UnJamoSora", "BM HANNA Air"],
        "title": ["BM JUA", "BM DoHyeon", "NanumGothic ExtraBold"],
        "handwriting": ["Nanum Pen Script", "UnPen"],
    },
    "foreign-heldout": {
        "printed": ["NanumSquare", "Noto Serif CJK KR", "UnShinmun", "UnDotum", "NanumBarunGothic", "UnYetgul"],
        "title": ["BM YEONSUNG", "BM KIRANGHAERANG", "NanumSquare ExtraBold"],
        "handwriting": ["Nanum Brush Script", "NanumBarunpen", "UnPilgi"],
    },
}
BACKGROUNDS = {
    "foreign-dev": ["linen_gradient", "kraft_noise", "slate_board", "striped_pastel", "lined_pad"],
    "foreign-heldout": ["ivory_radial", "cork_noise", "navy_board", "checked_paper", "grid_pad"],
}
HAND_BACKGROUNDS = {
    "foreign-dev": ["lined_pad", "slate_board", "kraft_noise"],
    "foreign-heldout": ["grid_pad", "navy_board", "cork_noise"],
}
LAYOUTS = {
    "foreign-dev": ["table_ruled", "flex_dotted", "grid_two_columns", "size_table_header", "cards_two",
                    "inline_sizes", "name_over_description"],
    "foreign-heldout": ["table_zebra", "flex_dashed", "columns_divided", "size_cells_labelled", "cards_three",
                        "inline_sizes_slashed", "price_under_name"],
}
HAND_LAYOUTS = {
    "foreign-dev": ["flex_dotted", "table_ruled"],
    "foreign-heldout": ["flex_dashed", "price_under_name"],
}

# Dishes as other restaurants list them (not the lists render-menus.py draws from).
KINDS = {
    "한식": ["제육덮밥", "오징어덮밥", "김치찌개", "된장찌개", "보리밥", "비빔밥", "불고기", "고등어조림", "생선구이",
           "닭볶음탕", "김치볶음밥", "계란말이", "동태찌개", "청국장", "쌈밥"],
    "국밥": ["순대국", "돼지국밥", "뼈해장국", "감자탕", "선지해장국", "우거지해장국", "설렁탕", "곰탕", "수육", "콩나물국밥",
           "황태해장국", "내장탕"],
    "고깃집": ["생삼겹살", "삼겹살", "목살", "항정살", "갈매기살", "돼지갈비", "양념갈비", "소갈비살", "차돌박이", "닭갈비",
            "된장찌개", "공기밥", "물냉면", "계란찜"],
    "냉면": ["물냉면", "비빔냉면", "회냉면", "함흥냉면", "평양냉면", "막국수", "들기름막국수", "왕만두", "고기만두", "편육",
           "녹두빈대떡", "갈비탕"],
    "포차": ["닭발", "오돌뼈", "골뱅이무침", "두부김치", "계란말이", "어묵탕", "오징어볶음", "쭈꾸미볶음", "떡볶이",
           "감자튀김", "치킨", "김치전", "오뎅탕", "닭똥집"],
    "횟집": ["광어회", "우럭회", "연어회", "모둠회", "물회", "회덮밥", "매운탕", "알탕", "산낙지", "멍게", "해삼", "전복죽",
           "대게", "새우구이"],
    "분식": ["떡볶이", "순대", "김밥", "참치김밥", "돈까스", "라면", "쫄면", "우동", "튀김", "라볶이", "어묵", "제육덮밥",
           "김치볶음밥", "비빔국수", "잔치국수"],
    "중식": ["짜장면", "짬뽕", "간짜장", "볶음밥", "짬뽕밥", "탕수육", "깐풍기", "양장피", "유린기", "마파두부", "군만두",
           "잡채밥", "고추잡채", "깐쇼새우"],
    "족발·보쌈": ["족발", "보쌈", "반반족발", "불족발", "냉채족발", "마늘족발", "막국수", "주먹밥", "김치전", "도토리묵",
              "쟁반국수"],
    "카페": ["아메리카노", "카페라떼", "바닐라라떼", "카푸치노", "콜드브루", "카페모카", "녹차라떼", "자몽에이드",
           "레몬에이드", "청포도에이드", "딸기라떼", "밀크티", "유자차", "생강차", "크로플", "와플"],
}
DRINKS = ["소주", "맥주", "생맥주", "막걸리", "청하", "콜라", "사이다", "하이볼", "음료수", "병맥주"]
SECTIONS = {
    "한식": ["식사", "찌개", "요리"], "국밥": ["국밥", "식사", "수육"], "고깃집": ["고기", "식사", "구이"],
    "냉면": ["면류", "만두", "사이드"], "포차": ["안주", "튀김", "식사"], "횟집": ["회", "식사", "요리"],
    "분식": ["분식", "식사", "면류"], "중식": ["식사", "요리", "면류"], "족발·보쌈": ["메인", "사이드", "식사"],
    "카페": ["커피", "음료", "디저트"],
}
MODIFIERS = ["왕", "얼큰", "매운", "수제", "특", "한우", "직화", "옛날", "숯불", "해물"]
SIZEABLE = {"족발", "보쌈", "반반족발", "불족발", "냉채족발", "마늘족발", "탕수육", "깐풍기", "유린기", "수육",
            "모둠회", "광어회", "우럭회", "연어회", "닭발", "오징어볶음", "쭈꾸미볶음", "감자탕", "닭볶음탕", "떡볶이",
            "양장피", "편육", "깐쇼새우", "치킨", "닭갈비"}
MARKET = ["모둠회", "대게", "산낙지", "킹크랩", "참돔회"]
DESCRIPTIONS = ["국내산 생고기만 사용합니다", "매일 끓이는 진한 육수", "2인 이상 주문 가능", "맵기 조절 가능",
                "사장님 추천 메뉴", "100% 국내산 재료"]
TITLES = ["MENU", "메뉴", "메뉴 안내", "차림표", "오늘의 메뉴", "Menu"]
FOOTERS = ["모든 메뉴 포장 가능합니다", "원산지 표시: 돼지고기 국내산", "☎ 031-555-0123", "BREAK TIME 15:00-17:00",
           "부가세 포함 가격입니다", "주차 가능"]
BADGES = ["BEST", "추천", "인기", "NEW", "HOT"]


# MARK: - Items and price strings


def won(amount, form):
    if form == "comma_won":
        return f"{amount:,}원"
    if form == "comma":
        return f"{amount:,}"
    if form == "plain_won":
        return f"{amount}원"
    if form == "won_sign":
        return f"₩{amount:,}"
    if form == "korean":
        man, rest = divmod(amount, 10000)
        cheon, rest = divmod(rest, 1000)
        baek = rest // 100
        return (f"{man}만" if man else "") + (f"{cheon}천" if cheon else "") + (f"{baek}백" if baek else "") + "원"
    if form == "thousands":
        return f"{amount / 1000:.1f}"
    raise ValueError(form)


def an_amount(rng, low, high):
    amount = rng.randint(low, high) * 1000
    roll = rng.random()
    return amount + (500 if roll < 0.25 else 900 if roll < 0.33 else 0)


def make_item(rng, kind, name, thousands, sizes_allowed, single_forms):
    shown = name
    if name not in DRINKS and rng.random() < 0.12:
        shown = rng.choice(MODIFIERS) + name
    low, high = (3, 8) if name in DRINKS else ((4, 16) if kind in ("분식", "카페", "국밥", "냉면") else (9, 42))
    item = {"name_ko": shown, "prices": [], "market_price": False}
    if thousands:
        item["prices"] = [{"label": None, "amount": rng.randint(low, high) * 1000 + rng.choice([0, 500, 0])}]
        item["price_format"] = "thousands"
    elif name in MARKET and rng.random() < 0.6:
        item["market_price"] = True
        item["price_format"] = "market"
        item["market_word"] = rng.choice(["시가", "싯가"])
    elif sizes_allowed and name in SIZEABLE and rng.random() < 0.6:
        labels = rng.choice([["소", "중", "대"], ["소", "대"], ["중", "대"], ["1인분", "2인분"]])
        first = an_amount(rng, max(low, 14), max(low + 3, high))
        step = rng.choice([3000, 4000, 5000, 6000, 10000])
        item["prices"] = [{"label": label, "amount": first + i * step} for i, label in enumerate(labels)]
        item["price_format"] = "portions" if labels[0] == "1인분" else "sizes"
        item["amount_form"] = rng.choice(["comma_won", "comma"])
    else:
        form = rng.choice(single_forms)
        amount = an_amount(rng, low, high)
        item["prices"] = [{"label": None, "amount": amount}]
        item["price_format"] = form
        if form == "struck":
            item["old_amount"] = amount + rng.choice([1000, 1500, 2000, 3000])
    return item


def price_html(item, size_style, strike_style):
    """The price as HTML: a struck old price beside the new one, sizes inline in one of the issue's spellings."""
    if item["market_price"]:
        return f'<span class="price market">{item["market_word"]}</span>'
    form = item["price_format"]
    if form in ("sizes", "portions"):
        parts = []
        for price in item["prices"]:
            label, amount = price["label"], won(price["amount"], item["amount_form"])
            if size_style == "paren":
                parts.append(f"({label}) {amount}")
            elif size_style == "paren_glued":
                parts.append(f"({label}){amount}")
            elif size_style == "paren_inner":
                parts.append(f"( {label}) {amount}")
            else:
                parts.append(f"{label} {amount}")
        joiner = " / " if size_style == "bare_slashed" else "&nbsp;&nbsp;"
        return f'<span class="price">{joiner.join(html.escape(p) for p in parts)}</span>'
    if form == "struck":
        old = f'<s class="old">{item["old_amount"]:,}</s>' if strike_style == "before" else \
            f'<span class="old" style="text-decoration: line-through">{item["old_amount"]:,}원</span>'
        return f'{old} <span class="price">{won(item["prices"][0]["amount"], "comma_won")}</span>'
    return f'<span class="price">{html.escape(won(item["prices"][0]["amount"], form))}</span>'


def make_menu(rng, set_name, index):
    hand = index % 3 == 2
    fonts = FONTS[set_name]
    family = rng.choice(fonts["handwriting" if hand else "printed"])
    layout = rng.choice((HAND_LAYOUTS if hand else LAYOUTS)[set_name])
    background = rng.choice((HAND_BACKGROUNDS if hand else BACKGROUNDS)[set_name])
    kind = rng.choice(sorted(KINDS))
    grid = layout.startswith("size_")
    thousands = not grid and rng.random() < 0.1
    dishes = KINDS[kind][:]
    rng.shuffle(dishes)
    if grid:
        dishes = [d for d in dishes if d in SIZEABLE] + [d for d in dishes if d not in SIZEABLE]
    categories = SECTIONS[kind][:]
    rng.shuffle(categories)
    section_count = 1 if grid else rng.choice([1, 2, 2, 3])
    per_section = rng.randint(3, 6) if not layout.startswith("cards") else rng.randint(2, 6)
    single_forms = ["comma_won", "comma_won", "comma", "plain_won", "won_sign", "korean", "struck"]
    sections = []
    for number in range(section_count):
        names = dishes[number * per_section:(number + 1) * per_section]
        if not names:
            break
        category = categories[number % len(categories)]
        if grid:
            labels = rng.choice([["소", "중", "대"], ["소", "대"], ["1인분", "2인분"], ["보통", "곱빼기"]])
            items = []
            for name in names:
                first = an_amount(rng, 8, 28)
                step = rng.choice([2000, 4000, 5000, 7000])
                items.append({"name_ko": name, "market_price": False, "price_format": "grid",
                              "prices": [{"label": label, "amount": first + i * step}
                                         for i, label in enumerate(labels)]})
            sections.append({"category": category, "items": items, "labels": labels})
            continue
        sections.append({"category": category, "items": [
            make_item(rng, kind, name, thousands, True, single_forms) for name in names]})
    if not grid and kind != "카페" and rng.random() < 0.4:
        drinks = rng.sample(DRINKS, k=rng.randint(2, 4))
        sections.append({"category": rng.choice(["주류", "음료", "주류"]),
                         "items": [make_item(rng, kind, name, thousands, False, single_forms) for name in drinks]})
    if not grid and kind == "횟집" and rng.random() < 0.5:
        sections[-1]["items"].append({"name_ko": rng.choice(MARKET), "prices": [], "market_price": True,
                                      "price_format": "market", "market_word": rng.choice(["시가", "싯가"])})
    seen = set()
    for section in sections:
        kept = []
        for item in section["items"]:
            if item["name_ko"] in seen:
                continue
            seen.add(item["name_ko"])
            item["category"] = section["category"]
            if rng.random() < 0.15:
                item["badge"] = rng.choice(BADGES)
            if layout in ("name_over_description", "cards_two", "cards_three") and rng.random() < 0.4:
                item["description"] = rng.choice(DESCRIPTIONS)
            kept.append(item)
        section["items"] = kept
    dark = background in ("slate_board", "navy_board")
    return {
        "set": set_name, "handwriting": hand, "font_family": family,
        "title_font": rng.choice(fonts["title"]) if not hand else family,
        "layout": layout, "background": background, "kind": kind, "thousands": thousands, "dark": dark,
        "ruled": layout in ("table_ruled", "columns_divided", "size_table_header", "size_cells_labelled")
                 or background in ("lined_pad", "grid_pad", "checked_paper"),
        "colour_text": rng.random() < 0.55,
        "mixed_polarity": (dark and rng.random() < 0.7) or (not dark and rng.random() < 0.3),
        "title": rng.choice(TITLES), "footers": rng.sample(FOOTERS, k=rng.randint(0, 2)), "sections": sections,
        "text_px": rng.randint(28, 38) + (8 if hand else 0),
        "width": rng.choice([960, 1080, 1200]) if layout not in ("grid_two_columns", "columns_divided",
                                                                   "cards_three") else rng.choice([1400, 1560]),
        "weight": rng.choice([400, 400, 500, 700]),
        "size_style": rng.choice(["paren", "paren_glued", "paren_inner", "bare"] if set_name == "foreign-dev"
                                 else ["paren", "paren_inner", "bare_slashed", "paren_glued"]),
        "strike_style": "before" if set_name == "foreign-dev" else "after",
    }


# MARK: - HTML


def palette(menu, rng):
    if menu["dark"]:
        ink = rng.choice(["#f4f1e8", "#fafafa", "#f6ecb4"])
        accent = rng.choice(["#ffd25a", "#ff9f80", "#9fe0ff"]) if menu["colour_text"] else ink
        box, box_ink = rng.choice([("#ffe066", "#1c1c1c"), ("#fafaf0", "#202020")]), None
    else:
        ink = rng.choice(["#1e1e1e", "#2a2830", "#22305a", "#4a2c18"])
        accent = rng.choice(["#c0392b", "#a0522d", "#b0204a", "#1f6b45", "#d35400"]) if menu["colour_text"] else ink
        box = rng.choice([("#8e1e1e", None), ("#2c3e70", None), ("#1f5e3a", None), ("#333333", None)])
    box_colour = box[0]
    box_ink = "#1c1c1c" if menu["dark"] else "#fdfdf8"
    price_ink = accent if menu["colour_text"] and rng.random() < 0.7 else ink
    return ink, accent, box_colour, box_ink, price_ink


def background_css(kind, rng):
    noise = ("url(\"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='300' height='300'>"
             "<filter id='n'><feTurbulence type='fractalNoise' baseFrequency='{f}' numOctaves='3' seed='{s}'/>"
             "<feColorMatrix type='saturate' values='0'/></filter><rect width='100%' height='100%' filter='url(%23n)' "
             "opacity='{o}'/></svg>\")")
    seed = rng.randint(1, 999)
    if kind == "linen_gradient":
        return "background: linear-gradient(160deg, #fbf7ee 0%, #f1e8d4 100%);"
    if kind == "ivory_radial":
        return "background: radial-gradient(ellipse at 30% 20%, #fffdf6 0%, #f3ead2 70%, #e8dcc0 100%);"
    if kind == "kraft_noise":
        return f"background: {noise.format(f=0.9, s=seed, o=0.35)}, #c49a66;"
    if kind == "cork_noise":
        return f"background: {noise.format(f=0.55, s=seed, o=0.5)}, #b88a58;"
    if kind == "slate_board":
        return (f"background: {noise.format(f=0.02, s=seed, o=0.25)}, "
                "radial-gradient(circle at 50% 40%, #3b4540 0%, #23292a 100%);")
    if kind == "navy_board":
        return f"background: {noise.format(f=0.03, s=seed, o=0.2)}, linear-gradient(180deg, #1d2a44, #141c2e);"
    if kind == "striped_pastel":
        return ("background: repeating-linear-gradient(90deg, #fdf0f3 0 40px, #f7e4ea 40px 80px);")
    if kind == "checked_paper":
        return ("background: repeating-linear-gradient(0deg, rgba(120,160,200,.25) 0 1px, transparent 1px 32px), "
                "repeating-linear-gradient(90deg, rgba(120,160,200,.25) 0 1px, transparent 1px 32px), #fbfbf7;")
    if kind == "lined_pad":
        spacing = rng.randint(40, 56)
        return (f"background: linear-gradient(90deg, transparent 64px, #e79a9a 64px 66px, transparent 66px), "
                f"repeating-linear-gradient(180deg, #fffef5 0 {spacing - 2}px, #9ec0e6 {spacing - 2}px {spacing}px);")
    if kind == "grid_pad":
        return ("background: repeating-linear-gradient(0deg, #c8d8c0 0 1px, transparent 1px 24px), "
                "repeating-linear-gradient(90deg, #c8d8c0 0 1px, transparent 1px 24px), #f6f9ef;")
    raise ValueError(kind)


def name_html(item, badge_side):
    name = html.escape(item["name_ko"])
    badge = item.get("badge")
    if not badge:
        return f'<span class="name">{name}</span>'
    pill = f'<span class="badge">{badge}</span>'
    return f'<span class="name">{pill} {name}</span>' if badge_side == "before" else \
        f'<span class="name">{name} {pill}</span>'


def header_html(menu, category):
    if menu["mixed_polarity"]:
        return f'<div class="section"><span class="box">{html.escape(category)}</span></div>'
    return f'<div class="section"><span class="plain">{html.escape(category)}</span></div>'


def rows_html(menu, sections, variant):
    badge_side = "after" if menu["set"] == "foreign-dev" else "before"
    out = []
    for section in sections:
        out.append(header_html(menu, section["category"]))
        if variant in ("table_ruled", "table_zebra"):
            out.append(f'<table class="{variant}">')
            for item in section["items"]:
                out.append(f'<tr><td>{name_html(item, badge_side)}</td>'
                           f'<td class="right">{price_html(item, menu["size_style"], menu["strike_style"])}</td></tr>')
                if item.get("description"):
                    out.append(f'<tr><td colspan="2" class="desc">{html.escape(item["description"])}</td></tr>')
            out.append("</table>")
            continue
        for item in section["items"]:
            price = price_html(item, menu["size_style"], menu["strike_style"])
            if variant in ("price_under_name",):
                out.append(f'<div class="stack">{name_html(item, badge_side)}<div class="under">{price}</div></div>')
            elif variant in ("name_over_description",):
                desc = f'<div class="desc">{html.escape(item["description"])}</div>' if item.get("description") else ""
                out.append(f'<div class="row">{name_html(item, badge_side)}<span class="fill plainfill"></span>'
                           f'{price}</div>{desc}')
            else:
                leader = "dotted" if variant in ("flex_dotted", "grid_two_columns", "inline_sizes") else "dashed"
                out.append(f'<div class="row">{name_html(item, badge_side)}<span class="fill {leader}"></span>'
                           f'{price}</div>')
    return "\n".join(out)


def cards_html(menu, sections, per_row):
    badge_side = "after" if menu["set"] == "foreign-dev" else "before"
    out = []
    for section in sections:
        out.append(header_html(menu, section["category"]))
        out.append(f'<div class="cards" style="grid-template-columns: repeat({per_row}, 1fr)">')
        for item in section["items"]:
            desc = f'<div class="desc">{html.escape(item["description"])}</div>' if item.get("description") else ""
            out.append(f'<div class="card">{name_html(item, badge_side)}{desc}'
                       f'<div class="under">{price_html(item, menu["size_style"], menu["strike_style"])}</div></div>')
        out.append("</div>")
    return "\n".join(out)


def size_grid_html(menu, sections, labelled):
    out = []
    for section in sections:
        out.append(header_html(menu, section["category"]))
        labels = section["labels"]
        out.append('<table class="sizes">')
        if not labelled:
            out.append("<tr><th class='left'>메뉴</th>" + "".join(f"<th>{label}</th>" for label in labels) + "</tr>")
        for item in section["items"]:
            cells = "".join(
                f"<td class='right'>{'<small>' + p['label'] + '</small> ' if labelled else ''}{p['amount']:,}</td>"
                for p in item["prices"])
            out.append(f"<tr><td>{html.escape(item['name_ko'])}</td>{cells}</tr>")
        out.append("</table>")
    return "\n".join(out)


def page_html(menu, rng):
    ink, accent, box, box_ink, price_ink = palette(menu, rng)
    px = menu["text_px"]
    layout = menu["layout"]
    sections = menu["sections"]
    if layout in ("grid_two_columns", "columns_divided"):
        half = (len(sections) + 1) // 2
        if len(sections) == 1:
            items = sections[0]["items"]
            left = [{"category": sections[0]["category"], "items": items[:(len(items) + 1) // 2]}]
            right = [{"category": sections[0]["category"], "items": items[(len(items) + 1) // 2:]}]
        else:
            left, right = sections[:half], sections[half:]
        variant = "flex_dotted" if layout == "grid_two_columns" else "flex_plain"
        body = (f'<div class="columns {layout}"><div>{rows_html(menu, left, variant)}</div>'
                f'<div>{rows_html(menu, right, variant)}</div></div>')
    elif layout.startswith("cards"):
        body = cards_html(menu, sections, 2 if layout == "cards_two" else 3)
    elif layout.startswith("size_"):
        body = size_grid_html(menu, sections, labelled=layout == "size_cells_labelled")
    else:
        body = rows_html(menu, sections, layout)
    unit = '<div class="unit">(단위: 천원)</div>' if menu["thousands"] else ""
    footers = "".join(f'<div class="footer">{html.escape(f)}</div>' for f in menu["footers"])
    rule = "rgba(255,255,255,.45)" if menu["dark"] else "rgba(0,0,0,.35)"
    zebra = "rgba(255,255,255,.08)" if menu["dark"] else "rgba(0,0,0,.05)"
    title_size = px + rng.randint(20, 36)
    header_style = rng.choice(["underline", "none", "centred"])
    css = f"""
    html, body {{ margin: 0; background: #ff00ff; }}
    .page {{ width: {menu['width']}px; box-sizing: border-box; padding: {rng.randint(50, 90)}px {rng.randint(50, 90)}px;
      {background_css(menu['background'], rng)} color: {ink}; font-family: '{menu['font_family']}';
      font-size: {px}px; font-weight: {menu['weight'] if not menu['handwriting'] else 400}; line-height: 1.5; }}
    h1 {{ font-family: '{menu['title_font']}'; font-size: {title_size}px; text-align: center; color: {accent};
      margin: 0 0 {px // 2}px 0; font-weight: 700; letter-spacing: {rng.choice([0, 2, 6])}px; }}
    .unit {{ text-align: right; font-size: {px - 8}px; }}
    .section {{ margin: {px * 0.7:.0f}px 0 {px * 0.35:.0f}px; font-size: {px + 4}px; font-weight: 700;
      {'text-align: center;' if header_style == 'centred' else ''} }}
    .section .plain {{ color: {accent}; {'border-bottom: 3px solid ' + accent + ';' if header_style == 'underline' else ''} }}
    .section .box {{ background: {box}; color: {box_ink}; padding: 4px 18px; border-radius: {rng.choice([0, 6, 20])}px; }}
    .row {{ display: flex; align-items: baseline; gap: 12px; margin: {px * 0.28:.0f}px 0; }}
    .fill {{ flex: 1; }}
    .fill.dotted {{ border-bottom: 3px dotted {rule}; }}
    .fill.dashed {{ border-bottom: 2px dashed {rule}; }}
    .price {{ color: {price_ink}; white-space: nowrap; }}
    .old {{ color: #8a8a8a; font-size: {px - 6}px; }}
    .badge {{ background: {accent if accent != ink else '#d03030'}; color: {'#161616' if menu['dark'] else '#ffffff'};
      font-size: {px * 0.55:.0f}px; padding: 2px 10px; border-radius: 999px; vertical-align: middle;
      font-family: sans-serif; font-weight: 700; }}
    .desc {{ font-size: {px - 12}px; opacity: .7; margin: -{px * 0.2:.0f}px 0 {px * 0.2:.0f}px 6px; }}
    table {{ width: 100%; border-collapse: collapse; }}
    td, th {{ padding: {px * 0.3:.0f}px 8px; }}
    .right {{ text-align: right; white-space: nowrap; }}
    table.table_ruled td {{ border-bottom: {rng.choice([1, 2])}px solid {rule}; }}
    table.table_zebra tr:nth-child(odd) td {{ background: {zebra}; }}
    table.sizes th {{ text-align: right; color: {accent}; border-bottom: 2px solid {ink}; }}
    table.sizes th.left {{ text-align: left; }}
    table.sizes td {{ border: {1 if menu['layout'] == 'size_cells_labelled' else 0}px solid {rule};
      border-bottom: 1px solid {rule}; }}
    table.sizes small {{ font-size: {px - 10}px; opacity: .8; }}
    .columns {{ display: grid; grid-template-columns: 1fr 1fr; column-gap: 90px; }}
    .columns.columns_divided > div + div {{ border-left: 2px solid {rule}; padding-left: 40px; margin-left: -40px; }}
    .stack {{ margin: {px * 0.35:.0f}px 0; }}
    .under {{ margin-left: {px}px; }}
    .cards {{ display: grid; gap: 18px; }}
    .card {{ border: 2px solid {rule}; border-radius: 14px; padding: 14px 18px; text-align: center; }}
    .card .under {{ margin: 6px 0 0 0; }}
    .footer {{ font-size: {px - 12}px; opacity: .75; margin-top: {px // 2}px; }}
    """
    return (f"<!doctype html><html lang='ko'><head><meta charset='utf-8'><style>{css}</style></head><body>"
            f"<div class='page'><h1>{html.escape(menu['title'])}</h1>{unit}{body}{footers}</div></body></html>")


def screenshot(chromium, page, width, workdir):
    """The page as Chromium draws it, cropped to the menu (the page's own magenta surround removed)."""
    source = os.path.join(workdir, "menu.html")
    target = os.path.join(workdir, "menu.png")
    with open(source, "w", encoding="utf-8") as handle:
        handle.write(page)
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--force-device-scale-factor=1", "--disable-features=Translate", "--no-first-run",
                    f"--window-size={width},4200", f"--screenshot={target}", f"file://{source}"],
                   check=True, capture_output=True, timeout=120)
    image = Image.open(target).convert("RGB")
    pixels = np.asarray(image).astype(np.int16)
    magenta = (np.abs(pixels[..., 0] - 255) < 8) & (pixels[..., 1] < 8) & (np.abs(pixels[..., 2] - 255) < 8)
    rows = np.where(~magenta.all(axis=1))[0]
    columns = np.where(~magenta.all(axis=0))[0]
    if len(rows) == 0:
        raise RuntimeError("chromium drew nothing")
    return image.crop((int(columns[0]), int(rows[0]), int(columns[-1]) + 1, int(rows[-1]) + 1))


# MARK: - Photo


def warp_coefficients(corners_out, corners_in):
    rows, rhs = [], []
    for (x, y), (u, v) in zip(corners_out, corners_in):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64)).tolist()


def take_photo(page, rng, seed):
    """The menu lying on a table, photographed: perspective, rotation, uneven light, a shadow, blur, noise."""
    noise = np.random.default_rng(seed)
    info = {}
    table = tuple(rng.randint(60, 130) for _ in range(3))
    border = int(max(page.size) * rng.uniform(0.03, 0.07))
    canvas = Image.new("RGB", (page.width + 2 * border, page.height + 2 * border), table)
    canvas.paste(page, (border, border))
    w, h = canvas.size
    if rng.random() < 0.65:
        amount = rng.uniform(0.01, 0.05)
        moved = [(x + rng.uniform(-amount, amount) * w, y + rng.uniform(-amount, amount) * h)
                 for x, y in [(0, 0), (w, 0), (w, h), (0, h)]]
        canvas = canvas.transform((w, h), Image.PERSPECTIVE, warp_coefficients(moved, [(0, 0), (w, 0), (w, h), (0, h)]),
                                  Image.BICUBIC, fillcolor=table)
        info["perspective"] = round(amount, 3)
    if rng.random() < 0.6:
        angle = rng.uniform(-3, 3)
        canvas = canvas.rotate(angle, Image.BICUBIC, expand=True, fillcolor=table)
        info["rotation"] = round(angle, 2)
    pixels = np.asarray(canvas, dtype=np.float32)
    h, w = pixels.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    if rng.random() < 0.5:
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        distance = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2) / max(w, h)
        pixels *= (1 - rng.uniform(0.15, 0.35) * np.clip(distance, 0, 1))[..., None]
        info["gradient"] = True
    if rng.random() < 0.35:
        mask = Image.new("L", (w, h), 0)
        top = rng.uniform(0.2, 0.7) * h
        ImageDraw.Draw(mask).polygon([(0, top), (w, top + rng.uniform(-0.2, 0.2) * h), (w, h), (0, h)], fill=255)
        mask = mask.filter(ImageFilter.GaussianBlur(rng.uniform(15, 40)))
        pixels *= (1 - rng.uniform(0.2, 0.45) * np.asarray(mask, dtype=np.float32) / 255)[..., None]
        info["shadow"] = True
    pixels += noise.normal(0, rng.uniform(1.5, 6), pixels.shape).astype(np.float32)
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if rng.random() < 0.5:
        radius = rng.uniform(0.4, 1.5)
        photo = photo.filter(ImageFilter.GaussianBlur(radius))
        info["blur"] = round(radius, 2)
    return photo, info


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--set", choices=sorted(FONTS), default="foreign-dev")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("render-foreign-menus.py needs Chromium: apt-get install -y --no-install-recommends chromium")
    seed = args.seed if args.seed is not None else {"foreign-dev": 5150, "foreign-heldout": 91127}[args.set]
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        for index in range(args.count):
            rng = random.Random(seed * 10007 + index)
            menu = make_menu(rng, args.set, index)
            page = screenshot(chromium, page_html(menu, rng), menu["width"], workdir)
            photo, info = take_photo(page, rng, seed * 31 + index)
            quality = rng.choice([None, 70, 75, 80, 85])
            info["jpeg"] = quality
            name = f"{args.set}-{index:03d}-{'hand' if menu['handwriting'] else 'print'}"
            image = name + (".jpg" if quality else ".png")
            path = os.path.join(args.out, image)
            if quality:
                photo.save(path, quality=quality)
            else:
                photo.save(path)
            items = [{"name_ko": item["name_ko"], "prices": item["prices"], "market_price": item["market_price"],
                      "category": item["category"], "price_format": item["price_format"]}
                     for section in menu["sections"] for item in section["items"]]
            style = {k: v for k, v in menu.items() if k not in ("sections", "footers")}
            style.update(info)
            with open(os.path.join(args.out, f"{name}.json"), "w", encoding="utf-8") as handle:
                json.dump({"image": image, "set": args.set, "items": items, "style": style}, handle,
                          ensure_ascii=False, indent=1)
    print(f"rendered {args.count} {args.set} menus into {args.out}")


if __name__ == "__main__":
    main()
