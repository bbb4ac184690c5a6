import pytest


@pytest.fixture
def province_points(demo, official):
    """Lạng Sơn's registry as the demo builds it (Central, province, departments, every commune)."""
    from tiepdan.bridges import demo as bridges_demo

    bridges_demo.seed(demo)
    return demo


@pytest.fixture
def commune_point(province_points):
    from tiepdan.bridges.selectors import commune_point_for

    return commune_point_for(province_points["commune"].unit)
