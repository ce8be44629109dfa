#!/usr/bin/env python3
"""Renders Korean menu photos with known ground truth, for `make eval`.

usage: scripts/render-menus.py OUT_DIR [--set tuning|heldout] [--count N] [--seed S]

Two sets that share no font, background or layout variant, so that a score on one says how the pipeline does on
menus it was not tuned on:

- `tuning`: the only set the pipeline is tuned on.
- `heldout`: other seeds, other font families, other backgrounds, other variants of every layout. Never tune on it.

Each menu is OUT_DIR/NAME.(png|jpg) plus OUT_DIR/NAME.json: {"image", "set", "items": [{"name_ko", "prices":
[{"label", "amount"}], "market_price", "category", "price_format"}], "style": {"font_family", "background", "layout",
"ruled", "colour_text", "mixed_polarity", "handwriting", ...}}. The style tags are the failure classes `make eval`
reports separately.

What varies: ten restaurant kinds (한식, 국밥, 고깃집, 냉면, 포차, 횟집, 분식, 중식, 족발·보쌈, 카페) with their dishes and
modified names (왕돈까스, 얼큰순두부찌개) that no lexicon holds; printed, title and handwriting-style fonts; paper, kraft,
wood, boards, whiteboards, post-its and lined notebooks; rules under rows and frames; coloured prices and headers;
highlighted headers of the other polarity; leaders, plain columns, two columns, size grids, descriptions, centred
stacked items, badges; price forms (8,000원, 8,000, 8000원, ₩8,000, 1만2천5백원, 12.0 under 단위: 천원, 시가/싯가,
1인분/2인분, (소) 32,500원 and its spacings, struck-through old prices); and a photo's geometry and light (perspective,
rotation, lighting gradient, vignette, cast shadow, blur, noise, JPEG quality).

Deterministic for a given set and seed. Needs Pillow and numpy (PyPI), and Debian's Korean fonts (fonts-nanum,
fonts-nanum-extra, fonts-noto-cjk, fonts-unfonts-core, fonts-unfonts-extra, fonts-baekmuk, fonts-alee,
fonts-lexi-gulim, fonts-woowa-bm).
"""
import argparse
import json
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

TT = "/usr/share/fonts/truetype/"
NOTO = "/usr/share/fonts/opentype/noto/"

# Font families per set. A family is in one set only: the held-out fonts are the ones the tuning never sees.
FONTS = {
    "tuning": {
        "printed": {
            "NanumGothic": [TT + "nanum/NanumGothic.ttf", TT + "nanum/NanumGothicBold.ttf"],
            "NanumBarunGothic": [TT + "nanum/NanumBarunGothic.ttf", TT + "nanum/NanumBarunGothicBold.ttf"],
            "NanumMyeongjo": [TT + "nanum/NanumMyeongjo.ttf", TT + "nanum/NanumMyeongjoBold.ttf"],
            "Baekmuk": [TT + "baekmuk/dotum.ttf", TT + "baekmuk/gulim.ttf", TT + "baekmuk/batang.ttf"],
            "LexiGulim": [TT + "lexi/LexiGulim.ttf"],
            "UnGraphic": [TT + "unfonts-core/UnGraphic.ttf", TT + "unfonts-core/UnGraphicBold.ttf"],
            "UnJamo": [TT + "unfonts-extra/UnJamoDotum.ttf", TT + "unfonts-extra/UnJamoBatang.ttf"],
        },
        "title": [TT + "woowa-bm/BMHANNAPro.ttf", TT + "woowa-bm/BMDOHYEON_ttf.ttf", TT + "woowa-bm/BMJUA_ttf.ttf",
                  TT + "baekmuk/hline.ttf", TT + "nanum/NanumGothicExtraBold.ttf"],
        "handwriting": {
            "NanumPen": [TT + "nanum/NanumPen.ttf"],
            "UnPen": [TT + "unfonts-extra/UnPen.ttf", TT + "unfonts-extra/UnPenheulim.ttf"],
            "EunjinNakseo": [TT + "alee/EunjinNakseo.ttf"],
        },
    },
    "heldout": {
        "printed": {
            "NanumSquare": [TT + "nanum/NanumSquareR.ttf", TT + "nanum/NanumSquareB.ttf"],
            "NanumSquareRound": [TT + "nanum/NanumSquareRoundR.ttf", TT + "nanum/NanumSquareRoundB.ttf"],
            "NotoSansCJK": [(NOTO + "NotoSansCJK-Regular.ttc", 1), (NOTO + "NotoSansCJK-Bold.ttc", 1)],
            "NotoSerifCJK": [(NOTO + "NotoSerifCJK-Regular.ttc", 1), (NOTO + "NotoSerifCJK-Bold.ttc", 1)],
            "UnDotum": [TT + "unfonts-core/UnDotum.ttf", TT + "unfonts-core/UnDotumBold.ttf"],
            "UnBatang": [TT + "unfonts-core/UnBatang.ttf", TT + "unfonts-core/UnBatangBold.ttf"],
        },
        "title": [TT + "nanum/NanumSquareEB.ttf", TT + "woowa-bm/BMYEONSUNG_ttf.ttf", TT + "unfonts-core/UnDotumBold.ttf",
                  (NOTO + "NotoSansCJK-Bold.ttc", 1)],
        "handwriting": {
            "NanumBrush": [TT + "nanum/NanumBrush.ttf"],
            "NanumBarunpen": [TT + "nanum/NanumBarunpenR.ttf", TT + "nanum/NanumBarunpenB.ttf"],
            "UnPilgi": [TT + "unfonts-core/UnPilgi.ttf", TT + "unfonts-core/UnPilgiBold.ttf"],
        },
    },
}

