"""Rebuild the UD English Web Treebank's train/dev/test CoNLL-U files from a git snapshot.

    python training/rebuild_ewt.py EWT_GIT_DIR OUT_DIR

The snapshot this project can fetch lacks en_ewt-ud-train.conllu (a file over the snapshot's size
limit), but it holds every source document under not-to-release/sources/ and the ordered file
lists under not-to-release/file-lists/. Concatenating the listed documents in order rebuilds each
split; the dev and test files rebuilt this way are checked byte for byte against the released
ones, so the train file is rebuilt the same way the treebank's own files were made.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

COMMIT = "15d613d8447b3478787d4c278730a1e48a945efb"  # UD_English-EWT, the commit the shipped parser was trained on


def show(git_dir: Path, rev_path: str) -> bytes:
    return subprocess.run(["git", "-C", str(git_dir), "show", rev_path], check=True, capture_output=True).stdout


def rebuild(git_dir: Path, split: str) -> bytes:
    files = show(git_dir, f"{COMMIT}:not-to-release/file-lists/files.{split}").decode().split()
    return b"".join(show(git_dir, f"{COMMIT}:not-to-release/sources/{name}") for name in files)


def main(argv: list[str]) -> int:
    git_dir, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev", "test"):
        data = rebuild(git_dir, split)
        if split != "train" and data != show(git_dir, f"{COMMIT}:en_ewt-ud-{split}.conllu"):
            raise SystemExit(f"rebuilt {split} differs from the released file: the recipe does not hold at this commit")
        (out / f"en_ewt-ud-{split}.conllu").write_bytes(data)
        print(f"{split}: {data.count(b'# sent_id')} sentences")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
