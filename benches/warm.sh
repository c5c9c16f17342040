#!/usr/bin/env bash
# Warm rebuilds: what a build costs after editing one article, against a clean build of the
# same tree, with one binary (and, optionally, an older one run alternately beside it).
#
#   bash benches/warm.sh SITE [BIN] [ROUNDS]
#
#   SITE    a generated site, e.g. `target/release/examples/gen_corpus 10000 /dev/shm/warm/site 42`
#   BIN     the binary (default: this tree's target/release/evident)
#   ROUNDS  how many edits (default 3)
#   EDIT=body  edit a word of the body below the answer instead of the question
#
# First a cold build with an empty `.evident/cache/` (it keeps every article's parse) into
# SITE/../warm-out. Then each round edits one more article (a word of its text), builds
# clean (`--no-cache`, a fresh folder SITE/../clean-out) and warm (the cache and the output
# of the round before), and checks that the two outputs are the same bytes. Each build is
# timed with `/usr/bin/time -f "%e s %U user %S sys %M KB"`: wall, user and system CPU (a
# warm build's saving is partly in the kernel: files linked, not written), peak RSS. The
# edited articles are restored at the end.
set -euo pipefail

SITE=${1:?usage: warm.sh SITE [BIN] [ROUNDS]}
BIN=${2:-$(cd "$(dirname "$0")/.." && pwd)/target/release/evident}
ROUNDS=${3:-3}
SITE=$(cd "$SITE" && pwd)
OUT=$(dirname "$SITE")
cd "$SITE"

timed() {
    /usr/bin/time -f "%e s %U user %S sys %M KB" "$BIN" build -q --as-of 2026-12-06 "$@" 2>&1 >/dev/null | tail -1
}

mapfile -t articles < <(find content -name '*.md' | sort)
# Originals are kept outside the site: a file added under content/ is an input of every
# article's parse (an image it could embed).
backup=$(mktemp -d)
restore() {
    (cd "$backup" && find . -type f) | while read -r file; do cp "$backup/$file" "$SITE/$file"; done
    rm -rf "$backup"
}
trap restore EXIT

rm -rf .evident/cache "$OUT/warm-out"
echo "cold (empty cache)   $(timed --out "$OUT/warm-out")"
for round in $(seq 1 "$ROUNDS"); do
    file=${articles[$((round * 997 % ${#articles[@]}))]}
    mkdir -p "$backup/$(dirname "$file")"
    [ -f "$backup/$file" ] || cp "$file" "$backup/$file"
    if [ "${EDIT:-question}" = body ]; then
        # A word of the body's first list item, below the answer: what most edits are.
        perl -0pi -e 's/(\n---\n.*?\n- \S+) /$1 edited /s' "$file"
    else
        # The first "the" of the file, in its question, becomes "the edited".
        sed -i "0,/ the /s// the edited /" "$file"
    fi
    rm -rf "$OUT/clean-out"
    echo "round $round: clean     $(timed --no-cache --out "$OUT/clean-out")"
    echo "round $round: one edit  $(timed --out "$OUT/warm-out")"
    if ! diff -r "$OUT/clean-out" "$OUT/warm-out" >/dev/null; then
        echo "round $round: the warm build's output differs from the clean build's" >&2
        exit 1
    fi
done
echo "outputs identical in every round"
