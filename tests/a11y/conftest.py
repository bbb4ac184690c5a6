"""The front end's tests walk pages of every app: they reuse the apps' own fixtures for a session and its points."""
from tests.bridges.conftest import commune_point, province_points  # noqa: F401
from tests.live.conftest import make_session  # noqa: F401
