"""DataFrames of logcodes that show themselves in a notebook: ``Summary.quantiles()`` returns a
:class:`QuantileTable`, a pandas DataFrame in every other respect (imported only when pandas is)."""

from __future__ import annotations

from typing import Any

import pandas as pd  # type: ignore[import-untyped,unused-ignore]

__all__ = ["QuantileTable"]


def _duration(seconds: Any) -> str:
    if seconds != seconds:   # NaN: no duration in that group
        return "-"
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.2f} s"


class QuantileTable(pd.DataFrame):  # type: ignore[misc,unused-ignore]
    """Quantiles per group (a pandas DataFrame: every method, slice and pickle works as usual). In a notebook,
    durations show with their unit and long group values are cut, the whole value on hover."""

    @property
    def _constructor(self) -> Any:
        return QuantileTable

    def _repr_html_(self) -> str:
        from . import _show, _svg

        quantiles = [c for c in self.columns if isinstance(c, str) and c.startswith("p") and c[1:2].isdigit()]
        rows = []
        for rec in self.head(_show.HTML_ROWS).itertuples(index=False):
            cells = []
            for column, value in zip(self.columns, rec):
                if column in quantiles:
                    cells.append(_duration(float(value)))
                elif column == "count":
                    cells.append(f"{int(value):,}")
                else:
                    cells.append(_show._cell(value))
            rows.append(cells)
        more = len(self) - len(rows)
        tail = f"<p>… {more:,} more rows</p>" if more > 0 else ""
        return (f"<div class='logcodes-quantiles'><p><b>quantiles</b> of the duration, {len(self):,} rows</p>"
                f"{_svg.table([str(c) for c in self.columns], rows, cut=_show.HTML_CELL)}{tail}</div>")
