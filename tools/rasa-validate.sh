#!/usr/bin/env bash
# `rasa data validate`, failing on any warning except the two EXTERNAL_ intents,
# which are sent by the hub through trigger_intent and deliberately have no NLU examples.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(.venv-rasa/bin/rasa data validate 2>&1); status=$?
problems=$(grep -E "UserWarning|ERROR|Error" <<<"$out" | grep -v -E "intent 'EXTERNAL_[a-z_]+' is listed in the domain file, but is not found in the NLU training data" | grep -v -E "DeprecationWarning|FutureWarning|pkg_resources")
if [ $status -ne 0 ] || [ -n "$problems" ]; then
  echo "$problems"
  echo "rasa data validate: problems found (exit $status)"
  exit 1
fi
echo "rasa data validate: OK"
