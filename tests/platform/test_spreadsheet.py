"""CSV exports neutralise spreadsheet formulas (probe of issue #21)."""

import csv
import io

from dansmarue.platform.spreadsheet import safe_cell
from dansmarue.stats import opendata


def test_formula_cells_become_text_and_numbers_stay_numbers():
    for attack in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"):
        assert safe_cell(attack) == "'" + attack
    assert safe_cell(-3) == -3 and safe_cell(None) is None and safe_cell("rue de Rivoli") == "rue de Rivoli"


def test_the_open_data_stream_writes_neutralised_cells():
    lines = "".join(opendata.csv_lines(["id", "adresse"], [(1, "=cmd|' /C calc'!A0")]))
    rows = list(csv.reader(io.StringIO(lines), delimiter=";"))
    assert rows[1] == ["1", "'=cmd|' /C calc'!A0"]
