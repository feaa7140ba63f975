# The exercise runner: ./corolab lessons | start | check | hint | watch |
# solution | stage. Sourced by ./corolab, which provides run(),
# ensure_packages() and configure().
#
# An attendee's copy of a lesson's exercise lives in workspace/<NN-name>/
# (git-ignored). `start` copies the starter there; `check` builds the
# lesson's tests against it (target lesson_<NN>_workspace, see
# cmake/CorolabLessons.cmake) and runs them. Progress is kept in
# workspace/progress, one line per event: "<NN-name> <started|passed|hint N>",
# under a first line that names the arc's numbering (PROGRESS_HEADER).

WORKSHOP_PRESET=debug
# COROLAB_WORKSHOP_BUILD: another folder, for trying lessons side by side
WORKSHOP_BUILD=${COROLAB_WORKSHOP_BUILD:-build/$WORKSHOP_PRESET}
PROGRESS_FILE=workspace/progress
# Bumped when lessons are renumbered; migrate_workspace() knows every older one.
PROGRESS_HEADER="# corolab progress, arc 3 (07 lifetimes, 09 cancellation, 13 threads, 16 testing)"

# "3", "03" or "03-generators" -> "03-generators"; no argument: the lesson
# started last (an attendee in the middle of one types `./corolab check`).
lesson_name() {
  local wanted=${1:-} dir
  migrate_workspace
  if [[ -z $wanted ]]; then
    wanted=$(last_started_lesson)
    if [[ -z $wanted ]]; then
      echo "corolab: which lesson? Give its number, e.g. ./corolab start 03" >&2
      echo "         (./corolab lessons lists them)" >&2
      return 1
    fi
  fi
  [[ $wanted =~ ^[0-9]$ ]] && wanted=0$wanted
  for dir in lessons/[0-9][0-9]-*/; do
    dir=${dir%/}
    dir=${dir#lessons/}
    if [[ $dir == "$wanted" || ${dir%%-*} == "${wanted%%-*}" ]]; then
      echo "$dir"
      return 0
    fi
  done
  echo "corolab: no lesson '$1' (./corolab lessons lists them)" >&2
  return 1
}

lesson_number() { echo "${1%%-*}"; }

# A workspace made before the arc got lessons 07 (lifetimes), 09
# (cancellation) and 13 (threads) names the old numbers: timers were 07 (now
# 08), the reactor 08 (now 11), sockets 09 (now 12), libcurl, the crawler and
# testing 11-13 (now 14-16). Rename its folders and progress lines once, so a
# returning attendee loses nothing. The old lesson 10's exercise (the
# channel) is no exercise any more (10-combinators has when_any): its folder
# is kept under old/, its progress lines as comments.
migrate_workspace() {
  [[ -f $PROGRESS_FILE ]] || return 0
  [[ $(head -n 1 "$PROGRESS_FILE") == "$PROGRESS_HEADER" ]] && return 0
  local workspace rename old new renamed
  workspace=$(dirname "$PROGRESS_FILE")
  renamed=$(mktemp "$workspace/progress.XXXXXX")
  {
    echo "$PROGRESS_HEADER"
    sed -e 's/^10-combinators /# retired (the channel exercise): 10-combinators /' \
      -e 's/^13-testing /16-testing /' -e 's/^12-crawler /15-crawler /' \
      -e 's/^11-libcurl /14-libcurl /' -e 's/^09-sockets /12-sockets /' \
      -e 's/^08-reactor /11-reactor /' -e 's/^07-timers /08-timers /' "$PROGRESS_FILE"
  } >"$renamed"
  if [[ -d $workspace/10-combinators ]]; then
    mkdir -p "$workspace/old"
    mv "$workspace/10-combinators" "$workspace/old/10-combinators"
    echo "corolab: your channel exercise (old lesson 10) is kept in $workspace/old/" >&2
  fi
  # (in this order: each folder moves to a number that is free by then)
  for rename in 13-testing=16-testing 12-crawler=15-crawler 11-libcurl=14-libcurl \
    09-sockets=12-sockets 08-reactor=11-reactor 07-timers=08-timers; do
    old=${rename%=*}
    new=${rename#*=}
    [[ -d $workspace/$old && ! -e $workspace/$new ]] && mv "$workspace/$old" "$workspace/$new"
  done
  mv "$renamed" "$PROGRESS_FILE"
  echo "corolab: lessons were renumbered (07 lifetimes, 08 timers, 09 cancellation," \
    "10 combinators, 11 reactor, 12 sockets, 13 threads, ..., 16 testing);" \
    "your workspace follows" >&2
}

# The lesson of the newest "started" line of the progress file, if any.
last_started_lesson() {
  [[ -f $PROGRESS_FILE ]] || return 0
  awk '$2 == "started" { lesson = $1 } END { print lesson }' "$PROGRESS_FILE"
}

# The lesson's title: the first heading of its README.
lesson_title() { sed -n '1s/^# *//p' "lessons/$1/README.md"; }

record_progress() {
  mkdir -p "$(dirname "$PROGRESS_FILE")"
  [[ -s $PROGRESS_FILE ]] || echo "$PROGRESS_HEADER" >"$PROGRESS_FILE"
  echo "$*" >>"$PROGRESS_FILE"
}

# The last recorded status of a lesson: "", started or passed.
lesson_status() {
  [[ -f $PROGRESS_FILE ]] || return 0
  awk -v lesson="$1" '$1 == lesson && ($2 == "started" || $2 == "passed") { status = $2 }
                      END { print status }' "$PROGRESS_FILE"
}

hints_seen() {
  [[ -f $PROGRESS_FILE ]] || { echo 0; return; }
  # (a new start of the lesson starts the hints over too)
  awk -v lesson="$1" '$1 == lesson && $2 == "hint" { seen = $3 }
                      $1 == lesson && $2 == "started" { seen = 0 }
                      END { print seen + 0 }' "$PROGRESS_FILE"
}

# Lines of "<solution path>\t<path in the workspace>", written by CMake.
exercise_files() { cat "$WORKSHOP_BUILD/lessons/$1/exercise-files.tsv"; }

workshop_build() {
  ensure_packages
  [[ -f $WORKSHOP_BUILD/build.ninja ]] || run cmake --preset "$WORKSHOP_PRESET" -B "$WORKSHOP_BUILD"
  run cmake --build "$WORKSHOP_BUILD" --target "$@"
}

# ./corolab lessons
cmd_lessons() {
  local dir lesson status mark
  migrate_workspace
  echo "corolab lessons (start one with ./corolab start NN):"
  for dir in lessons/[0-9][0-9]-*/; do
    lesson=$(basename "$dir")
    status=$(lesson_status "$lesson")
    case $status in
      passed) mark="[done]    " ;;
      started) mark="[started] " ;;
      *) mark="          " ;;
    esac
    printf '  %s %s\n' "$mark" "$(lesson_title "$lesson")"
  done
}

