"""Engagement's rows, one module per feature."""

from communa.engagement.models.contests import (  # noqa: F401
    Contest,
    ContestCorrection,
    ContestEntry,
    ContestKind,
    ContestState,
    ContestVote,
    ContestWinner,
    CorrectableField,
    DrawSource,
    VoteScope,
)
from communa.engagement.models.forms import (  # noqa: F401
    AnswerMode,
    FieldKind,
    Form,
    FormAnswer,
    FormField,
    FormKind,
    FormResponse,
    FormState,
    ResponseStatus,
)
from communa.engagement.models.guides import (  # noqa: F401
    Guide,
    GuideModule,
    GuideProgress,
    GuideStep,
    GuideStepDone,
)
from communa.engagement.models.polls import (  # noqa: F401
    Ballot,
    BallotChoice,
    Poll,
    PollOption,
    PollState,
    ResultsShown,
)
from communa.engagement.models.recognition import (  # noqa: F401
    BadgeKind,
    BadgeRule,
    Contribution,
    Leader,
    MemberBadge,
    MonthlyLeaders,
    RecognitionSettings,
    RuleScope,
)
