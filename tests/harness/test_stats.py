import pytest

from harness.stats import percentile


def test_percentile_interpolates_between_ranks_on_a_0_to_100_scale() -> None:
    assert percentile([5.0], 99) == 5.0
    assert percentile([1, 2, 3, 4], 50) == 2.5
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile(values, 0) == 1.0 and percentile(values, 100) == 100.0


def test_percentile_ignores_order_and_has_no_figure_for_no_values() -> None:
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([], 50) is None
    assert percentile([], 99) is None


def test_percentile_refuses_a_share_instead_of_a_percent_scale_outside_0_100() -> None:
    with pytest.raises(ValueError):
        percentile([1.0], 101)
    with pytest.raises(ValueError):
        percentile([1.0], -1)
