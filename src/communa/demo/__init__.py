"""The demo: a kitchenware brand's communities with 90 days of history, made through the actions.

What the demo shows lives in data files (`data/*.json`): the people (`people.json`), the
communities and who joins them (`communities.json`), what is written on the walls
(`posts.json`, `comments.json`), the boards (`boards.json`: discussions, documents, albums)
and the rhythm and scripted moments of the timeline (`timeline.json`). The code here only
plans and acts: every row is written by the apps' own actions (`accounts.actions`,
`communities.actions`, `walls.actions.*`, the moderation queue's decisions), as the demo's
people, so permissions, checks, counters, audit entries and events apply as they do for anyone.

The timeline. Actions stamp their rows with "now". The loader first plans the whole history in
memory as steps at moments (`timeline.Timeline`), then runs them in order of time with a
controlled clock (`clock.DemoClock`) set to each step's moment: `timezone.now()`,
`auto_now_add` and `default=timezone.now` all read it while the demo loads, and nothing is
restamped afterwards. The clock never runs past the load's `now`.

Relaxed while loading (`context.relaxed_limits`): the demo's people act far faster than people
can, so the write limits per hour and the checks that watch new accounts (bursts, repeated
texts) are switched off, and passwords are hashed with cheap Argon2 costs (rehashed with the
full costs at a person's first log-in). Everything else applies as usual.

Pictures (covers, avatars, post images, album photos) are drawn with Pillow at load time
(`images`); no file is downloaded or bundled. Loading again reuses what is there.
"""

from communa.demo.context import DemoContext, DemoLogin
from communa.demo.loader import load_demo

__all__ = ["DemoContext", "DemoLogin", "load_demo"]
