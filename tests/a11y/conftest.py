"""The front end's tests walk pages of every app: they reuse the apps' own fixtures for the data they show."""
from tests.bridges.conftest import commune_point, province_points  # noqa: F401
from tests.intake.conftest import board_matter, citizen_data, communes, household, matter_data  # noqa: F401
from tests.live.conftest import make_session  # noqa: F401
from tests.scheduling.conftest import sessions, today  # noqa: F401
