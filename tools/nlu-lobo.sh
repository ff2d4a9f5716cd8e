#!/usr/bin/env bash
# `make nlu-lobo`: leave-one-batch-out for the independent NLU batches (data/nlu/independent/u*.yml).
# For each batch: train the NLU on everything else, test on the held-out batch; then the project eval set.
set -euo pipefail
cd "$(dirname "$0")/.."
out=results/nlu-lobo
rm -rf "$out"; mkdir -p "$out"
for held in data/nlu/independent/u*.yml; do
  name=$(basename "$held" .yml)
  work="$out/$name"; mkdir -p "$work/data"
  cp -r data/nlu "$work/data/nlu"; rm "$work/data/nlu/independent/$name.yml"
  .venv-rasa/bin/rasa train nlu --config config.yml --nlu "$work/data/nlu" --out "$work/models" --fixed-model-name nlu --quiet >/dev/null 2>&1
  .venv-rasa/bin/rasa test nlu --model "$work/models/nlu.tar.gz" --nlu "$held" --out "$work/report" >/dev/null 2>&1
  .venv/bin/python - "$name" "$work/report/intent_report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[2]))
print(f"{sys.argv[1]} held out: accuracy {report['accuracy']:.3f}, macro-F1 {report['macro avg']['f1-score']:.3f}, "
      f"weighted-F1 {report['weighted avg']['f1-score']:.3f}")
PY
done
