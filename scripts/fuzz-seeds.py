#!/usr/bin/env python3
"""Writes the hand-made seeds of the structured fuzz targets (Tests/FuzzCorpus/FuzzPrice, FuzzLayout,
FuzzMultipart) in the byte formats their Fuzz/<target>/*.swift describe. Run once after changing a format; the
output is committed. FuzzJSON's and FuzzProviderReplies' seeds are plain JSON files, copied by hand."""
import os
import struct

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "FuzzCorpus")


def write(target, name, data):
    os.makedirs(os.path.join(root, target), exist_ok=True)
    with open(os.path.join(root, target, name), "wb") as f:
        f.write(data)


# FuzzPrice: a flags byte (1: in thousands, 2: columns 소 대, 4: and 중, 8: then a big-endian 8-byte typical
# amount), then the line.
prices = [
    (0, "김치찌개 8,000원"), (0, "족발 소 30,000 / 대 40,000"), (0, "모둠회 시가"), (0, "1만2천5백원"),
    (0, "대게 15,000~20,000"), (0, "김치찌개 ₩8,000"), (0, "김치찌개 \\8,000"), (0, "김치찌개 l2,000"),
    (0, "떡볶이 인분 16000 2인분21000"), (0, "지리탕 23,000원 모둠회 8,500원"), (1, "삼겹살 14.5"),
    (2, "짜장면 6,000 8,000"), (6, "피자 12,000 15,000 18,000"), (8, "깐풍기 277000"), (8, "똥집튀김 \\318,000"),
    (0, "16,000 13,000"), (0, "갈비찜 (소) 30,900원 / (대) 50,900원"), (0, "만원"), (0, "1.5만"),
    (0, "８，０００원"), (0, "라면 99999999999999999999"), (1, "라면 9223372036854775807"),
]
for index, (flags, line) in enumerate(prices):
    typical = struct.pack(">q", 9000) if flags & 8 else b""
    write("FuzzPrice", "line-%02d" % index, bytes([flags]) + typical + line.encode())


# FuzzLayout: flags (1: page size given, 2: no lexicon), page width and height (u16), then per word
# x, y (i16), width, height (u16), confidence (u8 /255), text length (u8) and text.
def page(lines, flags=1, size=(800, 600), height=24):
    data = bytes([flags]) + struct.pack("<HH", *size)
    for text, x, y in lines:
        cursor = x
        for word in text.split(" "):
            width = int(len(word) * height * 0.9)
            encoded = word.encode()
            data += struct.pack("<hhHHBB", cursor, y, width, height, 230, len(encoded)) + encoded
            cursor += width + int(height * 0.6)
    return data


write("FuzzLayout", "leaders", page([("김치찌개 ........ 8,000", 20, 20), ("된장찌개 ........ 7,500원", 20, 60)]))
write("FuzzLayout", "two-columns", page([
    ("김치찌개 8,000", 20, 20), ("비빔밥 9,000", 20, 60), ("제육볶음 10,000", 20, 100),
    ("물냉면 9,000", 500, 20), ("비빔냉면 9,500", 500, 60), ("만두 6,000", 500, 100)]))
write("FuzzLayout", "sizes-and-note", page([
    ("식사류", 20, 10), ("소 중 대", 300, 40), ("족발 30 40 50", 20, 80), ("보쌈 28 38 48", 20, 120),
    ("단위: 천원", 20, 160)], flags=3))
write("FuzzLayout", "footer", page([
    ("모둠회 시가", 20, 20), ("원산지: 국내산", 20, 60), ("02-123-4567", 20, 100), ("BEST 갈비탕 12,900원", 20, 140)]))
write("FuzzLayout", "no-size", page([("물냉면 9,000", 20, 20), ("비빔냉면 9,500", 20, 60)], flags=0))


# FuzzMultipart: the Content-Type header value, LF, then the body.
def multipart(content_type, body):
    return content_type.encode() + b"\n" + body


boundary = "------------------------d74496d66958873e"
curl_body = (
    f"--{boundary}\r\n"
    'Content-Disposition: form-data; name="files"; filename="menu.jpg"\r\n'
    "Content-Type: image/jpeg\r\n\r\n"
).encode() + b"\xff\xd8\xff\xe0\x00\x10JFIF\r\n--not-a-boundary\r\n\xff\xd9" + (
    f"\r\n--{boundary}\r\n"
    'Content-Disposition: form-data; name="note"\r\n\r\n'
    "김치찌개\r\n"
    f"--{boundary}--\r\n"
).encode()
write("FuzzMultipart", "curl", multipart(f"multipart/form-data; boundary={boundary}", curl_body))
browser = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
browser_body = (
    f"preamble\r\n--{browser}\r\n"
    'Content-Disposition: form-data; name="files[]"; filename="메뉴 %22a%22.png"\r\n'
    "Content-Type: image/png\r\n\r\n"
).encode() + b"\x89PNG\r\n\x1a\n" + (
    f"\r\n--{browser}  \r\n"
    "Content-Disposition: form-data; name=\"files\"; filename*=UTF-8''%EB%A9%94%EB%89%B4.jpg\r\n\r\n"
    f"x\r\n--{browser}--epilogue"
).encode()
write("FuzzMultipart", "browser", multipart(f'Multipart/Form-Data; charset=utf-8; boundary="{browser}"', browser_body))
write("FuzzMultipart", "old-curl-escape", multipart(
    "multipart/form-data; boundary=x",
    b'--x\r\nContent-Disposition: form-data; name="a\\"b"; filename="c\\\\d.jpg"\r\n\r\n\r\n--x--'))
write("FuzzMultipart", "empty-form", multipart("multipart/form-data; boundary=abc", b"--abc--\r\n"))
