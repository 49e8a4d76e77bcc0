import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okrkit import Band, Direction, Status, Thresholds
from okrkit.exceptions import InvalidTypeError, InvalidValueError, OkrkitError

G, A, R = Status.GREEN, Status.AMBER, Status.RED
finite = st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)


class TestHigherIsBetter:
    def test_edges_belong_to_the_band_above(self):
        """A value on an edge takes the status of the band above it."""
        t = Thresholds.higher_is_better(red_below=50, green_from=80)
        assert [t.status(v) for v in (-1e9, 49.999, 50, 79.999, 80, 1e9)] == [
            R,
            R,
            A,
            A,
            G,
            G,
        ]

    def test_equal_edges_leave_no_amber(self):
        """red_below == green_from gives a two-band red/green light."""
        t = Thresholds.higher_is_better(red_below=10, green_from=10)
        assert len(t.bands) == 2
        assert (t.status(9.99), t.status(10)) == (R, G)

    def test_reversed_edges(self):
        """green_from below red_below is an error naming green_from."""
        with pytest.raises(InvalidValueError, match="field 'green_from'"):
            Thresholds.higher_is_better(red_below=80, green_from=50)

    def test_direction_is_recorded(self):
        """Named constructors record their direction."""
        assert Thresholds.higher_is_better(red_below=1, green_from=2).direction is (
            Direction.HIGHER_IS_BETTER
        )


class TestLowerIsBetter:
    def test_edges(self):
        """Green below green_below, amber from it, red from red_from."""
        t = Thresholds.lower_is_better(green_below=30, red_from=45)
        assert [t.status(v) for v in (29.9, 30, 44.9, 45, 100)] == [G, A, A, R, R]

    def test_equal_edges(self):
        """green_below == red_from gives green below and red from the edge."""
        t = Thresholds.lower_is_better(green_below=5, red_from=5)
        assert (t.status(4.9), t.status(5)) == (G, R)

    def test_reversed_edges(self):
        """red_from below green_below is an error."""
        with pytest.raises(InvalidValueError, match="field 'red_from'"):
            Thresholds.lower_is_better(green_below=10, red_from=5)


class TestWithin:
    def test_closed_green_and_inclusive_tolerance(self):
        """Both ends of the range are green; the tolerance's ends are amber."""
        t = Thresholds.within(40, 60, tolerance=5)
        assert [
            t.status(v) for v in (34.99, 35, 39.99, 40, 50, 60, 60.01, 65, 65.01)
        ] == [R, A, A, G, G, G, A, A, R]

    def test_zero_tolerance(self):
        """Without tolerance the light is green inside and red outside."""
        t = Thresholds.within(1, 2)
        assert [t.status(v) for v in (0.99, 1, 2, 2.01)] == [R, G, G, R]

    def test_a_tolerance_too_small_to_show(self):
        """A tolerance lost in floating point leaves no empty amber band."""
        t = Thresholds.within(0, 1e20, tolerance=1)  # 1e20 + 1 == 1e20
        assert [b.status for b in t.bands] == [R, A, G, R]
        assert (t.status(-1), t.status(1e20)) == (A, G)
        tiny = Thresholds.within(-1e-265, 1.0, tolerance=1e-300)
        assert [b.status for b in tiny.bands] == [R, G, R]

    def test_a_single_point_range(self):
        """low == high makes a one-value green band."""
        t = Thresholds.within(3, 3)
        assert (t.status(3), t.status(3.0001), t.status(2.9999)) == (G, R, R)

    @pytest.mark.parametrize("tolerance", [-1, float("nan"), float("inf")])
    def test_bad_tolerance(self, tolerance):
        """A negative or non-finite tolerance is refused."""
        with pytest.raises(InvalidValueError, match="field 'tolerance'"):
            Thresholds.within(1, 2, tolerance=tolerance)

    def test_high_below_low(self):
        """high below low is an error."""
        with pytest.raises(InvalidValueError, match="field 'high'"):
            Thresholds.within(5, 1)


