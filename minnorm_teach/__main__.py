"""``python -m minnorm_teach``: the course's command line (minnorm_teach.tooling.cli)."""
from minnorm_teach.tooling.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
