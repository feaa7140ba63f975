#!/usr/bin/env bash
# slides/build.sh BUILD_DIR OUT_DIR
#
# Builds every deck slides/NN-name.md into OUT_DIR/NN-name.html and .pdf:
#   1. corolab-lessonkit (from BUILD_DIR) expands the quote directives into
#      code blocks: OUT_DIR/md/NN-name.md;
#   2. Marp renders that with the corolab theme.
set -euo pipefail

if (($# != 2)); then
  echo "usage: slides/build.sh BUILD_DIR OUT_DIR   (e.g. build/release build/slides)" >&2
  exit 2
fi
build_dir=$1
out_dir=$2
slides=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$slides")

lessonkit=$build_dir/tools/corolab-lessonkit
if [[ ! -x $lessonkit ]]; then
  echo "slides: no $lessonkit; build it first:" \
       "cmake --build --preset release --target corolab-lessonkit" >&2
  exit 1
fi

# Marp and its dependencies, exactly as package-lock.json pins them
# (again when the lock is newer than the install: someone bumped a version).
if [[ ! $slides/node_modules/.package-lock.json -nt $slides/package-lock.json ]]; then
  echo "slides: installing Marp (npm ci in slides/)" >&2
  (cd "$slides" && npm ci --no-audit --no-fund)
fi
marp=$slides/node_modules/.bin/marp

# The PDF is printed by Debian's Chromium: without the sandbox, because it
# refuses to run sandboxed as root (CI runs as root) and only ever opens our
# own files; without the GPU, which these machines do not have.
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export CHROME_NO_SANDBOX=1
export CHROME_DISABLE_GPU=1
if [[ ! -x $CHROME_PATH ]]; then
  echo "slides: no browser at $CHROME_PATH for the PDFs (apt-get install chromium)" >&2
  exit 1
fi

shopt -s nullglob
decks=("$slides"/[0-9][0-9]-*.md)
if ((${#decks[@]} == 0)); then
  echo "slides: no decks (slides/NN-name.md)"
  exit 0
fi

# Start clean, so that a renamed deck leaves no old output to be tested.
rm -rf "$out_dir/md"
rm -f "$out_dir"/[0-9][0-9]-*.{html,pdf,png}
mkdir -p "$out_dir/md"
# Images are looked up next to the markdown when printing the PDF, and
# next to the HTML when it is opened: copy them to both places.
if [[ -d $slides/images ]]; then
  for dest in "$out_dir/md/images" "$out_dir/images"; do
    rm -rf "$dest"
    cp -r "$slides/images" "$dest"
  done
fi

# Marp is chatty; keep its output for when it fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run_marp() {
  if ! "$marp" --no-stdin --no-config-file --theme-set "$slides/theme/corolab.css" \
      --html --allow-local-files "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "slides: marp failed: marp $*" >&2
    exit 1
  fi
}

for deck in "${decks[@]}"; do
  name=$(basename "$deck" .md)
  md=$out_dir/md/$name.md
  "$lessonkit" --root "$repo" expand "$deck" "$md"
  run_marp "$md" -o "$out_dir/$name.html"
  run_marp "$md" --pdf -o "$out_dir/$name.pdf"
  # Marp draws each slide as one <svg data-marpit-svg> element.
  count=$(grep -o '<svg data-marpit-svg' "$out_dir/$name.html" | wc -l)
  echo "slides: $name: $count slides -> $out_dir/$name.html, .pdf"
done