# Backgrounds and layout variants per set, disjoint in the same way.
BACKGROUNDS = {
    "tuning": ["white", "cream", "pastel_pink", "kraft", "green_board", "row_rules", "ledger"],
    "heldout": ["pastel_mint", "wood", "black_board", "whiteboard", "postit", "notebook", "framed"],
}
HANDWRITING_BACKGROUNDS = {
    "tuning": ["white", "cream", "kraft", "green_board"],
    "heldout": ["whiteboard", "postit", "notebook", "black_board"],
}
LAYOUTS = {
    "tuning": ["leaders_dots", "two_columns_leaders", "size_grid_3", "described_below", "plain_right", "stacked_left",
               "english_inline"],
    "heldout": ["leaders_middots", "two_columns_divided", "size_grid_2_boxed", "described_english",
                "plain_tab", "centred_stacked"],
}
HANDWRITING_LAYOUTS = {
    "tuning": ["leaders_dots", "plain_right"],
    "heldout": ["plain_tab", "centred_stacked", "leaders_middots"],
}

KINDS = {
    "한식": ["김치찌개", "된장찌개", "순두부찌개", "부대찌개", "비빔밥", "돌솥비빔밥", "제육볶음", "불고기", "갈비찜", "고등어구이",
           "갈치조림", "김치볶음밥", "계란말이", "해물파전", "감자전", "잡채", "떡갈비", "청국장", "육회비빔밥", "코다리조림"],
    "국밥": ["돼지국밥", "순대국밥", "소머리국밥", "콩나물국밥", "설렁탕", "곰탕", "갈비탕", "육개장", "내장탕", "선지해장국",
           "뼈해장국", "수육", "순대", "머릿고기", "도가니탕"],
    "고깃집": ["삼겹살", "목살", "항정살", "가브리살", "돼지갈비", "소갈비", "차돌박이", "우삼겹", "등심", "갈비살", "양념갈비",
            "된장찌개", "냉면", "공기밥", "계란찜", "껍데기"],
    "냉면": ["물냉면", "비빔냉면", "회냉면", "열무냉면", "밀면", "막국수", "온면", "만두", "왕만두", "고기만두", "김치만두",
           "갈비탕", "편육", "녹두전", "빈대떡"],
    "포차": ["닭발", "오돌뼈", "골뱅이무침", "두부김치", "계란탕", "어묵탕", "오징어볶음", "낙지볶음", "떡볶이", "소시지야채볶음",
           "김치전", "해물파전", "주먹밥", "치즈계란말이", "감자튀김", "똥집튀김"],
    "횟집": ["광어회", "우럭회", "모둠회", "연어회", "물회", "회덮밥", "매운탕", "지리탕", "산낙지", "멍게", "해삼", "전복죽",
           "대게", "새우튀김", "오징어숙회"],
    "분식": ["떡볶이", "라볶이", "순대", "튀김", "김밥", "참치김밥", "치즈김밥", "라면", "치즈라면", "쫄면", "우동", "어묵",
           "돈까스", "오므라이스", "잔치국수", "비빔국수", "만두"],
    "중식": ["짜장면", "짬뽕", "간짜장", "삼선짬뽕", "볶음밥", "짬뽕밥", "탕수육", "깐풍기", "양장피", "유산슬", "팔보채",
           "고추잡채", "군만두", "마파두부", "울면", "잡채밥"],
    "족발·보쌈": ["족발", "보쌈", "반반족발", "불족발", "냉채족발", "마늘보쌈", "막국수", "쟁반국수", "주먹밥", "순두부찌개",
              "김치전", "굴보쌈"],
    "카페": ["아메리카노", "카페라떼", "카푸치노", "바닐라라떼", "카라멜마끼아또", "카페모카", "콜드브루", "녹차라떼", "자몽에이드",
           "레몬에이드", "딸기스무디", "밀크티", "유자차", "허브티", "치즈케이크", "크로플"],
}
DRINKS = ["소주", "맥주", "막걸리", "청하", "복분자주", "생맥주", "콜라", "사이다", "음료수", "매화수"]
CATEGORY_NAMES = {
    "한식": ["식사", "요리", "찌개류"], "국밥": ["식사", "수육", "국밥류"], "고깃집": ["고기", "식사", "구이류"],
    "냉면": ["면류", "만두", "사이드"], "포차": ["안주", "요리", "식사"], "횟집": ["회", "식사", "요리"],
    "분식": ["분식", "김밥", "면류"], "중식": ["식사", "요리", "면류"], "족발·보쌈": ["메인", "사이드", "식사"],
    "카페": ["커피", "음료", "디저트"],
}
# Names no lexicon lists: modified dishes, as restaurants write them.
MODIFIERS = ["왕", "옛날", "얼큰", "매운", "수제", "특", "해물", "치즈", "한우", "직화"]
SIZEABLE = {"족발", "보쌈", "반반족발", "불족발", "마늘보쌈", "탕수육", "깐풍기", "수육", "모둠회", "광어회", "우럭회",
            "닭발", "오징어볶음", "낙지볶음", "해물파전", "갈비찜", "떡볶이", "양장피", "편육", "연어회"}
