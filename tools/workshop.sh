# The exercise runner: ./corolab lessons | start | check | hint | watch |
# solution | stage. Sourced by ./corolab, which provides run(),
# ensure_packages() and configure().
#
# An attendee's copy of a lesson's exercise lives in workspace/<NN-name>/
# (git-ignored). `start` copies the starter there; `check` builds the
# lesson's tests against it (target lesson_<NN>_workspace, see
# cmake/CorolabLessons.cmake) and runs them. Progress is kept in
# workspace/progress, one line per event: "<NN-name> <started|passed|hint N>".

WORKSHOP_PRESET=debug
# COROLAB_WORKSHOP_BUILD: another folder, for trying lessons side by side
WORKSHOP_BUILD=${COROLAB_WORKSHOP_BUILD:-build/$WORKSHOP_PRESET}
PROGRESS_FILE=workspace/progress

# "3", "03" or "03-generators" -> "03-generators"
lesson_name() {
  local wanted=${1:?which lesson? (./corolab lessons lists them)}
  local dir
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

# The lesson's title: the first heading of its README.
lesson_title() { sed -n '1s/^# *//p' "lessons/$1/README.md"; }

record_progress() {
  mkdir -p workspace
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

# "3 of 7 tests fail", from Catch2's "test cases: 7 | 4 passed | 3 failed"
failure_summary() {
  local summary total failed
  if grep -q 'fatal error condition' <<<"$1" || (($2 > 128)); then
    echo "the test program crashed during the test shown above (a signal, not a failed check)"
    return
  fi
  summary=$(grep -E '^test cases:' <<<"$1" || true)
  if [[ -z $summary ]]; then
    echo "the tests did not finish (exit status $2): see the output above"
    return
  fi
  total=$(sed -E 's/^test cases: *([0-9]+).*/\1/' <<<"$summary")
  failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$summary")
  echo "$failed of $total tests fail"
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
  local output status=0
  output=$("$program" 2>&1) || status=$?
  if ((status == 0)); then
    echo "$output" | tail -1
    echo "✔ lesson $number: every test passes. Well done!"
    [[ $(lesson_status "$lesson") == passed ]] || record_progress "$lesson passed"
    return 0
  fi
  echo "$output" | sed -n '/^---------/,/^=========/p'  # Catch2's report of each failing test
  echo
  echo "✘ lesson $number: $(failure_summary "$output" "$status")"
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
  stamp=$(mktemp)
  while true; do
    touch "$stamp"
    cmd_check "$number" || true
    echo "(watching workspace/$lesson for changes; Ctrl-C stops)"
    until [[ -n $(find "workspace/$lesson" -newer "$stamp" -type f -print -quit) ]]; do
      sleep 1
    done
    clear 2>/dev/null || true
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

# ./corolab stage NN [--reference] [args...]: build and run the lesson's
# stage program: from your workspace once you have started the lesson (so
# that your experiments show), else (or with --reference) from the solution.
cmd_stage() {
  local lesson number target
  lesson=$(lesson_name "${1:-}")
  number=$(lesson_number "$lesson")
  shift
  target=lesson_${number}_stage
  if [[ ${1:-} == --reference ]]; then
    shift
  elif [[ -d workspace/$lesson ]]; then
    target=lesson_${number}_workspace_stage
    echo "(the stage built with your code in workspace/$lesson; --reference for the solution's)" >&2
  fi
  workshop_build "$target"
  run "$WORKSHOP_BUILD/lessons/$lesson/$target" "$@"
}
