#!/usr/bin/python3
"""Writes pattern-7x5.webp, a lossless RGBA WebP test image (TwelveMonkeys can read WebP but not write it).

Run: /usr/bin/python3 streams-app/src/test/resources/images/make_webp.py  (Debian PIL 9.4, libwebp)
Pixel (x, y) = (40x mod 256, 50y mod 256, 20(x+y) mod 256, alpha 255 - 30x), the formula
ImageDecoderTest checks against; exact=True keeps RGB under translucent pixels unchanged.
"""
import os

from PIL import Image

WIDTH, HEIGHT = 7, 5
image = Image.new("RGBA", (WIDTH, HEIGHT))
for y in range(HEIGHT):
    for x in range(WIDTH):
        image.putpixel((x, y), ((40 * x) % 256, (50 * y) % 256, (20 * (x + y)) % 256, 255 - 30 * x))
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pattern-7x5.webp")
image.save(out, "WEBP", lossless=True, exact=True)
print("wrote", out, os.path.getsize(out), "bytes")
