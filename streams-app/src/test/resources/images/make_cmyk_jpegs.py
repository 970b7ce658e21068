#!/usr/bin/python3
"""Writes cmyk-48x40.jpg and ycck-48x40.jpg, CMYK JPEGs without an ICC profile, and cmyk-48x40.rgb.png,
PIL's RGB conversion of the first (the expected colours for ImageDecoderTest).

Run: /usr/bin/python3 streams-app/src/test/resources/images/make_cmyk_jpegs.py  (Debian PIL 9.4, libjpeg-turbo)
CMYK pixel (x, y) = (5x, 6y, 3(x+y), 40 + 2x). PIL writes CMYK as Adobe does (APP14 marker, transform 0,
inverted values). PIL cannot write YCCK (APP14 transform 2), so the second file is built the way a YCCK
encoder stores it: the planes hold Y, Cb, Cr of (C, M, Y) and the inverted K, written through PIL's CMYK
path, and its APP14 transform byte is then set to 2. PIL reading it back through libjpeg's YCCK decoder
must give the same RGB as the CMYK file (checked below), so the fixture is a real YCCK image.
"""
import os

from PIL import Image

WIDTH, HEIGHT = 48, 40
HERE = os.path.dirname(os.path.abspath(__file__))


def cmyk(x, y):
    return 5 * x, 6 * y, 3 * (x + y), 40 + 2 * x


def ycc(r, g, b):
    # JFIF full-range YCbCr, as libjpeg converts it back.
    clip = lambda v: max(0, min(255, round(v)))
    return (clip(0.299 * r + 0.587 * g + 0.114 * b),
            clip(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
            clip(128 + 0.5 * r - 0.418688 * g - 0.081312 * b))


def save_ycck(path):
    planes = Image.new("CMYK", (WIDTH, HEIGHT))
    for y in range(HEIGHT):
        for x in range(WIDTH):
            c, m, ye, k = cmyk(x, y)
            # libjpeg turns YCCK into C' = 255 - R, M' = 255 - G, Y' = 255 - B, K' = K, and Adobe CMYK is
            # stored inverted (C' = 255 - C): so R, G, B = C, M, Y and the stored K is 255 - K. PIL inverts
            # every value on the way out, hence the 255 - below.
            stored = ycc(c, m, ye) + (255 - k,)
            planes.putpixel((x, y), tuple(255 - v for v in stored))
    planes.save(path, "JPEG", quality=100, subsampling=0)
    data = bytearray(open(path, "rb").read())
    app14 = data.find(b"\xff\xee")
    assert data[app14 + 4:app14 + 9] == b"Adobe", "no Adobe APP14 marker"
    transform = app14 + 4 + 11  # length (2) after the marker, then "Adobe", version, flags0, flags1
    assert data[transform] == 0
    data[transform] = 2
    open(path, "wb").write(bytes(data))


cmyk_image = Image.new("CMYK", (WIDTH, HEIGHT))
for y in range(HEIGHT):
    for x in range(WIDTH):
        cmyk_image.putpixel((x, y), cmyk(x, y))
cmyk_path = os.path.join(HERE, "cmyk-48x40.jpg")
cmyk_image.save(cmyk_path, "JPEG", quality=100, subsampling=0)
expected = Image.open(cmyk_path).convert("RGB")
expected.save(os.path.join(HERE, "cmyk-48x40.rgb.png"))

ycck_path = os.path.join(HERE, "ycck-48x40.jpg")
save_ycck(ycck_path)
reread = Image.open(ycck_path)
assert reread.info.get("adobe_transform") == 2, reread.info
worst = max(abs(a - b) for p, q in zip(reread.convert("RGB").getdata(), expected.getdata()) for a, b in zip(p, q))
assert worst <= 4, "the YCCK file does not decode to the CMYK file's colours: off by %d" % worst
for name in ("cmyk-48x40.jpg", "ycck-48x40.jpg", "cmyk-48x40.rgb.png"):
    print("wrote", name, os.path.getsize(os.path.join(HERE, name)), "bytes")
print("YCCK decodes within %d of the CMYK file's RGB" % worst)
