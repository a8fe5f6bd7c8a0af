#!/usr/bin/env bash
# Runs one step of `make test` and records how long it took in target/steps.txt, so that the
# end of the run (or its failure) prints where the time went.
#
#   scripts/step.sh <name> <command> [args…]
#   scripts/step.sh --report     print the table and start a new one
set -uo pipefail
cd "$(dirname "$0")/.."
log=target/steps.txt
mkdir -p target

report() {
  [[ -f "$log" ]] || return 0
  echo
  echo "make test, step by step:"
  awk '{ total += $2; printf "  %-14s %6d s  %s\n", $1, $2, $3 } END { printf "  %-14s %6d s\n", "total", total }' "$log"
  rm -f "$log"
}

if [[ "$1" == "--report" ]]; then
  report
  exit 0
fi

name="$1"
shift
start=$(date +%s)
"$@"
status=$?
elapsed=$(($(date +%s) - start))
if [[ $status -eq 0 ]]; then
  echo "$name $elapsed ok" >>"$log"
else
  echo "$name $elapsed FAILED" >>"$log"
  report
fi
exit $status
