import pytest


@pytest.fixture(autouse=True)
def audit_checkpoints(settings, tmp_path):
    """Each test keeps its own checkpoint file: one left by the developer's database would not match the test's."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit"
    return settings.AUDIT_CHECKPOINT_DIR
