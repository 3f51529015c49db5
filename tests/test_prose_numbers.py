"""Numbers in prose: a figure quoted in Markdown is produced by the computation of its chapter.

A chapter quotes a measurement only if the notebook produces it: printed by a cell, inserted
by one (``minnorm_teach.check.say``), or asserted by a check whose verdict line prints it. So a
number left over from other data or an older run ("Explained 66.0% variance" while the
notebook prints 75.9 %) fails here.

What is checked: in each Markdown cell, every **quoted measurement**

- a number with a decimal point (``0.1099``, ``66.0``),
- a percentage (``75.9 %``, ``12%``),
- a number with a unit of :data:`UNITS` (``27 mm``, ``90 ms``, ``41.5 nAm``),
- a power of ten (``3×10⁷``, ``1e-10``), an order of magnitude (``10¹⁴``, within a factor
  sqrt(10)), and a number after ``≈``/``\\approx``/``\\sim`` in math,

must appear in the notebook's text outputs (stream, ``text/plain``, ``text/markdown``) at the
precision quoted (``75.9 %`` matches ``75.94`` and the fraction ``0.7594``), or be a numeral of
the source of one of its code cells (a value the code sets and the text states: ``depth=0.8``,
``0.5e-6`` for "0.5 µV" ...).

The allowed exceptions, not checked:

1. **math**: numbers inside ``$...$`` and ``$$...$$`` (constants of the math: ``1/9``, ``0.5``,
   exponents), except those after an approximation sign and a power of ten alone in its
   inline math (``$10^{16}$``, ``$7\times10^4$``): those are quoted magnitudes;
2. **code**: inline ``code`` spans and fenced blocks (arguments such as ``loose=0.2``);
3. **references**: equation labels and roles (``{eq}`...```, ``(eq-03-cost)``), links,
   URLs, arXiv identifiers and DOIs, directive options (``:label:``, ``:width: 80%``), HTML
   comments, heading numbers, and a number right after ``chapter``/``ch``/``§``/
   ``section``/``exercise``/``figure``/``table``/``equation``/``step``/``FAQ``/``appendix``
   ("Exercise 3.2", "§2.6", "chapter 05");
4. **versions**: a number after ``version``/``v`` or a software name (``MNE-Python 1.13.2``,
   ``Python 3.11``, ``MNE 0.20``);
5. **literature**: every number of a sentence that cites (``{cite}``, ``{cite:p}``, ``{cite:t}``).

The chapters quote numbers that they do not produce today (issue 13): they are listed in
``XFAIL`` (strict: a chapter that passes must leave the list), shrunk by the chapter rounds.
"""

import math
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent

# chapter -> what it quotes without producing it (issue 13); remove a chapter when it passes
XFAIL = {
}

UNITS = (r"mm|cm|µm|um|ms|s|min|Hz|kHz|nAm|nA·m|µAm|pAm|Am|A·m|fT/cm|fT|pT|nT|T/m|T|µV|uV|mV|V|"
         r"dB|°|degrees|seconds|minutes|MB|GB")
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_NUM = r"\d+(?:\.\d+)?"
_POWER = rf"(?P<mant>{_NUM})\s*(?:×|x|\\times)\s*10\^?\{{?(?P<exp>[-−⁻]?[\d⁰¹²³⁴⁵⁶⁷⁸⁹]+)\}}?"
_BARE = r"10(?:\^\{?(?P<bare>[-−]?\d+)\}?|(?P<sup>⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))"
_QUOTED = re.compile(
    rf"(?<![\w.])(?:{_POWER}"
    rf"|{_BARE}"
    rf"|(?P<sci>{_NUM}e[-+]?\d+)"
    rf"|(?P<pct>{_NUM})\s?%"
    rf"|(?P<unit>{_NUM})[\s ]?(?:{UNITS})(?![\w/])"
    rf"|(?P<dec>\d+\.\d+))")
_REFERENCE = re.compile(
    r"(?:chapters?|ch\.?|§|sections?|exercises?|figures?|fig\.|tables?|equations?|eq\.|"
    r"steps?|FAQ|appendix|version|v|MNE-Python|MNE|Python|NumPy|SciPy|nbgrader|JupyterLab|"
    r"Jupyter Book|Brainstorm|FieldTrip|Octave|MATLAB|Sphinx)\s*$", re.I)
