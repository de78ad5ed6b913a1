"""Draws the app's icons (src/veche/static/veche/icons/) from the shape of favicon.svg: the hall with
its columns, white on the site's blue. Run again after changing the design; the PNGs are committed.

Usage: python scripts/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 92, 173)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "src/veche/static/veche/icons"

# favicon.svg's shape on its 32-unit grid: the roof, three columns and the step.
ROOF = [(16, 5), (6, 12), (6, 14), (26, 14), (26, 12)]
BLOCKS = [(8, 15, 11, 24), (14.5, 15, 17.5, 24), (21, 15, 24, 24), (6, 25, 26, 27)]


def icon(size: int, *, maskable: bool) -> Image.Image:
    # A maskable icon keeps its drawing in the middle 80 % (the safe zone) and fills the square;
    # the plain one has the favicon's rounded corners.
    scale = 4  # drawn large, then shrunk, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
        unit, offset = big * 0.7 / 32, big * 0.15
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 / 32, fill=BLUE)
        unit, offset = big / 32, 0.0

    def at(x: float, y: float) -> tuple[float, float]:
        return (offset + x * unit, offset + y * unit)

    draw.polygon([at(x, y) for x, y in ROOF], fill=WHITE)
    for x0, y0, x1, y1 in BLOCKS:
        draw.rectangle((*at(x0, y0), *at(x1, y1)), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    # iOS takes its home-screen icon from apple-touch-icon, square and without transparency.
    icon(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
