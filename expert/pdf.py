"""The report as PDF: the same HTML page laid out on A4 by WeasyPrint (the optional extra `branda[pdf]`).

WeasyPrint is imported only when a PDF is asked for; without it, or without the Pango library it draws text
with, the command stops with one line that names the install step. The PDF is rendered to bytes in memory and
then written whole or not at all.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from branda.expert.atomic import atomic_output
from branda.expert.errors import InputError
from branda.knowledge.model import Model

__all__ = ["render_pdf", "weasyprint", "write_pdf"]

INSTALL = "pip install 'branda[pdf]'"  # the install steps the missing-library line names
INSTALL_DEBIAN = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


def weasyprint(kb: Model, out: str | Path, lang: str) -> Any:
    """The weasyprint module, or an InputError naming the install step when it (or Pango) is missing."""
    try:
        import weasyprint as module
    except (ImportError, OSError):  # OSError: the module is there, the Pango library it loads is not
        raise InputError(str(out), kb.text("report_pdf_missing", lang, pip=INSTALL, apt=INSTALL_DEBIAN)) from None
    return module


def render_pdf(kb: Model, page: str, out: str | Path, lang: str = "en") -> bytes:
    """The HTML `page` as PDF bytes (A4, as its print stylesheet says); nothing is fetched from outside it."""
    module = weasyprint(kb, out, lang)
    for name in ("weasyprint", "fontTools"):  # WeasyPrint reports unsupported CSS and font subsetting as warnings
        logging.getLogger(name).setLevel(logging.ERROR)

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the report refers to nothing outside itself, not {url}")

    return module.HTML(string=page, url_fetcher=refuse).write_pdf()


def write_pdf(kb: Model, page: str, out: str | Path, lang: str = "en") -> None:
    """Render `page` to PDF in memory, then write it atomically: a failure or a kill leaves no file behind."""
    data = render_pdf(kb, page, out, lang)
    with atomic_output(out) as f:
        f.flush()
        f.buffer.write(data)
