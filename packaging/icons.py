"""Render Sori's icon files from the one master drawing, reproducibly.

``desktop_app/resources/icons/sori.svg`` is drawn by hand. This script renders it with Qt's SVG
renderer (the PySide6 of the project's virtual environment, so no system tool is needed) into:

- ``desktop_app/resources/icons/sori-<N>.png`` for the standard icon sizes: the window icon and,
  copied into ``hicolor/<N>x<N>/apps/``, the Linux desktop icon;
- ``packaging/windows/sori.ico`` (16–256 px, PNG-compressed frames);
- ``packaging/macos/sori.icns`` (32–1024 px, including the Retina variants).

Every size is rendered from the vector drawing (never scaled down from a bitmap), and the output
holds no time stamps, so the same drawing and library versions give the same bytes.

    .venv/bin/python packaging/icons.py            # rewrite the files in the repository
    .venv/bin/python packaging/icons.py --out DIR  # write the same layout under DIR

Needs Pillow (``dev`` extra) for the ICO and ICNS containers.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SVG = Path("desktop_app/resources/icons/sori.svg")
PNG_DIR = Path("desktop_app/resources/icons")
ICO = Path("packaging/windows/sori.ico")
ICNS = Path("packaging/macos/sori.icns")

# The hicolor theme's usual application icon sizes.
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Pillow's ICNS writer takes the 1024 px image and one image per further pixel size it stores.
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)


def png_name(size: int) -> str:
    return f"sori-{size}.png"


def render_png(svg: Path, size: int) -> bytes:
    """The drawing rendered at ``size`` × ``size`` pixels, as PNG bytes (RGBA, no metadata)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        # Kept referenced on the function so it outlives this call.
        render_png.app = QGuiApplication([sys.argv[0]])  # type: ignore[attr-defined]
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a drawing Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    png = image.convertToFormat(QImage.Format.Format_ARGB32)
    # The stubs want bytes for the format, the binding at run time accepts only str.
    if not png.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise RuntimeError(f"Qt could not encode the {size} px icon as PNG")
    buffer.close()
    return bytes(data.data())


def _pillow_images(pngs: dict[int, bytes], sizes: Iterable[int]) -> list[object]:
    from PIL import Image

    return [Image.open(io.BytesIO(pngs[size])).convert("RGBA") for size in sizes]


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon holding every size of :data:`ICO_SIZES`, each rendered from the SVG."""
    from PIL import Image

    images = _pillow_images(pngs, sorted(ICO_SIZES, reverse=True))
    first = images[0]
    assert isinstance(first, Image.Image)
    out = io.BytesIO()
    first.save(
        out, "ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=images[1:], bitmap_format="png"
    )
    return out.getvalue()


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon set (ic07–ic14) from the rendered sizes of :data:`ICNS_SIZES`."""
    from PIL import Image

    images = _pillow_images(pngs, sorted(ICNS_SIZES, reverse=True))
    first = images[0]
    assert isinstance(first, Image.Image)
    out = io.BytesIO()
    first.save(out, "ICNS", append_images=images[1:])
    return out.getvalue()


def build(out: Path, svg: Path | None = None) -> list[Path]:
    """Write every icon file under ``out`` (the repository layout); returns the paths written."""
    source = svg or REPO / SVG
    pngs = {size: render_png(source, size) for size in sorted({*PNG_SIZES, *ICNS_SIZES})}
    files: dict[Path, bytes] = {PNG_DIR / png_name(size): pngs[size] for size in PNG_SIZES}
    files[ICO] = ico_bytes(pngs)
    files[ICNS] = icns_bytes(pngs)
    written = []
    for relative, data in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO, help="root of the layout to write")
    args = parser.parse_args(argv)
    for path in build(args.out.resolve()):
        print(f"icons: wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
