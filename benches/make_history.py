"""Makes a git history for a generated corpus: one initial commit, then COMMITS commits
that each change PER articles (a number in the body, and the version bumped)."""
import os, random, re, subprocess, sys
root, commits, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="b@e", GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="b@e")
def git(*args, date=None):
    e = dict(env)
    if date: e["GIT_AUTHOR_DATE"] = e["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", "-C", root, *args], check=True, env=e, stdout=subprocess.DEVNULL)
open(os.path.join(root, ".gitignore"), "w").write("/public/\n/.evident/\n")
git("init", "-q")
git("add", "-A"); git("commit", "-q", "-m", "Initial corpus", date="2025-01-01T00:00:00Z")
files = []
for d, _, fs in os.walk(os.path.join(root, "content")):
    files += [os.path.join(d, f) for f in fs if f.endswith(".md") and "/pages/" not in d]
files.sort()
rng = random.Random(7)
for n in range(commits):
    for path in rng.sample(files, per):
        text = open(path).read()
        text = re.sub(r"^version: (\d+)$", lambda m: f"version: {int(m.group(1)) + 1}", text, count=1, flags=re.M)
        text = text.rstrip("\n") + f"\n\n- Revised dosing note {n}: {rng.randint(1, 500)} mg.\n"
        open(path, "w").write(text)
    git("commit", "-q", "-a", "-m", f"Revision {n}", date=f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T12:00:00Z")
    if n == commits // 2:
        git("tag", "edition-2025")