MARKET = ["모둠회", "대게", "산낙지", "전복구이", "활어회", "킹크랩"]
DESCRIPTIONS = ["국내산 돼지고기 사용", "매콤하고 진한 국물", "직접 만든 양념", "신선한 채소와 함께", "푸짐한 한 상",
                "매일 아침 손질한 재료", "사골 육수로 끓인"]
ENGLISH = {"김치찌개": "Kimchi Stew", "된장찌개": "Soybean Paste Stew", "비빔밥": "Bibimbap", "불고기": "Bulgogi",
           "삼겹살": "Pork Belly", "물냉면": "Cold Noodles", "짜장면": "Black Bean Noodles", "떡볶이": "Tteokbokki",
           "김밥": "Gimbap", "족발": "Pork Trotters", "설렁탕": "Ox Bone Soup", "아메리카노": "Americano"}
TITLES = ["오늘의 메뉴", "MENU", "차림표", "메뉴판", "맛있는 집", "Menu Board", "우리집 메뉴"]
FOOTERS = ["원산지: 돼지고기(국내산), 쌀(국내산)", "TEL 02-123-4567", "영업시간 11:00 ~ 22:00", "카드 결제 가능 / 부가세 포함",
           "서울시 마포구 월드컵로 12", "예약문의 010-2345-6789"]
BADGES = ["추천", "BEST", "인기", "NEW"]

INK_DARK = [(25, 25, 25), (40, 40, 48), (30, 40, 80), (60, 35, 20)]
INK_LIGHT = [(245, 243, 235), (250, 250, 250), (248, 236, 170)]
ACCENT_ON_LIGHT = [(190, 40, 30), (150, 70, 30), (170, 30, 60), (30, 90, 60)]
ACCENT_ON_DARK = [(250, 210, 90), (250, 160, 120), (170, 230, 250)]


class Font:
    """A font file (or a face of a collection) at any size, cached."""

    def __init__(self, spec):
        self.path, self.index = spec if isinstance(spec, tuple) else (spec, 0)
        self.sizes = {}

    def at(self, size):
        if size not in self.sizes:
            self.sizes[size] = ImageFont.truetype(self.path, size, index=self.index)
        return self.sizes[size]


# MARK: - Menus


def korean_units(amount):
    """12500 -> 1만2천5백원, 79000 -> 7만9천원, 8000 -> 8천원."""
    text = ""
    man, rest = divmod(amount, 10000)
    cheon, rest = divmod(rest, 1000)
    baek = rest // 100
    if man:
        text += f"{man}만"
    if cheon:
        text += f"{cheon}천"
    if baek:
        text += f"{baek}백"
    return text + "원"


def amount_text(amount, style):
    if style == "comma_won":
        return f"{amount:,}원"
    if style == "comma":
        return f"{amount:,}"
    if style == "plain_won":
        return f"{amount}원"
    if style == "won_sign":
        return f"₩{amount:,}"
    if style == "korean":
        return korean_units(amount)
    if style == "thousands":
        return f"{amount / 1000:.1f}"
    raise ValueError(style)


def pick_amount(rng, low, high):
    """An amount in won: mostly round thousands, also 500s and x,900."""
    base = rng.randrange(low, high) * 1000
    roll = rng.random()
    if roll < 0.2:
        return base + 500
    if roll < 0.3:
        return base + 900
    return base


def make_items(rng, kind, names, thousands, allow_sizes):
    items = []
    for name in names:
        shown = name
        if rng.random() < 0.15 and name not in DRINKS:
            shown = rng.choice(MODIFIERS) + name
        low, high = (3, 9) if name in DRINKS else ((4, 18) if kind in ("분식", "카페", "국밥", "냉면") else (8, 45))
        item = {"name_ko": shown, "prices": [], "market_price": False, "price_format": "comma_won"}
        if thousands:
            item["prices"] = [{"label": None, "amount": rng.randrange(low, high) * 1000 + rng.choice([0, 0, 500])}]
            item["price_format"] = "thousands"
        elif name in MARKET and rng.random() < 0.6:
            item["market_price"] = True
            item["price_format"] = "market"
            item["market_word"] = rng.choice(["시가", "시가", "싯가"])
        elif allow_sizes and name in SIZEABLE and rng.random() < 0.7:
            labels = rng.choice([["소", "중", "대"], ["소", "대"], ["1인분", "2인분"]])
            first = pick_amount(rng, max(low, 15), max(low + 2, high))
            step = rng.choice([3500, 4000, 5000, 7000, 10000])
            item["prices"] = [{"label": label, "amount": first + i * step} for i, label in enumerate(labels)]
            item["price_format"] = "portions" if labels[0] == "1인분" else "sizes"
            item["size_form"] = rng.choice(["paren_spaced", "paren_inner_space", "bare", "paren_glued", "slashed"])
            item["amount_style"] = rng.choice(["comma_won", "comma", "comma_won"])
        else:
            amount = pick_amount(rng, low, high)
            style = rng.choice(["comma_won", "comma_won", "comma", "plain_won", "won_sign", "korean", "struck"])
            item["prices"] = [{"label": None, "amount": amount}]
            item["price_format"] = style
            if style == "struck":
                item["old_amount"] = amount + rng.choice([1000, 2000, 3000])
        items.append(item)
    return items


