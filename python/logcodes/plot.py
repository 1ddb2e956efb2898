"""``Summary.plot``: matplotlib pictures of a summary (matplotlib is imported only when plotting)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ._svg import color_for

if TYPE_CHECKING:  # pragma: no cover
    from .summary import Summary

__all__ = ["plot", "KINDS"]

KINDS = ("timeline", "top_paths", "causes")


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("Summary.plot() needs matplotlib: pip install 'logcodes[plot]' (or matplotlib)") from e
    return plt


def _split_dim(summary: "Summary") -> Optional[str]:
    for d in ("class", "code"):
        if d in summary.dims:
            return d
    return None


def plot(summary: "Summary", kind: str = "timeline", *, ax: Any = None, n: int = 10, by: Optional[str] = None) -> Any:
    """Draws ``kind`` on ``ax`` (a new figure when None) and returns the axes.

    * ``"timeline"``: counts over time as stacked areas, one per class (or ``by``: code, cause ...);
      needs a summary grouped by time.
    * ``"top_paths"``: the ``n`` paths with most records, bars split by class; needs ``path``
      (or ``path_raw``) in the summary, or ``scan(..., top=("path", size))``.
    * ``"causes"``: records per cause, largest first; needs ``cause`` in the summary.
    """
    if kind not in KINDS:
        raise ValueError(f"plot kind must be one of {', '.join(KINDS)}, not {kind!r}")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    if kind == "timeline":
        split = by if by is not None else _split_dim(summary)
        table = summary.timeline(by=split)
        if table.empty:
            raise ValueError("nothing to plot: no record in this summary has a time")
        labels = [str(c) for c in table.columns]
        ax.stackplot(table.index.to_pydatetime(), *(table[c].to_numpy() for c in table.columns), labels=labels,
                     colors=[color_for(c, i) for i, c in enumerate(labels)], alpha=0.9)
        ax.set_ylabel(f"records per {summary.time_bucket}s bucket" if summary.time_bucket else "records")
        ax.set_title("Response codes over time")
        ax.legend(loc="upper left", fontsize="small")
        ax.figure.autofmt_xdate()
    elif kind == "top_paths":
        path_dim = next((d for d in ("path", "path_raw") if d in summary.dims), "path")
        top = summary.top(path_dim, n)
        paths = [str(v) for v, _ in top][::-1]
        split = _split_dim(summary) if path_dim in summary.dims else None
        if split is None:
            ax.barh(paths, [c for _, c in top][::-1], color="#4e79a7")
        else:
            split_counts = summary.counts(path_dim, split)
            values = sorted({k[1] for k in split_counts}, key=str)
            left = [0] * len(paths)
            for i, v in enumerate(values):
                widths = [split_counts.get((p if p != "None" else None, v), 0) for p in paths]
                ax.barh(paths, widths, left=left, label=str(v), color=color_for(v, i))
                left = [a + b for a, b in zip(left, widths)]
            ax.legend(loc="lower right", fontsize="small")
        for y, (_, total) in enumerate(list(top)[::-1]):   # the number at the end of each bar
            ax.annotate(f"{total:,}", (total, y), xytext=(3, 0), textcoords="offset points", va="center")
        ax.margins(x=0.12)
        ax.set_xlabel("records" + ("" if top.exact else f" (approximate, ± {top.error:,})"))
        ax.set_title(f"Top {len(paths)} paths")
    else:
        if "cause" not in summary.dims:
            raise ValueError("plot('causes') needs a summary grouped by cause: scan with by=('code', 'cause')")
        # Records without a cause (the successes, and errors nothing explained) are no cause: left out.
        counts: Dict[Any, int] = {k: v for k, v in summary.counts("cause").items() if k is not None}
        if not counts:
            raise ValueError("nothing to plot: no record in this summary has a cause (scan with errors=...)")
        items: List[Any] = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n][::-1]
        bars = ax.barh([str(k) for k, _ in items], [v for _, v in items],
                       color=[color_for(k, i) for i, (k, _) in enumerate(items)])
        ax.bar_label(bars, labels=[f"{v:,}" for _, v in items], padding=3)
        ax.set_xlabel("records with a cause")
        ax.set_title("Causes")
    return ax