class TestFromEdges:
    def test_bands_with_labels_and_scores(self):
        """Each band keeps its label and fixed score."""
        t = Thresholds.from_edges(
            (1, 2), (R, A, G), labels=("low", "mid", "high"), scores=(0, 0.5, 1)
        )
        assert [(b.label, b.score) for b in t.bands] == [
            ("low", 0),
            ("mid", 0.5),
            ("high", 1),
        ]
        assert t.band(1.5).label == "mid"
        assert t.direction is None

    @pytest.mark.parametrize(
        ("edges", "statuses", "field"),
        [
            ((2, 1), (R, A, G), "edges"),
            ((1, 1), (R, A, G), "edges"),
            ((1,), (R, A, G), "statuses"),
            ((float("nan"),), (R, G), "edges"),
            ((float("inf"),), (R, G), "edges"),
        ],
    )
    def test_bad_edges(self, edges, statuses, field):
        """Unordered, duplicate or non-finite edges and wrong counts are refused."""
        with pytest.raises(InvalidValueError, match=f"field '{field}'"):
            Thresholds.from_edges(edges, statuses)

    def test_wrong_per_band_counts(self):
        """Labels and scores need one entry per band."""
        with pytest.raises(InvalidValueError, match="field 'labels'"):
            Thresholds.from_edges((1,), (R, G), labels=("a",))
        with pytest.raises(InvalidValueError, match="field 'scores'"):
            Thresholds.from_edges((1,), (R, G), scores=(1, 2, 3))

    def test_bad_types(self):
        """Non-sequences and non-statuses are refused."""
        with pytest.raises(InvalidTypeError, match="field 'edges'"):
            Thresholds.from_edges("12", (R, G))  # type: ignore[arg-type]
        with pytest.raises(InvalidValueError, match="field 'status'"):
            Thresholds.from_edges((1,), (R, "green"))  # type: ignore[arg-type]
        with pytest.raises(InvalidValueError, match="field 'status'"):
            Thresholds.from_edges((1,), (R, Status.NO_DATA))


class TestBandsAreChecked:
    def test_must_start_and_end_at_infinity(self):
        """Bands that leave values uncovered are refused."""
        with pytest.raises(InvalidValueError, match="-inf and end at \\+inf"):
            Thresholds(bands=(Band(lo=0, hi=math.inf, status=G),))

    def test_must_be_contiguous(self):
        """A gap or an overlap between bands is refused."""
        with pytest.raises(InvalidValueError, match="contiguous"):
            Thresholds(
                bands=(
                    Band(lo=-math.inf, hi=1, status=R),
                    Band(lo=2, hi=math.inf, status=G),
                )
            )

    def test_empty_and_wrong_types(self):
        """No bands, or something else than bands, is refused."""
        with pytest.raises(InvalidValueError, match="at least one band"):
            Thresholds(bands=())
        with pytest.raises(InvalidTypeError, match="field 'bands'"):
            Thresholds(bands=(1, 2))  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError, match="field 'direction'"):
            Thresholds(
                bands=(Band(lo=-math.inf, hi=math.inf, status=G),), direction="up"
            )  # type: ignore[arg-type]

    def test_band_validation(self):
        """A band needs lo < hi, a real score and a string label."""
        with pytest.raises(InvalidValueError, match="field 'hi'"):
            Band(lo=2, hi=1, status=G)
        with pytest.raises(InvalidValueError, match="field 'edge'"):
            Band(lo=float("nan"), hi=1, status=G)
        with pytest.raises(InvalidTypeError, match="field 'label'"):
            Band(lo=0, hi=1, status=G, label=3)  # type: ignore[arg-type]
        with pytest.raises(InvalidValueError, match="field 'score'"):
            Band(lo=0, hi=1, status=G, score=float("inf"))


class TestStatusInput:
    @pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
    def test_non_finite_values(self, value):
        """NaN and infinities have no status: a clear error."""
        t = Thresholds.higher_is_better(red_below=1, green_from=2)
        with pytest.raises(InvalidValueError, match="field 'value'"):
            t.status(value)

    def test_wrong_type(self):
        """A string is not a value."""
        t = Thresholds.higher_is_better(red_below=1, green_from=2)
        with pytest.raises(InvalidTypeError):
            t.status("3")  # type: ignore[arg-type]


class TestRelative:
    def test_resolved_against_the_target(self):
        """Relative edges are multiples of the target."""
        rel = Thresholds.higher_is_better(red_below=0.8, green_from=1.0, relative=True)
        absolute = rel.for_target(250)
        assert [b.lo for b in absolute.bands] == [-math.inf, 200, 250]
        assert absolute.status(249.9) == A
        assert not absolute.relative

    def test_absolute_thresholds_ignore_the_target(self):
        """for_target returns absolute thresholds unchanged."""
        t = Thresholds.within(1, 2)
        assert t.for_target(100) is t

    @pytest.mark.parametrize("target", [0, -5])
    def test_zero_or_negative_target(self, target):
        """Relative thresholds against 0 (or a negative target) are an error."""
        rel = Thresholds.lower_is_better(green_below=1, red_from=1.2, relative=True)
        with pytest.raises(InvalidValueError, match="positive target"):
            rel.for_target(target)

    def test_a_relative_range_keeps_its_closed_ends(self):
        """high * target, as a caller computes it, is inside a relative range."""
        rel = Thresholds.within(0.9, 1.1, tolerance=0.05, relative=True)
        absolute = rel.for_target(237)
        # 1.1 * 237 rounds up to 260.70000000000005: still green, as 1.1 is.
        assert absolute.status(1.1 * 237) is G
        assert absolute.status(math.nextafter(1.1 * 237, math.inf)) is A
        assert absolute.status(0.9 * 237) is G
        outer = (1.1 + 0.05) * 237  # the edge is high + tolerance, as floats add
        assert absolute.status(outer) is A
        assert absolute.status(math.nextafter(outer, math.inf)) is R

    def test_a_target_that_overflows_the_edges_is_named(self):
        """Edges that overflow to infinity are an error on the target."""
        rel = Thresholds.higher_is_better(red_below=0.8, green_from=2.0, relative=True)
        with pytest.raises(InvalidValueError, match="field 'target' got 1e"):
            rel.for_target(1e308)

    def test_unresolved_relative_thresholds_give_no_status(self):
        """Relative thresholds must be resolved before use."""
        rel = Thresholds.within(0.9, 1.1, relative=True)
        with pytest.raises(InvalidValueError, match="for_target"):
            rel.status(1.0)


