"""The notation table: one meaning per code name, rendered for chapter 00 and the book."""

import pytest

from minnorm_teach.notation import NOTATION, notation_table, symbol


def test_code_names_are_unique():
    codes = [row.code for row in NOTATION]
    assert len(codes) == len(set(codes))


def test_style_guide_symbols_are_defined():
    for code in ("L", "b", "j", "G", "C", "P", "W", "R", "K", "lambda2", "eps", "gamma",
                 "alpha", "nave"):
        assert symbol(code).meaning


def test_unknown_symbol_names_the_known_ones():
    with pytest.raises(KeyError, match="known: n_channels, n_sources, b, L, j"):
        symbol("M")


def test_table_renders_every_row():
    table = notation_table()
    assert table.count("\n") == len(NOTATION) + 1
    assert "`inv['whitener']`" in table