# ./corolab start NN [--force]
cmd_start() {
  local lesson number force=${2:-}
  if [[ -z ${1:-} ]]; then
    echo "corolab: which lesson? ./corolab start NN (./corolab lessons lists them)" >&2
    return 1
  fi
  lesson=$(lesson_name "${1:-}")
  number=$(lesson_number "$lesson")
  if [[ -d workspace/$lesson && $force != --force ]]; then
    echo "corolab: workspace/$lesson exists already; keep going with ./corolab check $number," >&2
    echo "         or start over with ./corolab start $number --force (your copy is lost)" >&2
    return 1
  fi
  workshop_build "lesson_${number}_starter_files"

  local solution file
  rm -rf "workspace/$lesson" "workspace/.starters/$lesson"
  while IFS=$'\t' read -r solution file; do
    mkdir -p "$(dirname "workspace/$lesson/$file")" "$(dirname "workspace/.starters/$lesson/$file")"
    cp "$WORKSHOP_BUILD/lessons/$lesson/starter/$file" "workspace/$lesson/$file"
    # kept to notice, later, that the lesson's starter has changed since
    cp "$WORKSHOP_BUILD/lessons/$lesson/starter/$file" "workspace/.starters/$lesson/$file"
  done < <(exercise_files "$lesson")
  run cmake "$WORKSHOP_BUILD" >/dev/null  # now that the workspace exists, add its target
  record_progress "$lesson started"

  echo
  echo "Started: $(lesson_title "$lesson")"
  echo "  read:   lessons/$lesson/README.md"
  echo "  edit:   the EXERCISE comments in"
  while IFS=$'\t' read -r solution file; do
    echo "            workspace/$lesson/$file"
  done < <(exercise_files "$lesson")
  echo "  check:  ./corolab check $number"
  echo "          (or ./corolab watch $number to re-check on every save)"
  echo "  stuck?  ./corolab hint $number"
}