class TestHysteresis:
    t = Thresholds.higher_is_better(red_below=50, green_from=80)

    def test_previous_status_holds_inside_the_margin(self):
        """Dropping just below the green line keeps green within the margin."""
        assert self.t.status(78, previous=G, margin=2) == G
        assert self.t.status(77.9, previous=G, margin=2) == A

    def test_rising_needs_the_margin_too(self):
        """Rising from amber needs to pass the green line by the margin."""
        assert self.t.status(81, previous=A, margin=2) == A
        assert self.t.status(82.1, previous=A, margin=2) == G

    def test_no_previous_no_hysteresis(self):
        """Without a previous status the plain status applies."""
        assert self.t.status(79, margin=5) == A

    def test_previous_no_data_is_ignored(self):
        """A previous NO_DATA status holds nothing."""
        assert self.t.status(79, previous=Status.NO_DATA, margin=5) == A

    def test_exactly_at_the_margin_the_previous_status_holds(self):
        """Issue 17 item 3: 80 - 2 = 78 and 80 + 2 = 82 hold; a hair beyond changes."""
        assert self.t.status(78.0, previous=G, margin=2.0) == G
        assert self.t.status(82.0, previous=A, margin=2.0) == A
        assert self.t.status(48.0, previous=A, margin=2.0) == A  # red edge 50 - 2
        assert self.t.status(math.nextafter(78.0, 0), previous=G, margin=2.0) == A
        assert self.t.status(math.nextafter(82.0, 99), previous=A, margin=2.0) == G

    def test_a_closed_range_edge_holds_at_exactly_the_margin(self):
        """Issue 17 item 3: green [40, 60] with margin 2 holds green at 62 and 38."""
        t = Thresholds.within(40, 60)
        assert t.status(62.0, previous=G, margin=2.0) == G
        assert t.status(38.0, previous=G, margin=2.0) == G
        assert t.status(62.000001, previous=G, margin=2.0) == Status.RED
        assert t.status(37.999999, previous=G, margin=2.0) == Status.RED

    @pytest.mark.parametrize("previous", [Status.NO_DATA, Status.STALE])
    def test_no_data_or_stale_holds_nothing_back(self, previous):
        """Issue 17 item 3: after NO_DATA or STALE the plain status applies."""
        assert self.t.status(79.0, previous=previous, margin=5.0) == A
        assert self.t.status(80.0, previous=previous, margin=5.0) == G

    def test_bad_margin_and_previous(self):
        """Margins must be finite and non-negative; previous a Status."""
        with pytest.raises(InvalidValueError, match="field 'margin'"):
            self.t.status(79, previous=G, margin=-1)
        with pytest.raises(InvalidTypeError, match="field 'previous'"):
            self.t.status(79, previous="green")  # type: ignore[arg-type]


def test_describe_names_the_line_on_the_green_side():
    """Reasons name the edge a value must cross to get greener."""
    hib = Thresholds.higher_is_better(red_below=2, green_from=4)
    assert hib.describe(3, "percent") == "below the 4 % green line"
    assert hib.describe(1, "percent") == "below the 2 % red line"
    assert hib.describe(5, "percent") == "at or above the 4 % green line"
    lib = Thresholds.lower_is_better(green_below=30, red_from=45)
    assert lib.describe(35, None, "days") == "at or above the 30 days green line"
    assert lib.describe(50, None, "days") == "at or above the 45 days red line"
    assert lib.describe(10, None, "days") == "below the 30 days green line"
    rng = Thresholds.within(40, 60, tolerance=5)
    assert rng.describe(50) == "within 40 to 60"
    assert rng.describe(62) == "above the 60 green line"
    assert rng.describe(37) == "below the 40 green line"
    no_green = Thresholds.from_edges((1,), (R, A))
    assert no_green.describe(0) == "in the red band"


