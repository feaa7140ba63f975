#!/usr/bin/env bash
# The workshop runner's check, tried as an attendee meets it (tools/workshop.sh):
# a test that hangs is stopped at the time limit and named; Ctrl-C names the
# running test; a failing check says what to write first and stays short;
# `check` without a number takes the lesson started last; `watch` leaves no
# temporary files and says it is checking; `trace` writes under the build
# folder; a workspace of the old numbering is migrated, losing nothing.
# Usage: check_runner.sh FIXTURE_PROGRAM BUILD_DIR
set -euo pipefail
fixture=$1
build=$(cd "$2" && pwd)
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

failures=0
fail() {
  echo "FAILED: $*"
  failures=$((failures + 1))
}
expect_in() {  # expect_in TEXT WANTED WHAT
  grep -q -F -- "$2" <<<"$1" || fail "$3: expected '$2' in:"$'\n'"$1"
}

# The runner, as ./corolab sources it (with run() and a build that is there).
cd "$source_dir"
run() { "$@"; }
ensure_packages() { :; }
# shellcheck source=../../tools/workshop.sh
source tools/workshop.sh
WORKSHOP_BUILD=$build
PROGRESS_FILE=$scratch/progress

echo "--- a test that hangs is stopped at the limit, and named"
CHECK_TEST_LIMIT=2
start=$SECONDS
output=$(RUNNER_FIXTURE_HANG=1 run_tests_one_by_one "$fixture" "$scratch/hang" 2>&1) && status=0 ||
  status=$?
((status == 1)) || fail "a hang: exit status $status, expected 1"
((SECONDS - start < 15)) || fail "a hang took $((SECONDS - start)) s with a 2 s limit"
expect_in "$output" "still running after 2 s, so stopped: waits for a wake-up that never comes" \
  "the hanging test is named"
expect_in "$output" "| waiting for a wake-up..." "what it printed so far is shown"

echo "--- Ctrl-C names the running test"
CHECK_TEST_LIMIT=60
set -m  # the runner in a process group of its own, as a terminal runs it
(RUNNER_FIXTURE_HANG=1 run_tests_one_by_one "$fixture" "$scratch/ctrl-c" \
  >"$scratch/ctrl-c.out" 2>&1) &