# Each test case of a check runs in a process of its own under this limit
# (seconds), so that a test that hangs is stopped and named. Generous on
# purpose: it only has to catch a hang, never a slow but correct solution.
# COROLAB_CHECK_TEST_LIMIT changes it.
CHECK_TEST_LIMIT=${COROLAB_CHECK_TEST_LIMIT:-60}

# A test name as a Catch2 test spec: ',', '[' and ']' would be parsed.
catch_spec() {
  local name=$1 char
  for char in ',' '[' ']'; do name=${name//"$char"/\\$char}; done
  printf '%s' "$name"
}

# run_tests_one_by_one PROGRAM LOGDIR: each Catch2 test case of PROGRAM in
# its own process, under CHECK_TEST_LIMIT, with a line of progress each.
# Writes LOGDIR/<n>.log per test and LOGDIR/results ("<status>\t<name>", the
# status: passed, failed, crashed, timeout). Stops at the first test that
# times out, or at Ctrl-C, naming the test that was running and showing what
# it printed so far. Returns 0 when every test passes.
run_tests_one_by_one() {
  local program=$1 logdir=$2 name status n=0 total interrupted=0
  local -a names
  mkdir -p "$logdir"
  rm -f "$logdir"/*.log "$logdir/results"
  : >"$logdir/results"
  mapfile -t names < <("$program" --list-test-names-only | sed '/^$/d')
  total=${#names[@]}
  if ((total == 0)); then
    echo "  the test program listed no tests: $program --list-test-names-only"
    return 1
  fi
  # Ctrl-C reaches the test program too (--foreground keeps it in the
  # terminal's process group); the shell waits for it, then reports.
  trap 'interrupted=1' INT
  for name in "${names[@]}"; do
    n=$((n + 1))
    printf '  [%d/%d] %s ' "$n" "$total" "$name"
    status=0
    timeout --foreground -k 5 "$CHECK_TEST_LIMIT" \
      "$program" "$(catch_spec "$name")" >"$logdir/$n.log" 2>&1 || status=$?
    if ((interrupted)); then
      printf '\n\n✘ stopped (Ctrl-C) while running: %s\n' "$name"
      show_log_tail "$logdir/$n.log"
      trap - INT
      return 130
    fi
    if ((status == 0)); then
      printf '✔\n'
      printf 'passed\t%s\n' "$name" >>"$logdir/results"
    elif ((status == 124 || status == 137)); then
      printf '\n\n✘ still running after %d s, so stopped: %s\n' "$CHECK_TEST_LIMIT" "$name"
      echo "  (the time limit of one test; COROLAB_CHECK_TEST_LIMIT=SECONDS changes it)"
      echo "  A test that hangs usually awaits something nothing will ever resume"
      echo "  (a coroutine never scheduled again, an event never set, an exception"
      echo "  swallowed on the way back)."
      show_log_tail "$logdir/$n.log"
      printf 'timeout\t%s\n' "$name" >>"$logdir/results"
      trap - INT
      return 1
    elif ((status > 128)); then
      printf '✘ (crashed)\n'
      printf 'crashed\t%s\n' "$name" >>"$logdir/results"
    else
      printf '✘\n'
      printf 'failed\t%s\n' "$name" >>"$logdir/results"
    fi
  done
  trap - INT
  ! grep -q -v '^passed' "$logdir/results"
}

# What a stopped test had printed: its last lines.
show_log_tail() {
  if [[ -s $1 ]]; then
    echo "  What it printed so far (the end of $1):"
    tail -n 20 "$1" | sed 's/^/  | /'
  else
    echo "  It printed nothing."
  fi
}

# The report of a check that failed: first what is still to write (the
# starters' "lesson NN: write ..." errors, and those still in the attendee's
# files: a test stops at the first it meets, so the logs alone would name
# only that one), then the first failing test's Catch2 report (at most 40
# lines), then the count (the progress lines above it have marked each
# failing test already).
report_failures() {
  local logdir=$1 number=$2 workspace=${3:-} first total failed
  local todo
  todo=$({
    cat "$logdir"/*.log
    # (code only: a comment may quote the message)
    [[ -z $workspace ]] || grep -r -h "lesson $number: " "$workspace" | grep -v -E '^ *//'
  } | grep -o -E "lesson $number: (write|start) [^\"'\\]*" | sort -u || true)
  if [[ -n $todo ]]; then
    echo
    echo "Still to write:"
    sed -E "s/^lesson $number: /  - /" <<<"$todo"
  fi
  first=$(awk -F'\t' '$1 != "passed" { print NR; exit }' "$logdir/results")
  echo
  echo "The first failing test (its whole report: $logdir/$first.log):"
  sed -n '/^---------/,/^=========/p' "$logdir/$first.log" | head -n 40
  total=$(wc -l <"$logdir/results")
  failed=$(grep -c -v '^passed' "$logdir/results" || true)
  echo
  echo "✘ lesson $number: $failed of $total tests fail (each marked ✘ above)"
}