def price_string(item):
    """The price as printed, for single-line layouts (struck prices are drawn separately)."""
    if item["market_price"]:
        return item["market_word"]
    if item["price_format"] in ("sizes", "portions"):
        style = item["amount_style"]
        parts = []
        for price in item["prices"]:
            label, amount = price["label"], amount_text(price["amount"], style)
            form = item["size_form"]
            if form == "paren_spaced":
                parts.append(f"({label}) {amount}")
            elif form == "paren_inner_space":
                parts.append(f"( {label}){amount}")
            elif form == "bare" or form == "slashed":
                parts.append(f"{label} {amount}")
            else:
                parts.append(f"({label}){amount}")
        return (" / " if item["size_form"] == "slashed" else "  ").join(parts)
    if item["price_format"] == "struck":
        return amount_text(item["prices"][0]["amount"], "comma_won")
    return amount_text(item["prices"][0]["amount"], item["price_format"])


def make_menu(rng, set_name, index):
    handwriting = index % 3 == 2
    fonts = FONTS[set_name]
    family = rng.choice(sorted(fonts["handwriting" if handwriting else "printed"]))
    layout = rng.choice((HANDWRITING_LAYOUTS if handwriting else LAYOUTS)[set_name])
    background = rng.choice((HANDWRITING_BACKGROUNDS if handwriting else BACKGROUNDS)[set_name])
    kind = rng.choice(sorted(KINDS))
    thousands = rng.random() < 0.1 and not layout.startswith("size_grid")
    dishes = KINDS[kind][:]
    rng.shuffle(dishes)
    section_count = 1 if layout.startswith("size_grid") else rng.choice([1, 2, 2, 3])
    per_section = rng.randint(3, 6) if layout != "centred_stacked" else rng.randint(2, 4)
    sections = []
    categories = CATEGORY_NAMES[kind][:]
    rng.shuffle(categories)
    for number in range(section_count):
        names = dishes[number * per_section:(number + 1) * per_section]
        if not names:
            break
        category = categories[number % len(categories)]
        if layout.startswith("size_grid"):
            labels = ["소", "중", "대"] if layout == "size_grid_3" else rng.choice([["소", "대"], ["1인분", "2인분"]])
            items = []
            for name in names:
                first = pick_amount(rng, 10, 30)
                step = rng.choice([4000, 5000, 8000])
                items.append({"name_ko": name, "market_price": False, "price_format": "grid",
                              "prices": [{"label": label, "amount": first + i * step} for i, label in enumerate(labels)]})
            sections.append({"category": category, "items": items, "labels": labels})
            continue
        items = make_items(rng, kind, names, thousands, allow_sizes=True)
        sections.append({"category": category, "items": items})
    if kind not in ("카페",) and rng.random() < 0.4 and not layout.startswith("size_grid"):
        drinks = rng.sample(DRINKS, k=rng.randint(2, 4))
        sections.append({"category": "주류" if rng.random() < 0.6 else "음료",
                         "items": make_items(rng, kind, drinks, thousands, allow_sizes=False)})
    if kind == "횟집" and rng.random() < 0.5 and not layout.startswith("size_grid"):
        name = rng.choice(MARKET)
        sections[-1]["items"].append({"name_ko": name, "prices": [], "market_price": True, "price_format": "market",
                                      "market_word": rng.choice(["시가", "싯가"])})
    seen = set()
    for section in sections:
        unique = []
        for item in section["items"]:
            key = item["name_ko"]
            if key in seen:
                continue
            seen.add(key)
            item["category"] = section["category"]
            if rng.random() < 0.15:
                item["badge"] = rng.choice(BADGES)
            if layout.startswith("described") and rng.random() < 0.5:
                item["description"] = rng.choice(DESCRIPTIONS)
            if layout in ("described_english", "english_inline") and item["name_ko"] in ENGLISH:
                item["name_en"] = ENGLISH[item["name_ko"]]
            unique.append(item)
        section["items"] = unique
    dark = background in ("green_board", "black_board")
    return {
        "set": set_name, "handwriting": handwriting, "font_family": family,
        "font": rng.choice(fonts["handwriting" if handwriting else "printed"][family]),
        "title_font": rng.choice(fonts["title"]) if not handwriting else None,
        "layout": layout, "background": background, "kind": kind, "thousands": thousands, "dark": dark,
        "ruled": background in ("row_rules", "notebook", "framed", "ledger") or layout == "two_columns_divided"
                 or (layout == "size_grid_2_boxed"),
        "colour_text": rng.random() < 0.55,
        "mixed_polarity": (dark and rng.random() < 0.7) or (not dark and rng.random() < 0.2),
        "title": rng.choice(TITLES), "footers": rng.sample(FOOTERS, k=rng.randint(0, 2)),
        "sections": sections, "text_size": rng.randint(30, 40) + (8 if handwriting else 0),
        "width": rng.choice([1000, 1100, 1200]) if "two_columns" not in layout else rng.choice([1500, 1600]),
    }


