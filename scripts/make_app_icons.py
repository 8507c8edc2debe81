"""Render the application icon (resources/icons/app.svg) into the raster files packagers need.

    .venv/bin/python scripts/make_app_icons.py

* ``resources/icons/bms-desktop.ico``: the Windows executable icon (build.spec), 16-256 px,
  PNG-compressed entries (Windows Vista and later);
* ``resources/icons/bms-desktop.png``: 256 px, for a Linux ``.desktop`` file or a macOS ``.icns``.

Uses Qt's own SVG renderer, so it needs nothing beyond PySide6. Run it again when app.svg changes.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs want bytes, runtime a str
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (ICONDIR + ICONDIRENTRY[] + data)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    svg = ICONS / "app.svg"
    pngs = {size: render_png(svg, size) for size in SIZES}
    (ICONS / "bms-desktop.ico").write_bytes(ico_bytes(pngs))
    (ICONS / "bms-desktop.png").write_bytes(pngs[256])
    print(
        f"wrote {ICONS / 'bms-desktop.ico'} ({', '.join(map(str, SIZES))} px) and bms-desktop.png"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