# The lesson's starter may have changed since `start` copied it (the
# runtime moved on, say): then the attendee's copy may be out of date.
warn_if_starter_changed() {
  local lesson=$1 solution file number
  number=$(lesson_number "$lesson")
  while IFS=$'\t' read -r solution file; do
    if ! cmp -s "$WORKSHOP_BUILD/lessons/$lesson/starter/$file" \
                "workspace/.starters/$lesson/$file"; then
      echo "note: lesson $number's starter for $file has changed since you started it."
      echo "      If your copy no longer builds, ./corolab solution $number shows the difference,"
      echo "      and ./corolab start $number --force starts again from the new starter."
    fi
  done < <(exercise_files "$lesson")
}

# ./corolab check NN
cmd_check() {
  local lesson number
  lesson=$(lesson_name "${1:-}")
  number=$(lesson_number "$lesson")
  if [[ ! -d workspace/$lesson ]]; then
    echo "corolab: lesson $number is not started yet: ./corolab start $number" >&2
    return 1
  fi
  local log=$WORKSHOP_BUILD/check.log
  if [[ ! -x $WORKSHOP_BUILD/lessons/$lesson/lesson_${number}_workspace ]]; then
    echo "building lesson $number's tests against your copy"
    echo "(the first time also builds the runtime: a few minutes)..."
  fi
  if ! workshop_build "lesson_${number}_starter_files" "lesson_${number}_workspace" \
       >"$log" 2>&1; then
    # the compiler's messages, without ninja's progress and command lines
    grep -v -E '^(\[[0-9]+/[0-9]+\]|FAILED:|ninja:|\+ |/usr/bin/|: && )' "$log" | head -30
    echo
    warn_if_starter_changed "$lesson"
    if grep -E '^[^ ]+:[0-9]+:[0-9]+: error' "$log" | grep -q -v "/workspace/$lesson/"; then
      echo "✘ lesson $number: the build failed outside your workspace"
      echo "  (see the first error above):"
      echo "  not your code. Is the rest of the tree in a good state (git status)?"
    else
      echo "✘ lesson $number: your code does not compile yet (first errors above;"
      echo "  the whole log is $log)"
    fi
    return 1
  fi
  warn_if_starter_changed "$lesson"

  local program=$WORKSHOP_BUILD/lessons/$lesson/lesson_${number}_workspace
  local logdir=$WORKSHOP_BUILD/check/$lesson status=0
  echo "checking lesson $number, one test at a time (at most $CHECK_TEST_LIMIT s each):"
  run_tests_one_by_one "$program" "$logdir" || status=$?
  if ((status == 0)); then
    echo "✔ lesson $number: every test passes. Well done!"
    [[ $(lesson_status "$lesson") == passed ]] || record_progress "$lesson passed"
    return 0
  fi
  ((status == 130)) && return 130
  grep -q '^timeout' "$logdir/results" || report_failures "$logdir" "$number" "workspace/$lesson"
  echo "  Stuck? ./corolab hint $number"
  return 1
}

# ./corolab hint NN: the next hint of lessons/NN-name/hints.md ("## Hint N" sections)
cmd_hint() {
  local lesson number seen total next
  lesson=$(lesson_name "${1:-}")
  number=$(lesson_number "$lesson")
  total=$(grep -c '^## Hint' "lessons/$lesson/hints.md")
  seen=$(hints_seen "$lesson")
  next=$((seen < total ? seen + 1 : total))
  awk -v n="$next" '/^## Hint/ { section++ } section == n' "lessons/$lesson/hints.md"
  echo
  if ((next < total)); then
    echo "(hint $next of $total; ./corolab hint $number shows the next)"
  else
    echo "(the last hint; ./corolab solution $number shows how your code differs"
    echo " from the reference)"
  fi
  ((next == seen)) || record_progress "$lesson hint $next"
}

