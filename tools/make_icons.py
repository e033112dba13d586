"""Draw the app icons (run once after changing the design): python tools/make_icons.py."""

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (29, 107, 79, 255)
LEAF = (158, 224, 180, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "pwa" / "icons"


def draw(size: int, *, maskable: bool) -> Image.Image:
    """Draw a white house with a leaf door on green; maskable icons keep a safe margin."""
    image = Image.new("RGBA", (size, size), GREEN if maskable else (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if not maskable:
        pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=GREEN)
    scale = size * (0.55 if maskable else 0.7)
    left, top = (size - scale) / 2, (size - scale) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * scale, top + y * scale

    pen.polygon(
        [
            at(0.5, 0.02),
            at(1.0, 0.45),
            at(0.88, 0.45),
            at(0.5, 0.13),
            at(0.12, 0.45),
            at(0.0, 0.45),
        ],
        fill=WHITE,
    )
    pen.rectangle((*at(0.16, 0.45), *at(0.84, 0.98)), fill=WHITE)
    pen.ellipse((*at(0.36, 0.52), *at(0.64, 0.92)), fill=LEAF)
    pen.line((at(0.5, 0.58), at(0.5, 0.98)), fill=GREEN, width=max(2, size // 64))
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
