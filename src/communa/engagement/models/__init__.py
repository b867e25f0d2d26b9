"""Engagement's rows, one module per feature."""

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