runner=$!
set +m
for _ in $(seq 50); do
  grep -q "waiting for a wake-up" "$scratch/ctrl-c"/*.log 2>/dev/null && break
  sleep 0.2
done
kill -INT -- "-$runner"  # the terminal sends Ctrl-C to the whole foreground group
wait "$runner" && status=0 || status=$?
((status == 130)) || fail "Ctrl-C: exit status $status, expected 130"
expect_in "$(cat "$scratch/ctrl-c.out")" \
  "stopped (Ctrl-C) while running: waits for a wake-up that never comes" "Ctrl-C names the test"

echo "--- a workspace from before lessons 07, 09 and 13 follows the renumbering"
mkdir -p "$scratch/old-arc/07-timers" "$scratch/old-arc/08-reactor" \
  "$scratch/old-arc/10-combinators/corolab" "$scratch/old-arc/13-testing"
echo "my heap" >"$scratch/old-arc/07-timers/timer_heap.cpp"
echo "my reactor" >"$scratch/old-arc/08-reactor/reactor_poll.cpp"
echo "my channel" >"$scratch/old-arc/10-combinators/corolab/channel.hpp"
printf '%s\n' "06-scheduler passed" "07-timers started" "07-timers passed" "08-reactor started" \
  "08-reactor hint 2" "10-combinators started" "13-testing started" >"$scratch/old-arc/progress"
saved_progress=$PROGRESS_FILE
PROGRESS_FILE=$scratch/old-arc/progress
output=$(lesson_name 2>&1)
expect_in "$output" "16-testing" "the last started lesson, under its new number"
[[ $(lesson_name 11 2>/dev/null) == 11-reactor ]] || fail "11 is the reactor"
[[ $(lesson_status 11-reactor) == started ]] || fail "the reactor's progress moved to 11"
[[ $(lesson_status 08-timers) == passed ]] || fail "the timers' progress moved to 08"
[[ $(lesson_status 06-scheduler) == passed ]] || fail "lessons before 07 keep their progress"
[[ -z $(lesson_status 07-lifetimes) ]] || fail "the new lesson 07 is not started"
[[ $(hints_seen 11-reactor) == 2 ]] || fail "the hints seen moved to 11"
[[ $(cat "$scratch/old-arc/08-timers/timer_heap.cpp") == "my heap" ]] ||
  fail "the attendee's timer heap moved to workspace/08-timers"
[[ $(cat "$scratch/old-arc/11-reactor/reactor_poll.cpp") == "my reactor" ]] ||
  fail "the attendee's reactor moved to workspace/11-reactor"
[[ $(cat "$scratch/old-arc/old/10-combinators/corolab/channel.hpp") == "my channel" ]] ||
  fail "the retired channel exercise is kept under old/"
[[ -d $scratch/old-arc/16-testing && ! -e $scratch/old-arc/13-testing ]] ||
  fail "13-testing became 16-testing"
before=$(cat "$PROGRESS_FILE")
lesson_name 11 >/dev/null 2>&1
[[ $(cat "$PROGRESS_FILE") == "$before" ]] || fail "a migrated workspace is migrated once"
record_progress "11-reactor passed"
[[ $(lesson_status 11-reactor) == passed ]] || fail "progress records after the migration"
PROGRESS_FILE=$saved_progress

echo "--- a failing check: what to write first, then one report, then names"
output=$(run_tests_one_by_one "$fixture" "$scratch/fail" 2>&1) && status=0 || status=$?
((status == 1)) || fail "a failing test: exit status $status, expected 1"
report=$(report_failures "$scratch/fail" 99)
first_lines=$(head -n 4 <<<"$report")
expect_in "$first_lines" "Still to write:" "the report opens with what to write"
expect_in "$first_lines" "  - write the_mechanism" "the function to write is named"
expect_in "$report" "✘ lesson 99: 1 of 3 tests fail" "the count"
expect_in "$output" "[2/3] a starter's function, not written yet ✘" "the failing test by name"
(($(wc -l <<<"$report") <= 40)) || fail "the report is $(wc -l <<<"$report") lines, more than 40"
mkdir -p "$scratch/workspace-99"
printf '%s\n' 'void the_other_step() {' \
  '  throw std::logic_error("lesson 99: write the_other_step");' '}' \
  >"$scratch/workspace-99/steps.cpp"
report=$(report_failures "$scratch/fail" 99 "$scratch/workspace-99")
expect_in "$report" "  - write the_mechanism" "what a test met is listed"
expect_in "$report" "  - write the_other_step" \
  "a starter still in the attendee's files is listed too"

echo "--- check without a number takes the lesson started last"
rm -f "$PROGRESS_FILE"
output=$( (lesson_name "") 2>&1) && fail "no lesson started, yet lesson_name '' succeeded" || true
expect_in "$output" "which lesson? Give its number" "a clean message, not a bash error"
echo "03-generators started" >>"$PROGRESS_FILE"
echo "06-scheduler started" >>"$PROGRESS_FILE"
[[ $(lesson_name "") == 06-scheduler ]] || fail "lesson_name '' is not the lesson started last"

echo "--- watch: no temporary file per run, and it says that it checks"
cd "$scratch"  # watch looks at workspace/<lesson>/ in the current folder
mkdir -p tmp workspace/06-scheduler-watch-test
cmd_check() { echo "checked $1"; }
lesson_name() { echo 06-scheduler-watch-test; }
(TMPDIR=$scratch/tmp cmd_watch 06 >"$scratch/watch.out" 2>&1) &
watcher=$!
sleep 1.5
touch workspace/06-scheduler-watch-test/file.cpp
sleep 2.5
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
rm -f "$build/check/06-scheduler-watch-test.watched"
cd "$source_dir"
[[ -z $(ls -A "$scratch/tmp") ]] || fail "watch left temporary files: $(ls "$scratch/tmp")"
expect_in "$(cat "$scratch/watch.out")" "changed: checking lesson" "watch says it is checking"
[[ $(grep -c "^checked" "$scratch/watch.out") == 2 ]] || fail "watch did not check again"
unset -f lesson_name cmd_check
source tools/workshop.sh
WORKSHOP_BUILD=$build
PROGRESS_FILE=$scratch/progress

echo "--- trace: the stage's timeline, under the build folder"
if [[ -x $build/lessons/06-scheduler/lesson_06_stage && -x $build/tools/corolab-trace-svg ]]; then
  workshop_build() { :; }  # built already; ctest does not build
  rm -rf "$build/traces/06-scheduler."*
  output=$(cmd_trace 06 --reference 2>&1) || fail "cmd_trace failed: $output"
  [[ -s $build/traces/06-scheduler.svg ]] || fail "no $build/traces/06-scheduler.svg"
  grep -q "<svg" "$build/traces/06-scheduler.svg" || fail "the trace is not an SVG"
  [[ ! -e $source_dir/trace.json ]] || fail "trace.json appeared in the repository root"
else
  fail "lesson_06_stage or corolab-trace-svg is not built in $build"
fi

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks of the workshop runner passed"
