"""New slugs and placeholder English labels for things the corpus does not know yet (marked for review)."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from pypinyin import lazy_pinyin

MAX_SYLLABLES = 8


@lru_cache(maxsize=1 << 14)
def pinyin_slug(text: str, prefix: str = "") -> str:
    """浙江省 → zhejiang-sheng; two syllables per word, at most eight; ASCII `[a-z0-9-]`."""
    cleaned = re.sub(r"[^\u4e00-\u9fff0-9a-zA-Z]", "", text)
    syllables = [re.sub(r"[^a-z0-9]", "", s.lower()) for s in lazy_pinyin(cleaned) if s]
    words = ["".join(syllables[i:i + 2]) for i in range(0, min(len(syllables), MAX_SYLLABLES), 2)]
    slug = "-".join(w for w in words if w) or "x"
    if len(syllables) > MAX_SYLLABLES:  # keep long names apart: 人力资源社会保障 ≠ 人力资源社会保障部职业能力建设司
        slug += "-" + hashlib.sha256(cleaned.encode("utf-8")).hexdigest()[:6]
    return f"{prefix}-{slug}" if prefix else slug


def placeholder_en(slug: str) -> str:
    """An English label for a reviewer to replace; one per slug, so that every mention agrees."""
    return f"DRAFT {slug}"


def person_slug(name: str) -> str:
    """周立柱 → zhou-lizhu (family name, then given name, as the corpus writes them)."""
    syllables = [re.sub(r"[^a-z]", "", s.lower()) for s in lazy_pinyin(name)]
    return "-".join(x for x in (syllables[0], "".join(syllables[1:])) if x) if syllables else "x"
