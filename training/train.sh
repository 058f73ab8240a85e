#!/usr/bin/env bash
# Retrain the shipped tagger and parser from the UD English Web Treebank (never run by CI or at
# install time; about 80 minutes on one core of this project's 2-core machine).
#   bash training/train.sh EWT_GIT_DIR [WORK_DIR]
# EWT_GIT_DIR: a git snapshot of UniversalDependencies/UD_English-EWT holding the commit pinned in
# training/rebuild_ewt.py. Writes WORK_DIR/model-best and copies it into checker/syntax_model/.
set -euo pipefail
ewt=$1
work=${2:-build/ewt}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/conllu" "$work/corpus"
python "$here/rebuild_ewt.py" "$ewt" "$work/conllu"
for split in train dev test; do
  python -m spacy convert "$work/conllu/en_ewt-ud-$split.conllu" "$work/corpus" --converter conllu -n 10
  mv "$work/corpus/en_ewt-ud-$split.spacy" "$work/corpus/$split.spacy"
done
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
python -m spacy train "$here/ewt.cfg" --output "$work/out" --paths.train "$work/corpus/train.spacy" \
  --paths.dev "$work/corpus/dev.spacy" --system.seed 0
python -m spacy evaluate "$work/out/model-best" "$work/corpus/test.spacy" --output "$work/test-scores.json"
rm -rf "$here/../checker/syntax_model"
cp -r "$work/out/model-best" "$here/../checker/syntax_model"
python "$here/stamp_meta.py" "$here/../checker/syntax_model" "$work/test-scores.json"
echo "copied $work/out/model-best to checker/syntax_model; test scores in $work/test-scores.json"