# MARK: - Drawing


class Canvas:
    """Draws text and shapes onto a transparent layer; the background goes under it at the end."""

    def __init__(self, menu, rng):
        self.menu = menu
        self.rng = rng
        self.width = menu["width"]
        self.layer = Image.new("RGBA", (self.width, 4000), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.layer)
        self.font = Font(menu["font"])
        self.title_font = Font(menu["title_font"]) if menu["title_font"] else self.font
        self.size = menu["text_size"]
        dark = menu["dark"]
        self.ink = rng.choice(INK_LIGHT if dark else INK_DARK)
        if menu["colour_text"]:
            self.accent = rng.choice(ACCENT_ON_DARK if dark else ACCENT_ON_LIGHT)
            self.price_ink = self.accent if rng.random() < 0.7 else self.ink
        else:
            self.accent = self.ink
            self.price_ink = self.ink
        self.rules = []  # (x0, y, x1) under rows

    def text(self, x, y, text, size=None, fill=None, font=None, anchor="la"):
        font = (font or self.font).at(size or self.size)
        jitter = self.rng.randint(-2, 2) if self.menu["handwriting"] else 0
        self.draw.text((x, y + jitter), text, font=font, fill=(fill or self.ink) + (255,), anchor=anchor)
        return self.draw.textlength(text, font=font)

    def length(self, text, size=None, font=None):
        return self.draw.textlength(text, font=(font or self.font).at(size or self.size))

    def header(self, x, y, text, width):
        """A section header: plain in the accent colour, or in a highlighted box of the other polarity."""
        size = self.size + 4
        if self.menu["mixed_polarity"]:
            box = (255, 222, 80) if self.menu["set"] == "tuning" else (250, 250, 245)
            if not self.menu["dark"]:
                box = (150, 30, 30) if self.menu["set"] == "tuning" else (40, 60, 110)
            fill = (25, 25, 25) if self.menu["dark"] else (250, 250, 250)
            length = self.length(text, size)
            self.draw.rectangle((x - 12, y - 8, x + length + 12, y + size * 1.25), fill=box + (255,))
            self.text(x, y, text, size, fill)
        else:
            self.text(x, y, text, size, self.accent)
        return int(size * 1.9)

    def price(self, x, y, item, anchor="ra", room=None):
        """Draws an item's price ending at x (anchor ra) or starting at x (la); returns its width. A price wider
        than `room` is set smaller, as a printer would."""
        text = price_string(item)
        size = self.size
        width = self.length(text, size)
        while room is not None and width > room and size > self.size * 0.6:
            size -= 2
            width = self.length(text, size)
        if item["price_format"] == "struck":
            old = amount_text(item["old_amount"], "comma")
            old_width = self.length(old, size - 6)
            start = x - width if anchor == "ra" else x + old_width + 16
            old_x = start - old_width - 16
            self.text(old_x, y + 4, old, size - 6, (130, 130, 130) if not self.menu["dark"] else (170, 170, 170))
            self.draw.line((old_x - 2, y + size * 0.62, old_x + old_width + 2, y + size * 0.62),
                           fill=(130, 130, 130, 255), width=2)
            self.text(start, y, text, size, self.price_ink)
            return width + old_width + 16
        start = x - width if anchor == "ra" else x
        self.text(start, y + (self.size - size) * 0.7, text, size, self.price_ink)
        return width

    def name(self, x, y, item, size=None):
        """The name, with its badge after it (tuning) or before it as a pill (held-out)."""
        badge = item.get("badge")
        if badge and self.menu["set"] == "heldout":
            small = int((size or self.size) * 0.6)
            length = self.length(badge, small)
            self.draw.rounded_rectangle((x, y + 4, x + length + 14, y + small + 14), radius=8,
                                        fill=self.accent + (255,) if self.accent != self.ink else (200, 40, 40, 255))
            self.text(x + 7, y + 7, badge, small, (255, 255, 255) if not self.menu["dark"] else (20, 20, 20))
            x += length + 26
        width = self.text(x, y, item["name_ko"], size)
        if item.get("name_en") and self.menu["layout"] == "english_inline":
            small = int((size or self.size) * 0.7)
            width += self.text(x + width + 10, y + 6, f"({item['name_en']})", small, self.accent) + 10
        if badge and self.menu["set"] == "tuning":
            small = int((size or self.size) * 0.7)
            self.text(x + width + 12, y + 6, f"[{badge}]", small, self.accent)
            width += self.length(f"[{badge}]", small) + 12
        return x + width

    def leaders(self, start, end, y, character):
        step = self.length(character)
        if step <= 0 or end - start < step * 3:
            return
        count = int((end - start) / step)
        self.text(start, y, character * count, fill=tuple(min(255, c + 60) if not self.menu["dark"] else c - 40
                                                        for c in self.ink))


