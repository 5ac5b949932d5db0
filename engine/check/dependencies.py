"""Decisions that read decisions: an order in which each follows those it reads."""
from __future__ import annotations

from typing import Callable, Mapping

from engine.errors import LoadError, Position
from engine.model import Decision
from engine.render.messages import Message

__all__ = ["dependency_order"]


def dependency_order(decisions: Mapping[str, Decision],
                     where: Callable[[str], Position]) -> tuple[tuple[str, ...], list[LoadError]]:
    """The decisions in dependency order, and an error for each cycle, at the first
    decision on it (`where` gives a decision's position), naming the whole cycle."""
    order: list[str] = []
    errors: list[LoadError] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in decisions:
        # an explicit stack: a long chain of decisions is no recursion limit
        stack: list[tuple[str, list[str], int]] = [(root, [], 0)]
        while stack:
            d, path, i = stack.pop()
            if i == 0:
                if state.get(d) == 2:
                    continue
                if state.get(d) == 1:
                    cycle = path[path.index(d):] + [d]
                    errors.append(LoadError(Message("decisions read each other in a cycle: "
                                                    "{cycle}", cycle=" -> ".join(cycle)),
                                            where(cycle[0]), "decisions"))
                    continue
                state[d] = 1
            deps = [x for x in decisions[d].depends if x in decisions]
            if i < len(deps):
                stack.append((d, path, i + 1))
                stack.append((deps[i], path + [d], 0))
            else:
                state[d] = 2
                order.append(d)
    return tuple(order), errors