# ./corolab watch NN: check now, then again on every save
cmd_watch() {
  local lesson number stamp
  lesson=$(lesson_name "${1:-}")
  number=$(lesson_number "$lesson")
  # one stamp file per lesson, reused (not a temporary file per run)
  stamp=$WORKSHOP_BUILD/check/$lesson.watched
  mkdir -p "$(dirname "$stamp")"
  while true; do
    touch "$stamp"
    cmd_check "$number" || (($? != 130)) || return 130
    echo "(watching workspace/$lesson for changes; Ctrl-C stops)"
    until [[ -n $(find "workspace/$lesson" -newer "$stamp" -type f -print -quit) ]]; do
      sleep 1
    done
    clear 2>/dev/null || true
    echo "workspace/$lesson changed: checking lesson $number again..."
  done
}

# ./corolab solution NN: how the workspace differs from the reference
cmd_solution() {
  local lesson number solution file reference
  lesson=$(lesson_name "${1:-}")
  number=$(lesson_number "$lesson")
  workshop_build corolab-lessonkit >/dev/null
  while IFS=$'\t' read -r solution file; do
    reference=$WORKSHOP_BUILD/lessons/$lesson/reference/$file
    mkdir -p "$(dirname "$reference")"
    "$WORKSHOP_BUILD/tools/corolab-lessonkit" solution "$solution" >"$reference"
    if [[ -f workspace/$lesson/$file ]]; then
      git --no-pager diff --no-index -- "workspace/$lesson/$file" "$reference" || true
    else
      cat "$reference"
    fi
  done < <(exercise_files "$lesson")
}

# The stage program of `./corolab stage` and `trace`: from the workspace once
# the lesson is started (so that the attendee's experiments show), else, or
# with --reference, from the solution. Sets STAGE_TARGET and STAGE_SHIFT (1
# when the first argument was --reference).
choose_stage() {
  local lesson=$1 number=$2 first=${3:-}
  STAGE_TARGET=lesson_${number}_stage
  STAGE_SHIFT=0
  if [[ $first == --reference ]]; then
    STAGE_SHIFT=1
  elif [[ -d workspace/$lesson ]]; then
    STAGE_TARGET=lesson_${number}_workspace_stage
    echo "(the stage built with your code in workspace/$lesson; --reference for the solution's)" >&2
  fi
}

# ./corolab stage NN [--reference] [args...]: build and run the lesson's
# stage program.
cmd_stage() {
  local lesson number
  lesson=$(lesson_name "${1:-}")
  number=$(lesson_number "$lesson")
  (($# == 0)) || shift
  choose_stage "$lesson" "$number" "${1:-}"
  shift "$STAGE_SHIFT"
  workshop_build "$STAGE_TARGET"
  run "$WORKSHOP_BUILD/lessons/$lesson/$STAGE_TARGET" "$@"
}

# ./corolab trace NN [--reference] [args...]: run the stage program with
# COROLAB_TRACE set and draw its trace as an SVG timeline (lesson 06), both
# kept under the build folder, not in the repository. A lesson's trace.args
# holds options for corolab-trace-svg (lesson 17 hides the Redis client's
# timeout racers, a row per command, which would crowd out its workers).
cmd_trace() {
  local lesson number json svg
  local -a draw_options=()
  lesson=$(lesson_name "${1:-}")
  number=$(lesson_number "$lesson")
  (($# == 0)) || shift
  choose_stage "$lesson" "$number" "${1:-}"
  shift "$STAGE_SHIFT"
  workshop_build "$STAGE_TARGET" corolab-trace-svg
  mkdir -p "$WORKSHOP_BUILD/traces"
  json=$WORKSHOP_BUILD/traces/$lesson.json
  svg=$WORKSHOP_BUILD/traces/$lesson.svg
  rm -f "$json"
  COROLAB_TRACE=$json run "$WORKSHOP_BUILD/lessons/$lesson/$STAGE_TARGET" "$@"
  if [[ ! -s $json ]]; then
    echo "corolab: lesson $number's stage recorded no trace (it runs no event loop)" >&2
    return 1
  fi
  [[ -f lessons/$lesson/trace.args ]] && read -r -a draw_options <"lessons/$lesson/trace.args"
  run "$WORKSHOP_BUILD/tools/corolab-trace-svg" "$json" "$svg" --title "lesson $lesson" \
    "${draw_options[@]}"
  echo "the trace: $svg (open it in a browser; the events: $json)"
}
