"""Documents as they print: LibreOffice headless converts a workbook or a .docx to PDF, poppler's
pdftotext reads the pages back (text, and each word's box, whose height gives the printed size)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

# pdftotext's word box is about 1.25 times the font's size (ascent and descent).
BOX_PER_POINT = 1.248


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{name} is required in CI to check the printed documents")
    pytest.skip(f"{name} is not installed (apt-get install {package})")


@dataclass
class Printed:
    pdf: Path
    pages: list[str]  # the text of each page, laid out as printed

    def page_with(self, words: str) -> int:
        """Index of the first page that shows `words`."""
        for i, page in enumerate(self.pages):
            if words in page:
                return i
        raise AssertionError(f"{words!r} is on no page")

    def smallest_text(self, first: int, last: int) -> float:
        """The smallest printed text size (points) on pages first..last (1-based)."""
        binary = tool("pdftotext", "poppler-utils")
        out = subprocess.run(
            [binary, "-bbox", "-f", str(first), "-l", str(last), str(self.pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        heights = [
            float(y2) - float(y1)
            for y1, y2 in re.findall(
                r'<word xMin="[^"]+" yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)"', out
            )
        ]
        assert heights, "no text on those pages"
        return min(heights) / BOX_PER_POINT


def printed(document: Path, out: Path) -> Printed:
    """`document` converted to PDF by LibreOffice (a fresh profile), then read page by page."""
    soffice = tool("soffice", "libreoffice-calc-nogui libreoffice-writer-nogui")
    pdftotext = tool("pdftotext", "poppler-utils")
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{out / 'lo-profile'}",
            "--headless",
            *("--convert-to", "pdf", "--outdir", str(out), str(document)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = out / f"{document.stem}.pdf"
    # soffice exits 0 even when it converted nothing: the file is the proof.
    assert pdf.exists(), f"LibreOffice wrote no PDF (rc {proc.returncode}): {proc.stderr}"
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return Printed(pdf, text.split("\f")[:-1] if text.endswith("\f") else text.split("\f"))


def squeeze(text: str) -> str:
    """Runs of spaces as one: what a line says, whatever the layout's padding."""
    return re.sub(r"[ \t]+", " ", text)
