"""Run the benchmarks: python -m bench [foundation|proposals|photos|volunteering …] (or all)."""

import sys

from bench import foundation, photos, proposals, volunteering

BENCHMARKS = {
    "foundation": foundation.main,
    "proposals": proposals.main,
    "photos": photos.main,
    "volunteering": volunteering.main,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"Unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in names:
        BENCHMARKS[name]()