_APPROX = re.compile(r"(?:≈|\\approx|\\sim)\s*(.*)$", re.S)
_CITE = re.compile(r"\{cite(?::\w+)?\}")


class Quote:
    """A quoted measurement: its text, value and the half-width of its last digit (an order
    of magnitude, ``10¹⁴``, matches within a factor sqrt(10))."""

    def __init__(self, text, value, half_step, percent=False, order=False):
        self.text, self.value, self.half_step, self.percent = text, value, half_step, percent
        self.order = order

    def matches(self, produced):
        if self.order:
            return produced != 0 and abs(math.log10(abs(produced)) - math.log10(self.value)) <= 0.5
        candidates = [produced, produced * 100] if self.percent else [produced]
        return any(abs(abs(c) - self.value) <= self.half_step * (1 + 1e-9) for c in candidates)


def _decimals(numeral):
    return len(numeral.split(".")[1]) if "." in numeral else 0


def _quote(match):
    text = match.group(0)
    if match.group("bare") or match.group("sup"):
        exp = (match.group("bare") or match.group("sup")).translate(_SUP).replace("−", "-")
        return Quote(text, 10.0 ** int(exp), 0.0, order=True)
    if match.group("mant"):
        mant, exp = match.group("mant"), int(match.group("exp").translate(_SUP).replace("−", "-"))
        return Quote(text, float(mant) * 10.0 ** exp, 0.5 * 10.0 ** (exp - _decimals(mant)))
    if match.group("sci"):
        mant, exp = match.group("sci").split("e")
        return Quote(text, float(match.group("sci")), 0.5 * 10.0 ** (int(exp) - _decimals(mant)))
    numeral = match.group("pct") or match.group("unit") or match.group("dec")
    return Quote(text, float(numeral), 0.5 * 10.0 ** -_decimals(numeral),
                 percent=bool(match.group("pct")))


def _strip(markdown):
    """The Markdown without the exceptions 2 and 3 (math is handled by quoted_numbers)."""
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = re.sub(r"^(```|~~~).*?^\1", " ", text, flags=re.S | re.M)        # fenced code
    text = re.sub(r"\{[a-z][\w:-]*\}`[^`\n]*`", " ", text)                    # roles
    text = re.sub(r"`[^`\n]*`", " ", text)                                   # code
    text = re.sub(r"\]\([^)]*\)", "]", text)                                 # link targets
    text = re.sub(r"https?://\S+|\b(?:arXiv|doi):\s*\S+|\b10\.\d{4,}/\S+", " ", text)
    text = re.sub(r"\((?:eq|fig|ex|sec)-[\w-]+\)", " ", text)                # equation labels
    text = re.sub(r"^\s*:[\w-]+:.*$", " ", text, flags=re.M)                 # options
    return re.sub(r"^#+\s*[\d.]+", "#", text, flags=re.M)                   # heading numbers


def _math_spans(text):
    return list(re.finditer(r"\$\$.*?\$\$|\$[^$\n]+\$", text, flags=re.S))


def quoted_numbers(markdown):
    """The quoted measurements of one Markdown cell (the exceptions left out)."""
    quotes = []
    for sentence in re.split(r"(?<=[.!?:])\s+(?=[A-Z$*(])|\n\s*\n", markdown):
        if _CITE.search(sentence):
            continue                                                         # literature
        text = _strip(sentence)
        for span in _math_spans(text):
            approx = _APPROX.search(span.group(0))
            alone = _QUOTED.fullmatch(span.group(0).strip("$ "))
            if approx:
                quotes += [_quote(m) for m in _QUOTED.finditer(approx.group(1))]
            elif alone and (alone.group("mant") or alone.group("bare")):
                quotes.append(_quote(alone))                    # "$10^{16}$ times larger"
        prose = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", " ", text, flags=re.S)
        for match in _QUOTED.finditer(prose):
            if not _REFERENCE.search(prose[:match.start()]):
                quotes.append(_quote(match))
    return quotes


