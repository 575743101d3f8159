"""The results chart's geometry, without the app (quizapp.game.charts is plain Python)."""

import pytest

from quizapp.game.charts import (
    HEIGHT,
    MIN_BAR,
    PAD_TOP,
    WIDTH,
    bucket_bounds,
    bucket_index,
    score_histogram,
    short_number,
)


@pytest.mark.parametrize(
    ("score", "top", "expected"),
    [
        (0, 1000, 0),
        (99, 1000, 0),
        (100, 1000, 1),
        (999, 1000, 9),
        (1000, 1000, 9),  # the top score itself is in the last bucket
        (1200, 1000, 9),  # above the board's best (a score not on the board yet)
        (-5, 1000, 0),
        (500, 0, 0),  # an empty board or all zeros: everything in the first bucket
        (3, 7, 4),  # 3 * 10 // 7, the same integer split as ranking.get_score_distribution
    ],
)
def test_bucket_index_splits_like_the_score_distribution(score, top, expected):
    assert bucket_index(score, top, 10) == expected


def test_bucket_bounds_cover_every_score_once():
    top, buckets = 8450, 10

    for score in range(0, top + 1, 7):
        low, high = bucket_bounds(bucket_index(score, top, buckets), top, buckets)
        assert low <= score <= high
    assert bucket_bounds(0, top, buckets)[0] == 0
    assert bucket_bounds(buckets - 1, top, buckets)[1] == top


def test_bar_heights_are_proportional_with_a_visible_minimum():
    histogram = score_histogram([0, 1, 2, 4, 200], top=5000, score=None)

    heights = [bar.height for bar in histogram.bars]
    room = histogram.baseline - PAD_TOP
    assert heights[0] == 0
    assert heights[1] == MIN_BAR  # 1/200 of the room would be invisible
    assert heights[3] == pytest.approx(room * 4 / 200, abs=0.01)  # above the minimum
    assert heights[4] == pytest.approx(room)
    for bar in histogram.bars:
        assert bar.y + bar.height == pytest.approx(histogram.baseline)


def test_the_players_bucket_alone_is_marked():
    histogram = score_histogram([3, 5, 8, 2], top=4000, score=2600)

    assert [bar.mine for bar in histogram.bars] == [False, False, True, False]
    assert histogram.mine == 2
    assert "you are here" in histogram.bars[2].label
    assert "8 players scored 2000–2999" in histogram.bars[2].label
    assert "2600" in histogram.description


def test_no_score_marks_nothing_and_an_empty_board_draws_flat():
    histogram = score_histogram([0] * 10, top=0)

    assert histogram.mine is None and histogram.total == 0
    assert all(bar.height == 0 and not bar.mine for bar in histogram.bars)


def test_bars_stay_inside_the_picture_and_do_not_overlap():
    histogram = score_histogram([1] * 10, top=10_000, score=10_000)

    previous_end = 0.0
    for bar in histogram.bars:
        assert bar.x >= previous_end
        previous_end = bar.x + bar.width
        assert 0 <= bar.y <= HEIGHT
    assert previous_end <= WIDTH
    assert [tick.text for tick in histogram.ticks] == ["0", "5k", "10k"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (950, "950"),
        (1000, "1k"),
        (4500, "4.5k"),
        (10_620, "10.6k"),
        (12_000, "12k"),
        (250_400, "250k"),
    ],
)
def test_short_number(value, text):
    assert short_number(value) == text


@pytest.mark.parametrize("counts", [[], [1, -1]])
def test_bad_counts_are_refused(counts):
    with pytest.raises(ValueError):
        score_histogram(counts, top=100)
