"""Reading a text offered to the corpus: its encoding (UTF-8, else GB18030/GBK converted) and whether it is a plan."""

from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes

from policykg.build.annotate.shadow import make_shadow
from policykg.errors import NotAPlanError

# a plan or its notice names itself in a title line; its body is numbered (一、 二、) or has 专栏/指标
TITLE_RE = re.compile(r"(关于印发|规划|实施方案|行动计划|工作方案|计划)[^\n]{0,40}$", re.M)
STRUCTURE_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|专栏\s*\d|[（(][一二三四五六七八九十]+[)）])", re.M)
GOAL_RE = re.compile(r"目标|指标|到\s*20\d\d\s*年|十[四五六]五|年底前")
MIN_CHARS = 200


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): UTF-8 (BOM dropped) when valid, else GB18030 (a superset of GBK/GB2312)."""
    if not data.strip():
        raise NotAPlanError(f"{name}: the file is empty; nothing was added")
    if b"\x00" in data[:4096]:
        raise NotAPlanError(f"{name}: binary data (NUL bytes), not a plan text; nothing was added")
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["gb18030", "gbk", "gb2312", "big5"]).best()
    if best is None:
        raise NotAPlanError(f"{name}: not text in UTF-8, GB18030/GBK or Big5; nothing was added")
    encoding = "gb18030" if best.encoding in ("gbk", "gb2312", "gb18030") else best.encoding
    return data.decode(encoding), encoding


def check_plan(text: str, name: str) -> None:
    """Refuse what is not a plan (a news article, a list, a short note) with the reason."""
    shadow = make_shadow(text).text
    cjk = len(re.findall(r"[\u4e00-\u9fff]", shadow))
    if cjk < MIN_CHARS:
        raise NotAPlanError(f"{name}: only {cjk} Chinese characters; a plan text has a title, goals and measures")
    problems = []
    if not TITLE_RE.search(shadow[:3000]):
        problems.append("no plan or notice title (…规划, …方案, 关于印发…) near the top")
    if len(STRUCTURE_RE.findall(shadow)) < 2:
        problems.append("no numbered sections (一、 二、 or （一）) or 专栏 boxes")
    if not GOAL_RE.search(shadow):
        problems.append("no goals, indicators or target years")
    if problems:
        raise NotAPlanError(f"{name}: does not look like a plan: " + "; ".join(problems) + "; nothing was added")


def read_plan_text(path: Path) -> tuple[str, str]:
    """The text of a plan file and the encoding it was read from; NotAPlanError if it is not one."""
    text, encoding = decode(path.read_bytes(), str(path))
    check_plan(text, str(path))
    return text, encoding
