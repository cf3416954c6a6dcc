"""The report font: static Noto Sans instances made from the variable font of ``fontpkg-noto-sans``.

ReportLab's built-in Helvetica has no ș ț ă (it prints a black square), and a variable TrueType
font registers as its default instance only. So we cut static Regular (wght 400) and Bold
(wght 700) instances with fontTools once, keep them in a cache folder (``$SOCIALPLAN_FONT_CACHE``,
else ``~/.cache/socialplan/fonts``) and register them with ReportLab once per process.

The cache file names carry the font package's version, so an upgraded package makes new instances.
Files are written to a temporary file and moved into place with :func:`os.replace`, so two
processes that start at once both end up with a whole file. Font files are never committed.
"""

from __future__ import annotations

import os
import tempfile
import threading
from importlib import metadata
from pathlib import Path

REGULAR = "NotoSans"
BOLD = "NotoSans-Bold"
# (font name, file stem, weight) of the static instances we make.
_INSTANCES = ((REGULAR, "NotoSans-Regular", 400), (BOLD, "NotoSans-Bold", 700))
# Bump when the way instances are made changes, so old cache files are not reused.
_RECIPE = "r2"
# OpenType layout tables: ReportLab lays text out without them (it shapes only with uharfbuzz,
# which we do not use), and instancing them takes ~85 % of the time (14 s of 16 s per weight).
_UNUSED_TABLES = ("GSUB", "GPOS", "GDEF")

_lock = threading.Lock()
_registered = False


def font_cache_dir() -> Path:
    configured = os.environ.get("SOCIALPLAN_FONT_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "socialplan" / "fonts"


def _variable_font() -> Path:
    import fontpkg_noto_sans

    return Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"


def _package_version() -> str:
    try:
        return metadata.version("fontpkg-noto-sans")
    except metadata.PackageNotFoundError:  # e.g. vendored without metadata: key on the file size
        return f"s{_variable_font().stat().st_size}"


def _make_instance(source: Path, target: Path, weight: int) -> None:
    """Write the static instance of ``source`` at ``weight`` (normal width) to ``target`` atomically."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    varfont = TTFont(str(source))
    for tag in _UNUSED_TABLES:
        if tag in varfont:
            del varfont[tag]
    # updateFontNames gives each instance its own PostScript name (NotoSans-Bold): ReportLab embeds
    # fonts by that name, so two instances both called NotoSans-Regular would print as one.
    static = instancer.instantiateVariableFont(varfont, {"wght": weight, "wdth": 100}, updateFontNames=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=target.stem + ".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            static.save(stream)
        os.chmod(temp_name, 0o644)  # mkstemp makes 0600; the cache may be shared by service users
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def instance_paths() -> dict[str, Path]:
    """The cached static font files by ReportLab font name, made first where missing."""
    source = _variable_font()
    folder = font_cache_dir()
    version = _package_version()
    paths = {}
    for name, stem, weight in _INSTANCES:
        path = folder / f"{stem}-{version}-{_RECIPE}.ttf"
        if not path.exists():
            _make_instance(source, path, weight)
        paths[name] = path
    return paths


def ensure_fonts() -> tuple[str, str]:
    """Register the report fonts once per process; return the (regular, bold) font names."""
    global _registered
    if _registered:
        return REGULAR, BOLD
    with _lock:
        if not _registered:
            from reportlab.pdfbase import pdfmetrics

            from core.reports.reportlab_internals import SubsetFont  # TTFont with a faster splitString

            paths = instance_paths()
            for name, _stem, _weight in _INSTANCES:
                pdfmetrics.registerFont(SubsetFont(name, str(paths[name])))
            pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
            _registered = True
    return REGULAR, BOLD
