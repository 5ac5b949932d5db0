"""The decisions of one request, decided in one generated function.

`Rulebook._decide_all` is the definition: for each decision of the plan (in dependency
order) the fast variant, the three-valued one when a fact is missing, the no-value and
outside-series answers, the missing facts of a dependency named, and what a reader sees
written into the facts. This module writes that loop out for one plan, untraced and by
segments (the common request), with each step's flags resolved when it is generated, so
a case pays for the decisions it asks and nothing for the loop. The property tests
compare the two (tests/engine/test_runner.py).
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

__all__ = ["make_runner"]


def make_runner(steps: tuple, narrow: tuple[str, ...] | None,
                helpers: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """`run(F, on, month, W) -> results` for `steps` (id, compiled, decision, reads
    others, read by others); `narrow` is the ids to report, in order, when the plan
    decides more (or in another order) than was asked."""
    g: dict[str, Any] = dict(helpers)
    lines = ["def run(F, on, month, W):", "    R = {}"]
    if any(d.per == "month" for _, _, d, _, _ in steps):  # only they read period_start
        g["DATE"] = _dt.date
        lines.append("    ms = month or DATE(on.year, on.month, 1)")
    else:
        lines.append("    ms = month")
    for k, (i, c, d, reads, read) in enumerate(steps):
        g[f"F{k}"], g[f"T{k}"], g[f"D{k}"] = c.fast, c.three, d
        lines += [
            "    try:",
            "        try:",
            f"            r = F{k}(F, {{'on': on, 'period_start': ms}}, W, None, False)",
            "        except REINTERPRET:",
            f"            r = T{k}(F, {{'on': on, 'period_start': ms}}, W, None, False)",
            "    except NoValue as e:",
            f"        r = NO_VALUE(D{k}, R[e.decision], None)",
            "    except OutsideSeries as e:",
            f"        r = OUTSIDE(D{k}, e, None)",
            "    except ARITHMETIC as e:",
            f"        raise OUT_OF_SCALE(D{k}, e) from None",
        ]
        if reads:
            lines += ["    if r[7]:", "        r = NAME_MISSING(r, R)"]
        lines.append(f"    R[{i!r}] = r")
        if read:
            lines += [
                "    s = r[1]",
                "    if s != 'undetermined':",
                f"        F[{'status:' + i!r}] = s",
                "        if s in VALUED:",
                f"            F[{i!r}] = r[3]",
                "            if r[4]:",
                f"                F[{'currency:' + i!r}] = r[4]",
                "        else:",
                f"            F[{i!r}] = NOVALUE",
            ]
    if narrow is not None:
        lines.append("    return {" + ", ".join(f"{i!r}: R[{i!r}]" for i in narrow) + "}")
    else:
        lines.append("    return R")
    exec(compile("\n".join(lines), "<plan runner>", "exec"), g)  # noqa: S102 - generated here
    return g["run"]  # type: ignore[no-any-return]
