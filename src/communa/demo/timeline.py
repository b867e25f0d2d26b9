"""The demo's timeline: steps planned at moments, then run in time order under the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from communa.core.errors import DomainError
from communa.demo.context import DemoContext


class NotMade(LookupError):
    """A step needs a row that an earlier, skipped step did not make."""


@dataclass
class Planned:
    """Something a step will create: the row, once the step that makes it has run."""

    key: str
    row: Any = None

    def get(self) -> Any:
        if self.row is None:
            raise NotMade(f"{self.key} was not made")
        return self.row


@dataclass(order=True)
class Step:
    """One action at one moment; ties keep the order in which they were planned."""

    moment: datetime
    order: int
    run: Callable[..., Any] = field(compare=False)
    optional: bool = field(default=False, compare=False)


class Timeline:
    """The steps of the demo's history, planned out of order and run in order of time."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def add(self, moment: datetime, run: Callable[..., Any], *, optional: bool = False) -> None:
        """Plan a step; an optional one (a reader's reaction) may be refused by the rules."""
        self.steps.append(Step(moment, len(self.steps), run, optional))

    def run(self, ctx: DemoContext) -> None:
        """Run every step with the clock at its moment, earliest first.

        A reader's reaction that the rules refuse when its moment comes (say the post was held
        or removed meanwhile) is skipped, as the site would refuse it, and noted in
        `ctx.skipped`; any other refusal stops the load.
        """
        for step in sorted(self.steps):
            ctx.at(step.moment)
            try:
                step.run()
            except (DomainError, NotMade) as exc:
                if not step.optional:
                    exc.add_note(f"demo step {step.run.__qualname__} at {step.moment.isoformat()}")
                    raise
                ctx.skipped.append(f"{step.run.__qualname__}: {exc}")
            except Exception as exc:
                exc.add_note(f"demo step {step.run.__qualname__} at {step.moment.isoformat()}")
                raise
        ctx.at(ctx.now)
        self.steps.clear()
