"""The libraries the annotator uses against their alternatives, on the curated texts (docs/annotator.md).

    .venv/bin/python bench/annotator_libs.py [--repeat 20]

traditional→simplified: OpenCC (C++ binding, `opencc`) vs the pure-Python port `opencc-purepy` (if installed);
lexicon matching: pyahocorasick vs one regular expression alternation of the same forms (longest first);
Chinese numerals: cn2an vs the builder's own reader (build.normalize.chinese_integer).
"""

from __future__ import annotations

import argparse
import re
import sys
import time

from policykg import config
from policykg.build import normalize
from policykg.build.annotate.agencies import _automaton, longest_matches
from policykg.build.annotate.lexicon import learn_from_corpus


def timed(fn, repeat: int) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    texts = [p.read_text(encoding="utf-8") for p in sorted(config.CORPUS_DIR.glob("*.txt"))]
    corpus = "\n".join(texts)
    print(f"{len(texts)} curated texts, {len(corpus)} characters; mean of {args.repeat} runs\n")

    import opencc
    native = opencc.OpenCC("t2s")
    rows = [("t2s OpenCC (opencc)", timed(lambda: native.convert(corpus), args.repeat))]
    try:
        from opencc_purepy import OpenCC as PureOpenCC
        pure = PureOpenCC("t2s")
        rows.append(("t2s opencc-purepy", timed(lambda: pure.convert(corpus), args.repeat)))
    except ImportError:
        rows.append(("t2s opencc-purepy", None))

    lex = learn_from_corpus(config.CORPUS_DIR)
    forms = [f for f in lex.all_forms("TargetGroup") if len(f) >= 2]
    auto = _automaton(forms)
    alternation = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
    hits_ac = longest_matches(auto, corpus)
    hits_re = [(m.start(), m.end(), m.group()) for m in alternation.finditer(corpus)]
    rows.append((f"{len(forms)} group forms, pyahocorasick", timed(lambda: longest_matches(auto, corpus), args.repeat)))
    rows.append((f"{len(forms)} group forms, re alternation",
                 timed(lambda: list(alternation.finditer(corpus)), args.repeat)))

    names = sorted(lex.places.by_name)
    places = _automaton(names)
    place_re = re.compile("|".join(re.escape(f) for f in sorted(names, key=len, reverse=True)))
    rows.append((f"{len(names)} place names, pyahocorasick",
                 timed(lambda: longest_matches(places, corpus), args.repeat)))
    rows.append((f"{len(names)} place names, re alternation",
                 timed(lambda: list(place_re.finditer(corpus)), args.repeat)))

    from policykg.kg import divisions

    every = sorted(n for n in divisions.names() if len(n) >= 2)
    every_auto = _automaton(every)
    every_re = re.compile("|".join(re.escape(f) for f in sorted(every, key=len, reverse=True)))
    rows.append((f"{len(every)} GB/T 2260 names, pyahocorasick",
                 timed(lambda: longest_matches(every_auto, corpus), args.repeat)))
    rows.append((f"{len(every)} GB/T 2260 names, re alternation",
                 timed(lambda: list(every_re.finditer(corpus)), args.repeat)))

    import cn2an
    numerals = ["一千二百", "二十五", "六十", "十七", "三百零五"] * 200
    rows.append(("1000 numerals, cn2an", timed(lambda: [cn2an.cn2an(n, "smart") for n in numerals], args.repeat)))
    rows.append(("1000 numerals, normalize.chinese_integer",
                 timed(lambda: [normalize.chinese_integer(n) for n in numerals], args.repeat)))

    width = max(len(r[0]) for r in rows)
    for name, seconds in rows:
        print(f"  {name:<{width}}  " + (f"{seconds * 1000:9.2f} ms" if seconds is not None else "  not installed"))
    print(f"\nmatches: pyahocorasick {len(hits_ac)}, re alternation {len(hits_re)} (leftmost-longest both)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