def layout_rows(canvas, x, y, width, sections, variant):
    """Single-line items: name and price on one row. Returns the y below."""
    size = canvas.size
    line = int(size * 1.75)
    for section in sections:
        y += canvas.header(x, y, section["category"], width)
        for item in section["items"]:
            name_end = canvas.name(x, y, item)
            right = x + width
            if variant == "plain_tab":
                price_x = max(x + int(width * 0.55), int(name_end + 40))
                room = right - price_x
                canvas.price(price_x, y, item, anchor="la", room=room)
            else:
                price_width = canvas.price(right, y, item, room=right - name_end - 60)
                if variant in ("leaders_dots", "leaders_middots", "two_columns_leaders"):
                    character = "." if variant != "leaders_middots" else canvas.rng.choice(["·", "-"])
                    canvas.leaders(name_end + 14, right - price_width - 14, y, character)
            y += line
            if item.get("description"):
                canvas.text(x + 8, y - int(size * 0.25), item["description"], size - 12,
                            (110, 110, 110) if not canvas.menu["dark"] else (200, 200, 200))
                y += int(line * 0.7)
            if item.get("name_en"):
                canvas.text(x + 8, y - int(size * 0.25), item["name_en"], size - 12, canvas.accent)
                y += int(line * 0.7)
            canvas.rules.append((x - 10, y - int(line * 0.22), x + width + 10))
        y += line // 3
    return y


def layout_stacked_left(canvas, x, y, width, sections):
    """Name on its line, the price on the line below it, indented (tuning's stacked variant)."""
    size = canvas.size
    for section in sections:
        y += canvas.header(x, y, section["category"], width)
        for item in section["items"]:
            canvas.name(x, y, item)
            y += int(size * 1.3)
            canvas.price(x + int(size * 1.5), y, item, anchor="la", room=width - int(size * 1.5))
            y += int(size * 1.9)
        y += size // 3
    return y


def layout_grid(canvas, x, y, width, sections, boxed):
    size = canvas.size
    line = int(size * 1.8)
    for section in sections:
        labels = section["labels"]
        columns = [x + width - (len(labels) - i - 1) * int(width * 0.2) for i in range(len(labels))]
        y += canvas.header(x, y, section["category"], width)
        header_top = y
        for label, column in zip(labels, columns):
            canvas.text(column, y, label, size, canvas.accent, anchor="ra")
        y += line
        if boxed:
            canvas.draw.rectangle((x - 12, header_top - 10, x + width + 12, y - 14), outline=canvas.ink + (255,), width=2)
        for item in section["items"]:
            canvas.name(x, y, item)
            for price, column in zip(item["prices"], columns):
                canvas.text(column, y, f"{price['amount']:,}", size, canvas.price_ink, anchor="ra")
            y += line
            canvas.rules.append((x - 10, y - int(line * 0.22), x + width + 10))
        y += line // 3
    return y


def layout_centred(canvas, x, y, width, sections):
    size = canvas.size
    centre = x + width / 2
    for section in sections:
        y += canvas.header(centre - canvas.length(section["category"], size + 4) / 2, y, section["category"], width)
        for item in section["items"]:
            name_width = canvas.length(item["name_ko"])
            canvas.name(centre - name_width / 2, y, item)
            y += int(size * 1.35)
            text = price_string(item)
            canvas.price(centre - canvas.length(text) / 2, y, item, anchor="la")
            y += int(size * 2.1)
        y += size // 2
    return y