def produced_numbers(nb):
    """Every number in the text outputs of the notebook, and every numeral of its code."""
    texts, numerals = [], []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts.append(cell.source)
        numerals += re.findall(r"\d+(?:\.\d+)?", cell.source)        # 0.5 of 0.5e-6
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            data = output.get("data", {})
            texts += [data.get("text/plain", ""), data.get("text/markdown", "")]
    found = re.findall(r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", "\n".join(map(str, texts)))
    return sorted({float(n) for n in found + numerals})


def unproduced(nb):
    """The quoted measurements of the Markdown cells that the notebook does not produce."""
    produced = produced_numbers(nb)
    missing = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            missing += [f"cell {index}: {q.text!r}" for q in quoted_numbers(cell.source)
                        if not any(q.matches(p) for p in produced)]
    return missing


# --------------------------------------------------------------- the rule, on small notes

def _nb(markdown, printed="", code="x = 1"):
    cell = new_code_cell(code, outputs=[new_output("stream", name="stdout", text=printed)])
    return new_notebook(cells=[new_markdown_cell(markdown), cell])


@pytest.mark.parametrize("markdown, printed, missing", [
    ("MNE explained 66.0% of the variance.", "Explained 75.9% variance", ["'66.0%'"]),
    ("It explains 75.9 % of the variance.", "explained variance 75.94 %", []),
    ("It explains 76 % of the variance.", "explained variance: 0.7594", []),
    ("Peaks move 11 mm outwards and 6.5 mm inwards.", "11.2 mm, 6.47 mm", []),
    ("Row norms differ by about 3×10⁷.", "ratio 2.9e+07", []),
    ("Row norms differ by about 3×10⁷.", "ratio 2.4e+07", ["'3×10⁷'"]),
    ("The peak is $s_1 \\approx 2\\times10^{7}$ times larger.", "2.1e7", []),
    ("The peak is $s_1 \\approx 4.5$ times larger.", "2.1e7", ["'4.5'"]),
    ("The gap is 0.1099 here.", "", ["'0.1099'"]),
    ("Volts are 10⁵ times teslas.", "s1(EEG)/s1(mag) = 2.1e+07", ["'10⁵'"]),
    ("Volts are 10⁷ times teslas.", "s1(EEG)/s1(mag) = 2.1e+07", []),
    ("Volts are $10^{5}$ times teslas.", "s1(EEG)/s1(mag) = 2.1e+07", ["'10^{5}'"]),
    ("Volts are $2\\times 10^{7}$ times teslas.", "ratio 2.1e+07", []),
])
def test_quoted_measurements_must_be_produced(markdown, printed, missing):
    assert [m.split(": ", 1)[1] for m in unproduced(_nb(markdown, printed))] == missing


@pytest.mark.parametrize("markdown", [
    "With $\\lambda^2 = 1/9$ and $\\varepsilon = 0.5$, see {eq}`eq-03-cost` and (eq-03-cost).",
    "Call `apply_inverse(evoked, inv, lambda2=0.111, method='dSPM')` with `loose=0.2`.",
    "```python\nx = 0.25\n```",
    "MNE-Python 1.13.2 on Python 3.11; since MNE 0.20 eLORETA returns A·m.",
    "See chapter 05, §2.6 and Exercise 3.2, then section 4.1 and Figure 2.1.",
    "Lin et al. found 2–5 for EEG and 0.3 for MEG {cite:p}`lin2006`.",
    "## 3.2 Depth weighting\n\nText.",
    ":::{figure} a.png\n:width: 80%\n:::",
    "[the manual](https://mne.tools/1.13/manual.html) <!-- 42.0 -->",
    "We simulate 60 trials on 1,284 sources with 306 channels.",
    "The noise is about 0.5 µV per channel.",
])
def test_the_exceptions_are_not_checked(markdown):
    assert unproduced(_nb(markdown, "", code="sigma_n = 0.5e-6")) == []


def test_say_output_counts_as_produced():
    nb = _nb("Below, the share of the true source:", "")
    nb.cells[1].outputs = [new_output("display_data", data={
        "text/markdown": "The estimate puts 13.8% of its sum on the true source."})]
    nb.cells.append(new_markdown_cell("So 13.8% is on the true source."))
    assert unproduced(nb) == []


# ------------------------------------------------------------------------- the chapters

def _notebooks():
    chapters = sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb"))
    return chapters + sorted((ROOT / "tests" / "fixtures" / "course").glob("*.ipynb"))


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_numbers_in_prose_are_produced_by_the_chapter(path, request):
    if path.name in XFAIL:
        request.applymarker(pytest.mark.xfail(strict=True, reason=XFAIL[path.name]))
    missing = unproduced(nbformat.read(path, as_version=4))
    assert not missing, (f"{path.name} quotes numbers it does not produce (print them, "
                         "insert them with minnorm_teach.check.say, or check them):\n"
                         + "\n".join(missing))
