"""The demo's timeline: steps planned at moments, then run in time order under the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from communa.demo.context import DemoContext


@dataclass
class Planned:
    """Something a step will create: the row, once the step that makes it has run."""

    key: str
    row: Any = None

    def get(self) -> Any:
        if self.row is None:
            raise LookupError(f"{self.key} is used before the step that makes it ran")
        return self.row


@dataclass(order=True)
class Step:
    """One action at one moment; ties keep the order in which they were planned."""

    moment: datetime
    order: int
    run: Callable[[], Any] = field(compare=False)


class Timeline:
    """The steps of the demo's history, planned out of order and run in order of time."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def add(self, moment: datetime, run: Callable[[], Any]) -> None:
        self.steps.append(Step(moment, len(self.steps), run))

    def run(self, ctx: DemoContext) -> None:
        """Run every step with the clock at its moment, earliest first."""
        for step in sorted(self.steps):
            ctx.at(step.moment)
            try:
                step.run()
            except Exception as exc:
                exc.add_note(f"demo step {step.run.__qualname__} at {step.moment.isoformat()}")
                raise
        ctx.at(ctx.now)
        self.steps.clear()
