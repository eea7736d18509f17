#!/usr/bin/env bash
# Mutation testing of the modules that hold the rules (not part of the default test run).
#
#   scripts/mutation.sh [MODULE ...]     # default: every module below; needs '.[mutation]'
#   MUTATION_REV=<commit> scripts/mutation.sh ...   # the files of a commit instead
#
# Each module is mutated in its own copy of the repository (under $MUTATION_DIR, default
# .mutation/) against only the test files that exercise it, so a run finishes in minutes.
# The score per module is printed at the end and kept in $MUTATION_DIR/scores.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${MUTATION_DIR:-$ROOT/.mutation}
PYTHON=${PYTHON:-python}
CHILDREN=${MUTATION_CHILDREN:-1}

# module name | files to mutate | test files that exercise them
MODULES=(
  "schedule|src/outreach_planner/optimize/schedule.py|tests/test_schedule.py tests/test_work_clock.py tests/test_rules_in_plan.py"
  "programme|src/outreach_planner/programme.py|tests/test_programme.py tests/test_programme_periods.py tests/test_plan_checks.py"
  "clustering|src/outreach_planner/clustering.py|tests/test_clustering.py"
  "stop_list|src/outreach_planner/stop_edits.py src/outreach_planner/io/stops_csv.py|tests/test_stop_edits.py tests/test_stops_csv.py tests/test_rules_in_plan.py"
  "writers|src/outreach_planner/render/schedule_csv.py src/outreach_planner/render/plan_json.py|tests/test_written_files.py tests/test_plan_checks.py"
)

wanted=("$@")
mkdir -p "$WORK"
: > "$WORK/scores.txt"
for entry in "${MODULES[@]}"; do
  IFS='|' read -r name files tests <<< "$entry"
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " =~ " $name " ]]; then continue; fi
  copy="$WORK/$name"
  rm -rf "$copy" && mkdir -p "$copy"
  if [ -n "${MUTATION_REV:-}" ]; then  # a commit (e.g. to measure the score before a change)
    git -C "$ROOT" archive "$MUTATION_REV" | tar -xf - -C "$copy"
  else  # the working tree's files, tracked or new, without build or cache debris
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
      | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$copy"
  fi
  # mutmut runs, for each mutant, only the tests that called the mutated function while it
  # collected its statistics; a fixture shared by many tests (scope module or session) calls
  # it during the first of them only, which hides the others. In the copy, every fixture
  # is made per test: slower, but each test is counted with what it really checks.
  sed -i -E 's/scope="(session|module|package|class)"/scope="function"/' "$copy"/tests/*.py
  existing=()
  for t in $tests; do [ -f "$copy/$t" ] && existing+=("\"$t\""); done
  only=()
  for f in $files; do only+=("\"$f\""); done
  {
    echo
    echo "[tool.mutmut]"
    echo "source_paths = [\"src\"]"
    echo "also_copy = [\"data\"]  # the built-in data some tests plan with"
    echo "only_mutate = [$(IFS=,; echo "${only[*]}")]"
    echo "pytest_add_cli_args_test_selection = [$(IFS=,; echo "${existing[*]}")]"
    echo "pytest_add_cli_args = [\"-p\", \"no:cacheprovider\", \"-W\", \"ignore::DeprecationWarning\"]"
  } >> "$copy/pyproject.toml"
  echo "== $name: mutating $files against ${existing[*]}"
  (cd "$copy" && "$PYTHON" -m mutmut run --max-children "$CHILDREN" > run.log 2>&1) || true
  (cd "$copy" && "$PYTHON" -m mutmut export-cicd-stats > /dev/null 2>&1) || true
  "$PYTHON" - "$name" "$copy/mutants/mutmut-cicd-stats.json" >> "$WORK/scores.txt" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
try:
    s = json.load(open(path))
except OSError:
    print(f"{name}: no result (see run.log)")
    raise SystemExit
killed = s["killed"] + s.get("timeout", 0) + s.get("segfault", 0)
tested = killed + s["survived"]
score = 100 * killed / tested if tested else 0.0
print(f"{name}: {score:.1f} % killed ({killed} of {tested}; survived {s['survived']}, "
      f"no tests {s.get('no_tests', 0)}, skipped {s.get('skipped', 0)}, suspicious {s.get('suspicious', 0)})")
PY
  tail -1 "$WORK/scores.txt"
  (cd "$copy" && "$PYTHON" -m mutmut results > survivors.txt 2>&1) || true
done
echo "== scores (survivors: $WORK/<module>/survivors.txt, 'mutmut show NAME' in that folder)"
cat "$WORK/scores.txt"
