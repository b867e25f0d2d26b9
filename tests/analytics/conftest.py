import pytest


@pytest.fixture(autouse=True)
def _rollups_without_settling(request, settings):
    """Rollups read every committed id at once: the settle time guards against transactions
    that commit out of order, which a test in one transaction does not have. Tests marked
    `settling` keep it."""
    if request.node.get_closest_marker("settling"):
        return
    settings.COMMUNA = {**settings.COMMUNA, "ROLLUP_SETTLE_SECONDS": 0}
