# Gives every article of a generated site a `## Notes` section of 17 uncited bullets
# (the corpus of BENCHMARKS.md's "Findings at scale" runs).
import os, sys
root = sys.argv[1]
for dirpath, _, files in os.walk(os.path.join(root, "content")):
    if os.path.basename(dirpath) == "pages":
        continue
    for name in files:
        if not name.endswith(".md"):
            continue
        path = os.path.join(dirpath, name)
        with open(path, "a") as f:
            f.write("\n## Notes\n\n")
            for n in range(1, 18):
                f.write(f"- Note {n}: a statement about dosing and monitoring that cites no source at all.\n")
