"""Course tooling, apart from the math: command line, website, notebooks, student versions."""