def draw_menu(menu, rng):
    canvas = Canvas(menu, rng)
    width = menu["width"]
    margin = rng.randint(60, 110)
    y = margin
    title_size = canvas.size + rng.randint(18, 34)
    title = menu["title"]
    canvas.text(width / 2 - canvas.length(title, title_size, canvas.title_font) / 2, y, title, title_size,
                canvas.accent, canvas.title_font)
    y += int(title_size * 1.8)
    if menu["thousands"]:
        canvas.text(width - margin - canvas.length("(단위: 천원)", canvas.size - 10), y, "(단위: 천원)", canvas.size - 10)
        y += int(canvas.size * 1.5)
    layout = menu["layout"]
    inner = width - 2 * margin
    if layout.startswith("two_columns"):
        gutter = 90
        column_width = (inner - gutter) // 2
        half = (len(menu["sections"]) + 1) // 2
        left, right = menu["sections"][:half], menu["sections"][half:]
        if len(menu["sections"]) == 1:
            items = menu["sections"][0]["items"]
            left = [{"category": menu["sections"][0]["category"], "items": items[:(len(items) + 1) // 2]}]
            # The second column continues the one section; it repeats the header, as printed menus do.
            right = [{"category": "", "items": items[(len(items) + 1) // 2:]}] if len(items) > 1 else []
        bottom_left = layout_rows(canvas, margin, y, column_width, left, layout)
        right_sections = [s for s in right if s["category"]]
        headless = [s for s in right if not s["category"]]
        bottom_right = y
        if headless:
            continued = [{"category": s["items"][0]["category"], "items": s["items"]} for s in headless]
            bottom_right = layout_rows(canvas, margin + column_width + gutter, y, column_width, continued, layout)
        if right_sections:
            bottom_right = layout_rows(canvas, margin + column_width + gutter, bottom_right, column_width,
                                       right_sections, layout)
        if layout == "two_columns_divided":
            middle = margin + column_width + gutter // 2
            canvas.draw.line((middle, y - 10, middle, max(bottom_left, bottom_right)), fill=canvas.ink + (255,), width=2)
        y = max(bottom_left, bottom_right)
    elif layout.startswith("size_grid"):
        y = layout_grid(canvas, margin, y, inner, menu["sections"], boxed=layout.endswith("boxed"))
    elif layout == "centred_stacked":
        y = layout_centred(canvas, margin, y, inner, menu["sections"])
    elif layout == "stacked_left":
        y = layout_stacked_left(canvas, margin, y, inner, menu["sections"])
    else:
        y = layout_rows(canvas, margin, y, inner, menu["sections"], layout)
    y += canvas.size // 2
    for footer in menu["footers"]:
        canvas.text(margin, y, footer, canvas.size - 12, (120, 120, 120) if not menu["dark"] else (190, 190, 190))
        y += int(canvas.size * 1.3)
    height = y + margin
    layer = canvas.layer.crop((0, 0, width, height))
    return layer, canvas.rules


# MARK: - Backgrounds


def smooth_noise(rng_np, height, width, scale):
    """Low-frequency noise in [-1, 1]: a small random field scaled up."""
    small = rng_np.standard_normal((max(2, height // scale), max(2, width // scale)))
    image = Image.fromarray(((small - small.min()) / (np.ptp(small) + 1e-9) * 255).astype(np.uint8))
    image = image.resize((width, height), Image.BICUBIC)
    return np.asarray(image, dtype=np.float32) / 127.5 - 1


def background(kind, width, height, rng_np, rng):
    base = {
        "white": (250, 250, 248), "cream": (247, 240, 222), "pastel_pink": (250, 228, 230),
        "pastel_mint": (222, 245, 232), "kraft": (196, 160, 112), "wood": (160, 112, 70),
        "green_board": (38, 66, 52), "black_board": (34, 36, 38), "whiteboard": (238, 241, 243),
        "postit": (253, 238, 130), "notebook": (252, 252, 250), "framed": (248, 243, 230), "row_rules": (252, 252, 252),
        "ledger": (246, 248, 240),
    }[kind]
    image = np.ones((height, width, 3), dtype=np.float32) * np.array(base, dtype=np.float32)
    fine = rng_np.standard_normal((height, width, 1)).astype(np.float32)
    if kind == "kraft":
        fibres = smooth_noise(rng_np, height, width, 6)[..., None]
        image += fibres * 14 + fine * 9
    elif kind == "wood":
        ys = np.arange(height, dtype=np.float32)[:, None]
        warp = smooth_noise(rng_np, height, width, 80) * 30
        grain = np.sin((ys + warp) / rng.uniform(5, 9)) * 0.5 + np.sin((ys + warp * 2) / 23) * 0.5
        image += grain[..., None] * 22 + fine * 6
    elif kind in ("green_board", "black_board"):
        smudge = smooth_noise(rng_np, height, width, 60)[..., None]
        image += np.clip(smudge, 0, 1) * 28 + fine * 5
    elif kind == "whiteboard":
        xs = np.linspace(-1, 1, width, dtype=np.float32)[None, :]
        glare = np.exp(-((xs - rng.uniform(-0.5, 0.5)) ** 2) / 0.05)
        image += glare[..., None] * 10 - 8
        image += smooth_noise(rng_np, height, width, 90)[..., None] * 6
    else:
        image += smooth_noise(rng_np, height, width, 50)[..., None] * 5 + fine * 3
    return np.clip(image, 0, 255)


def paper_lines(image, kind, rules, width, height, text_size, rng):
    """Ruling that is not text: rules under rows, notebook lines, a frame."""
    draw = ImageDraw.Draw(image)
    if kind == "row_rules":
        colour = rng.choice([(150, 150, 150), (60, 60, 60), (180, 120, 90)])
        for x0, y, x1 in rules:
            draw.line((x0, y, x1, y), fill=colour, width=rng.choice([1, 2, 2, 3]))
    elif kind == "notebook":
        spacing = int(text_size * rng.uniform(1.1, 1.6))
        for y in range(spacing * 2, height, spacing):
            draw.line((0, y, width, y), fill=(150, 180, 220), width=2)
        draw.line((70, 0, 70, height), fill=(225, 120, 120), width=2)
    elif kind == "ledger":
        # Account-book paper: grey-green lines at their own spacing, crossing the text, and a double rule on top.
        spacing = int(text_size * rng.uniform(0.9, 1.4))
        colour = rng.choice([(160, 185, 160), (170, 170, 170)])
        for y in range(spacing, height, spacing):
            draw.line((0, y, width, y), fill=colour, width=1)
        draw.line((0, spacing // 2, width, spacing // 2), fill=colour, width=3)
    elif kind == "framed":
        inset = rng.randint(20, 40)
        draw.rectangle((inset, inset, width - inset, height - inset), outline=(90, 60, 40), width=4)
        draw.rectangle((inset + 10, inset + 10, width - inset - 10, height - inset - 10), outline=(90, 60, 40), width=1)


# MARK: - Photo


def photograph(image, rng, rng_np):
    """A phone photo of the page: perspective, rotation, light, shadow, blur, noise."""
    width, height = image.size
    info = {}
    # Perspective: the corners move by up to ~5% of the page.
    if rng.random() < 0.6:
        amount = rng.uniform(0.01, 0.05)
        margin = int(max(width, height) * 0.06)
        padded = Image.new("RGB", (width + 2 * margin, height + 2 * margin), (95, 90, 85))
        padded.paste(image, (margin, margin))
        w, h = padded.size
        d = [rng.uniform(-amount, amount) * w for _ in range(8)]
        corners = [(0 + d[0], 0 + d[1]), (w + d[2], 0 + d[3]), (w + d[4], h + d[5]), (0 + d[6], h + d[7])]
        coefficients = perspective_coefficients([(0, 0), (w, 0), (w, h), (0, h)], corners)
        image = padded.transform((w, h), Image.PERSPECTIVE, coefficients, Image.BICUBIC, fillcolor=(95, 90, 85))
        info["perspective"] = round(amount, 3)
    if rng.random() < 0.6:
        angle = rng.uniform(-3, 3)
        image = image.rotate(angle, Image.BICUBIC, expand=True, fillcolor=(95, 90, 85))
        info["rotation"] = round(angle, 2)
    pixels = np.asarray(image, dtype=np.float32)
    h, w = pixels.shape[:2]
    if rng.random() < 0.5:
        direction = rng.uniform(0, 2 * math.pi)
        xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
        ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
        gradient = 1 - rng.uniform(0.1, 0.35) * (0.5 + 0.5 * (math.cos(direction) * xs + math.sin(direction) * ys))
        pixels *= gradient[..., None]
        info["gradient"] = True
    if rng.random() < 0.4:
        xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
        ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
        pixels *= (1 - rng.uniform(0.15, 0.35) * np.clip(xs ** 2 + ys ** 2 - 0.3, 0, 2))[..., None]
        info["vignette"] = True
    if rng.random() < 0.3:
        mask = Image.new("L", (w, h), 0)
        edge_x = rng.uniform(0.3, 0.8) * w
        ImageDraw.Draw(mask).polygon([(edge_x, 0), (w, 0), (w, h), (edge_x + rng.uniform(-0.2, 0.2) * w, h)], fill=255)
        mask = mask.filter(ImageFilter.GaussianBlur(25))
        darkness = rng.uniform(0.25, 0.45)
        pixels *= (1 - darkness * np.asarray(mask, dtype=np.float32) / 255)[..., None]
        info["shadow"] = round(darkness, 2)
    pixels += rng_np.standard_normal(pixels.shape).astype(np.float32) * rng.uniform(1, 5)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if rng.random() < 0.5:
        radius = rng.uniform(0.5, 1.5)
        image = image.filter(ImageFilter.GaussianBlur(radius))
        info["blur"] = round(radius, 2)
    return image, info


def perspective_coefficients(source, target):
    """PIL's PERSPECTIVE maps output (target) points back to input (source) points."""
    matrix = []
    for (x, y), (u, v) in zip(target, source):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(matrix, dtype=np.float64)
    b = np.array(source, dtype=np.float64).reshape(8)
    return np.linalg.solve(a, b).tolist()


def render(menu, stem, rng):
    """Writes stem.jpg (JPEG quality 70-85) or stem.png; returns the photo's degradations and the file name."""
    rng_np = np.random.default_rng(rng.randrange(1 << 30))
    layer, rules = draw_menu(menu, rng)
    width, height = layer.size
    page = Image.fromarray(background(menu["background"], width, height, rng_np, rng).astype(np.uint8))
    paper_lines(page, menu["background"], rules, width, height, menu["text_size"], rng)
    if menu["dark"] or menu["handwriting"]:
        # Chalk and marker: strokes with gaps.
        alpha = np.asarray(layer.getchannel("A"), dtype=np.float32)
        grain = rng_np.uniform(0.55 if menu["dark"] else 0.8, 1.0, alpha.shape).astype(np.float32)
        layer.putalpha(Image.fromarray((alpha * grain).astype(np.uint8)))
    page.paste(layer, (0, 0), layer)
    photo, info = photograph(page, rng, rng_np)
    quality = rng.choice([None, 70, 75, 80, 85])
    info["jpeg"] = quality
    path = stem + (".jpg" if quality else ".png")
    if quality:
        photo.save(path, quality=quality)
    else:
        photo.save(path)
    return info, os.path.basename(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--set", choices=sorted(FONTS), default="tuning")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else {"tuning": 20261201, "heldout": 77345}[args.set]
    os.makedirs(args.out, exist_ok=True)
    for index in range(args.count):
        rng = random.Random(seed * 1000 + index)
        menu = make_menu(rng, args.set, index)
        name = f"{args.set}-{index:03d}-{'hand' if menu['handwriting'] else 'print'}"
        info, image = render(menu, os.path.join(args.out, name), rng)
        items = []
        for section in menu["sections"]:
            for item in section["items"]:
                items.append({"name_ko": item["name_ko"], "prices": item["prices"],
                              "market_price": item["market_price"], "category": item["category"],
                              "price_format": item["price_format"]})
        style = {k: v for k, v in menu.items() if k not in ("sections", "footers", "font", "title_font")}
        style.update(info)
        with open(os.path.join(args.out, f"{name}.json"), "w", encoding="utf-8") as handle:
            json.dump({"image": image, "set": args.set, "items": items, "style": style}, handle,
                      ensure_ascii=False, indent=1)
    print(f"rendered {args.count} {args.set} menus into {args.out}")


if __name__ == "__main__":
    main()
