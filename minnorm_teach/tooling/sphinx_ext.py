"""Sphinx hooks of the course website (``book.yml``: ``extra_extensions``).

- Exercises and numbered equations are numbered per chapter, in page order: the second
  exercise of chapter 03 is "Exercise 3.2", its first labelled equation "(3.1)". JupyterLab
  (jupyterlab-myst, with the numbering cell that ``python -m minnorm_teach normalise``
  inserts) and the exercise checks use the same numbers.
- Collapsed solution code cells (tags ``solution`` + ``hide-input``) read "Solution".
- ``# BEGIN SOLUTION`` / ``# END SOLUTION`` marker lines are not shown.
- Repeated ``<script>`` entries are dropped (sphinx-thebe adds its config twice).
"""

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

__all__ = ["chapter_number", "renumber_per_chapter", "setup"]

NUMBERED_PER_CHAPTER = ("exercise", "displaymath")
SOLUTION_PROMPT = ("Solution", "Hide solution")
_CHAPTER = re.compile(r"(?:^|/)(\d\d)_[^/]+$")


def chapter_number(docname):
    """``'course/03_tikhonov'`` -> 3; ``None`` for pages that are not chapters."""
    match = _CHAPTER.search(docname)
    return int(match.group(1)) if match else None


def renumber_per_chapter(toc_fignumbers):
    """Number exercises and equations (chapter, k), k = 1, 2, ... in page order.

    ``toc_fignumbers`` is Sphinx's ``{docname: {figtype: {node id: number tuple}}}``, filled
    in page order; pages that are not chapters are numbered (k,) on their own.
    """
    for docname, by_type in toc_fignumbers.items():
        chapter = chapter_number(docname)
        for figtype in NUMBERED_PER_CHAPTER:
            ids = by_type.get(figtype, {})
            for k, node_id in enumerate(ids, start=1):
                ids[node_id] = (k,) if chapter is None else (chapter, k)
    return toc_fignumbers


def _renumber(app, env):
    """env-get-updated, after Sphinx has assigned its book-wide numbers."""
    renumber_per_chapter(env.toc_fignumbers)
    return []


class LabelSolutionToggles(SphinxPostTransform):
    """Collapsed solution cells say "Solution", not "Show code cell source" (runs just
    before myst-nb's HideInputCells, priority 199, which builds the toggle)."""

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs):
        for node in self.document.findall(nodes.container):
            tags = (node.get("cell_metadata") or {}).get("tags", ())
            if node.get("nb_element") == "cell_code" and node.get("hide_mode") and \
                    "solution" in tags:
                node["prompt_show"], node["prompt_hide"] = SOLUTION_PROMPT


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated <script> entries (sphinx-thebe adds its `const` config twice, which is a
    SyntaxError in the browser's console)."""
    seen, kept = set(), []
    for script in context.get("script_files", ()):
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(getattr(script, "filename", script) or ""), attributes.get("body"))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def _hide_solution_markers(app, doctree, docname):
    """Drop the ``# BEGIN SOLUTION`` / ``# END SOLUTION`` marker lines from code shown in the
    book (they are for the student-notebook generator, not for the reader)."""
    markers = re.compile(r"^[ \t]*# (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if "# BEGIN SOLUTION" in text:
            cleaned = markers.sub("", text)
            block.children = [nodes.Text(cleaned)]
            block.rawsource = cleaned


def setup(app):
    """Register the hooks."""
    app.connect("env-get-updated", _renumber, priority=900)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("doctree-resolved", _hide_solution_markers)
    app.add_post_transform(LabelSolutionToggles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
