"""lemminflect's lemma table kept as a marshal copy in the user cache (checker.nlp.syntax): a
first process writes it, a later one loads it instead of parsing the table, the lemmas are the
same either way, and a corrupt copy means parsing again, never a failed lemma."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json
from lemminflect.core.Lemmatizer import Lemmatizer
from lemminflect.codecs.LemmaLUCodec import LemmaLUCodec
parsed = []
real = LemmaLUCodec.load.__func__
LemmaLUCodec.load = classmethod(lambda cls, fn: parsed.append(fn) or real(cls, fn))
from checker.nlp.syntax import verb_lemma, _lemma
words = [verb_lemma(w) for w in ("fought", "rebuilt", "regenerates", "heals")] + [_lemma("therapies", "NOUN")]
print(json.dumps({"parsed": len(parsed), "words": words}))
"""


def run(cache: Path) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_lemma_table_is_parsed_once_then_read_from_the_cache(tmp_path):
    first = run(tmp_path)
    written = list((tmp_path / "checker").glob("lemmas-*.marshal"))
    second = run(tmp_path)
    assert first["parsed"] == 1 and len(written) == 1
    assert second["parsed"] == 0
    assert first["words"] == second["words"] == ["fight", "rebuild", "regenerate", "heal", "therapy"]


def test_a_corrupt_cached_table_is_parsed_again(tmp_path):
    run(tmp_path)
    [copy] = (tmp_path / "checker").glob("lemmas-*.marshal")
    copy.write_bytes(b"\x00not marshal")
    again = run(tmp_path)
    assert again["parsed"] == 1 and again["words"][0] == "fight"
