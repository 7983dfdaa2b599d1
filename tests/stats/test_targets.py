"""Target status and the low-sample flag."""

import numpy as np

from kundepuls.stats import low_sample, mean_t, target_status, wilson

NAN = float("nan")


def test_target_status_higher_is_better() -> None:
    status = target_status(
        value=[42, 35, 20, NAN, 31, 30, 4.0],
        low=[38, 28, 12, NAN, 30, 29, NAN],
        high=[46, 41, 27, NAN, 33, 30, NAN],
        target=30,
        higher_is_better=True,
    )
    assert status.tolist() == [
        "on_track",
        "uncertain",
        "off_track",
        "no_data",
        "on_track",  # the whole interval meets the target
        "uncertain",  # the interval touches the target from below
        "uncertain",  # a value without bounds (n = 1) cannot be judged
    ]


def test_target_status_lower_is_better_with_targets_per_group() -> None:
    status = target_status(
        value=[3.0, 9.0, 5.0, 5.0],
        low=[2.0, 7.0, 3.0, 3.0],
        high=[4.0, 11.0, 7.0, 7.0],
        target=[6.0, 6.0, 6.0, NAN],
        higher_is_better=False,
    )
    assert status.tolist() == ["on_track", "off_track", "uncertain", "no_data"]


def test_target_status_from_real_intervals() -> None:
    shares = wilson([400, 20, 0], [340, 17, 0])  # 85 %, 85 %, empty
    status = target_status(shares.value, shares.low, shares.high, 80, higher_is_better=True)
    assert status.tolist() == ["on_track", "uncertain", "no_data"]
    hours = mean_t([200, 200], [10.0, 13.0], [4.0, 4.0])
    status = target_status(hours.value, hours.low, hours.high, 12, higher_is_better=False)
    assert status.tolist() == ["on_track", "off_track"]


def test_low_sample() -> None:
    flags = low_sample(np.array([0, 29, 30, 31, NAN]), 30)
    assert flags.dtype == np.bool_
    assert flags.tolist() == [True, True, False, False, True]
    assert low_sample(5, 3).tolist() == [False]