def test_str_lists_the_bands():
    """str() shows every band with its edges and status."""
    t = Thresholds.higher_is_better(red_below=1, green_from=2, relative=True)
    assert str(t) == "[-inf, 1) red; [1, 2) amber; [2, +inf) green (x target)"


@st.composite
def thresholds(draw):
    edges = sorted(set(draw(st.lists(finite, min_size=1, max_size=5))))
    statuses = draw(
        st.lists(
            st.sampled_from([G, A, R]), min_size=len(edges) + 1, max_size=len(edges) + 1
        )
    )
    return Thresholds.from_edges(edges, statuses)


@given(thresholds(), finite)
def test_every_finite_value_has_exactly_one_band(t, value):
    """Exactly one band contains each finite value, and status() is its status."""
    holding = [b for b in t.bands if b.contains(value)]
    assert len(holding) == 1
    assert t.status(value) is holding[0].status


@given(finite, finite, finite)
def test_mirroring_higher_gives_lower(a, b, value):
    """Mirroring a higher-is-better set and the value gives the lower answer.

    Edges belong to the band above, so the mirror excludes them.
    """
    red, green = sorted((a, b))
    assume(value not in (red, green))
    higher = Thresholds.higher_is_better(red_below=red, green_from=green)
    lower = Thresholds.lower_is_better(green_below=-green, red_from=-red)
    assert higher.status(value) is lower.status(-value)


@given(finite, finite, finite, st.floats(0, 1e6), st.sampled_from([G, A, R]))
def test_hysteresis_never_flips_inside_the_margin(a, b, value, margin, previous):
    """Within the margin of a band of the previous status, the status holds."""
    red, green = sorted((a, b))
    t = Thresholds.higher_is_better(red_below=red, green_from=green)
    near = any(
        band.status is previous and band.distance(value) <= margin for band in t.bands
    )
    result = t.status(value, previous=previous, margin=margin)
    if near:
        assert result is previous
    else:
        assert result is t.status(value)


@given(finite, st.floats(0.001, 1e6))
def test_relative_thresholds_scale_with_the_target(value, target):
    """A value k * target has the status k has against the relative edges."""
    rel = Thresholds.higher_is_better(red_below=0.8, green_from=1.0, relative=True)
    unit = Thresholds.higher_is_better(red_below=0.8, green_from=1.0)
    k = value / target
    assume(all(abs(k - edge) > 1e-9 for edge in (0.8, 1.0)))
    assert rel.for_target(target).status(value) is unit.status(k)


def test_errors_are_okrkit_errors():
    """Threshold errors derive from OkrkitError."""
    with pytest.raises(OkrkitError):
        Thresholds.within(2, 1)


def test_bands_given_as_a_list_are_kept_as_a_tuple():
    """A list of bands is stored as a tuple: immutable, hashable, equal after a trip."""
    from okrkit import from_dict, to_dict

    given = [
        Band(lo=-math.inf, hi=1, status=Status.RED),
        Band(lo=1, hi=math.inf, status=Status.GREEN),
    ]
    thresholds = Thresholds(bands=given)
    given.append(given[0])  # the caller's list changes; the value does not
    assert thresholds.bands == tuple(given[:2])
    assert hash(thresholds) == hash(Thresholds(bands=tuple(given[:2])))
    assert from_dict(to_dict(thresholds)) == thresholds


@pytest.mark.parametrize("previous", [None, Status.GREEN, Status.RED])
def test_a_bad_margin_is_an_error_whatever_the_previous_status(previous):
    """margin='x' is refused even when the previous status needs no margin."""
    thresholds = Thresholds.higher_is_better(red_below=50, green_from=80)
    with pytest.raises(InvalidTypeError, match="field 'margin'"):
        thresholds.status(90, previous=previous, margin="x")
    with pytest.raises(InvalidValueError, match="field 'margin'"):
        thresholds.status(90, previous=previous, margin=-1.0)


@given(
    st.floats(0.01, 100.0),
    st.floats(0.0, 10.0),
    st.floats(0.0, 10.0),
    st.floats(1e-3, 1e6),
)
def test_a_relative_range_resolves_as_its_edges_times_the_target(
    low, width, tolerance, target
):
    """Each relative edge times the target lands in the band it bounds, closed."""
    high = low + width
    rel = Thresholds.within(low, high, tolerance=tolerance, relative=True)
    absolute = rel.for_target(target)
    plain = Thresholds.within(low, high, tolerance=tolerance)
    for edge in (low, high, low - tolerance, high + tolerance):
        assert absolute.status(edge * target) is plain.status(edge)
