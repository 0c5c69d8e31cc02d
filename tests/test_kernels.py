"""Tests for convviz.kernels: hand-checked presets, the cross-correlation convention, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import ndimage, signal

from convviz.drawing import kernel_from_drawing
from convviz.kernel_tools import MAX_KERNEL_SIDE, flip_kernel, validate_kernel
from convviz.kernels import PRESETS, make_kernel, random_kernel

STEP_RIGHT = np.repeat([[0.0] * 4 + [1.0] * 4], 8, axis=0)  # dark left, bright right
SUM_ONE = ["identity", "box_blur", "gaussian_blur", "motion_blur", "sharpen", "unsharp_mask",
           "emboss"]
SUM_ZERO = ["vertical_edge", "horizontal_edge", "sobel_x", "sobel_y", "prewitt_x", "prewitt_y",
            "scharr_x", "scharr_y", "laplacian_4_neighbour", "laplacian_8_neighbour",
            "laplacian_of_gaussian", "outline"]


# --- hand-checked values ---------------------------------------------------------------------

def test_sobel_x_is_the_cross_correlation_sobel():
    np.testing.assert_array_equal(make_kernel("sobel x"), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert make_kernel("sobel x").dtype == np.float64


def test_y_kernels_are_x_kernels_transposed():
    for family in ("sobel", "prewitt", "scharr"):
        np.testing.assert_array_equal(make_kernel(f"{family} y"), make_kernel(f"{family} x").T)


def test_vertical_edge_is_the_textbook_kernel_and_horizontal_its_transpose():
    np.testing.assert_array_equal(make_kernel("vertical edge"), [[1, 0, -1]] * 3)
    np.testing.assert_array_equal(make_kernel("horizontal edge"), [[1, 1, 1], [0, 0, 0],
                                                                   [-1, -1, -1]])


def test_other_fixed_kernels():
    np.testing.assert_array_equal(make_kernel("sharpen"), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(make_kernel("laplacian"), [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(make_kernel("edge detect"), -make_kernel("laplacian 8 neighbour"))
    np.testing.assert_array_equal(make_kernel("scharr x"), [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]])
    np.testing.assert_array_equal(make_kernel("emboss"), [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])


def test_gaussian_sums_to_one_is_symmetric_and_peaks_in_the_centre():
    for n in (3, 5, 7, 15):
        k = make_kernel("gaussian blur", n)
        assert k.sum() == pytest.approx(1.0)
        np.testing.assert_allclose(k, k.T)
        np.testing.assert_allclose(k, flip_kernel(k))
        assert np.unravel_index(k.argmax(), k.shape) == (n // 2, n // 2)


def test_gaussian_with_sigma_one_by_hand():
    # 1-D weights e^0 and e^(-1/2) = 0.60653, normalised: 0.27407, 0.45186, 0.27407.
    k = make_kernel("gaussian blur", 3, sigma=1.0)
    edge, middle = np.exp(-0.5) / (1 + 2 * np.exp(-0.5)), 1 / (1 + 2 * np.exp(-0.5))
    np.testing.assert_allclose(k[1], [edge * middle, middle**2, edge * middle])
    assert k[0, 0] == pytest.approx(edge**2)


def test_gaussian_default_sigma_is_opencvs_formula():
    # 0.3·((5 − 1)/2 − 1) + 0.8 = 1.1
    np.testing.assert_allclose(make_kernel("gaussian blur", 5),
                               make_kernel("gaussian blur", 5, sigma=1.1))


def test_gaussian_rectangle_uses_one_sigma_per_side_by_default():
    k = make_kernel("gaussian blur", (3, 5))
    assert k.shape == (3, 5)
    np.testing.assert_allclose(k, np.outer(make_kernel("gaussian blur", (3, 1)),
                                           make_kernel("gaussian blur", (1, 5))))


def test_box_blur_weights_are_all_equal():
    k = make_kernel("box blur", (3, 5))
    np.testing.assert_allclose(k, np.full((3, 5), 1 / 15))


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (5, 5), (3, 7), (15, 15), (1, 9)])
def test_odd_identity_returns_the_input_under_cross_correlation(shape):
    x = np.arange(48.0).reshape(6, 8)
    np.testing.assert_array_equal(ndimage.correlate(x, make_kernel("identity", shape),
                                                    mode="constant"), x)


@pytest.mark.parametrize("shape", [(2, 2), (4, 4), (2, 5), (6, 3)])
def test_even_identity_returns_the_input_with_same_padding_extra_pixel_after(shape):
    x = np.arange(48.0).reshape(6, 8)
    k = make_kernel("identity", shape)
    assert k[(shape[0] - 1) // 2, (shape[1] - 1) // 2] == 1
    padded = np.pad(x, [((n - 1) // 2, n // 2) for n in shape])
    np.testing.assert_array_equal(signal.correlate2d(padded, k, mode="valid"), x)


@pytest.mark.parametrize(("angle", "expected"), [
    (0, [[0, 0, 0], [1, 1, 1], [0, 0, 0]]),
    (90, [[0, 1, 0], [0, 1, 0], [0, 1, 0]]),
    (45, [[0, 0, 1], [0, 1, 0], [1, 0, 0]]),
    (135, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
    (180, [[0, 0, 0], [1, 1, 1], [0, 0, 0]]),
])
def test_motion_blur_draws_a_line_at_the_angle(angle, expected):
    np.testing.assert_allclose(make_kernel("motion blur", 3, angle=angle), np.array(expected) / 3,
                               atol=1e-12)


def test_motion_blur_between_pixels_shares_the_weight():
    k = make_kernel("motion blur", 4)  # the middle of 4 rows lies between rows 1 and 2
    np.testing.assert_allclose(k, [[0] * 4, [1 / 8] * 4, [1 / 8] * 4, [0] * 4])
    k = make_kernel("motion blur", 5, angle=30)
    assert k.sum() == pytest.approx(1.0)
    assert (k >= 0).all()


def test_unsharp_mask_is_image_plus_amount_times_detail():
    gauss, ident = make_kernel("gaussian blur", 5), make_kernel("identity", 5)
    np.testing.assert_allclose(make_kernel("unsharp mask", amount=2), 3 * ident - 2 * gauss)
    np.testing.assert_allclose(make_kernel("unsharp mask", amount=0), ident)


def test_laplacian_of_gaussian_has_a_negative_centre_and_sums_to_zero():
    k = make_kernel("laplacian of gaussian", 7, sigma=1.0)
    assert k.argmin() == 24  # the centre of 7×7
    assert k.sum() == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(k, k.T, atol=1e-15)


# --- every preset -----------------------------------------------------------------------------

@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_builds_at_every_size_it_lists(key):
    preset = PRESETS[key]
    assert preset.description.strip() and preset.name.strip()
    assert preset.default_size in preset.sizes
    default = make_kernel(key)
    assert default.shape == (preset.default_size,) * 2
    for n in preset.sizes:
        k = make_kernel(preset.name, n)
        assert k.dtype == np.float64 and k.shape == (n, n)
        assert np.isfinite(k).all()
        validate_kernel(k)


@pytest.mark.parametrize("key", SUM_ONE)
def test_brightness_preserving_presets_sum_to_one(key):
    assert make_kernel(key).sum() == pytest.approx(1.0)


@pytest.mark.parametrize("key", SUM_ZERO)
def test_change_detectors_sum_to_zero(key):
    assert make_kernel(key).sum() == pytest.approx(0.0, abs=1e-12)


def test_every_preset_is_in_a_sum_list():
    assert sorted(SUM_ONE + SUM_ZERO) == sorted(PRESETS)


@pytest.mark.parametrize("name", ["sobel x", "prewitt x", "scharr x"])
def test_x_kernels_respond_positively_where_brightness_increases_to_the_right(name):
    out = ndimage.correlate(STEP_RIGHT, make_kernel(name), mode="nearest")
    assert (out[:, 3:5] > 0).all()
    assert (out[:, :3] == 0).all() and (out[:, 5:] == 0).all()


def test_y_kernels_respond_positively_where_brightness_increases_downwards():
    out = ndimage.correlate(STEP_RIGHT.T, make_kernel("sobel y"), mode="nearest")
    assert (out[3:5] > 0).all()


def test_textbook_vertical_edge_is_negative_for_dark_to_bright():
    out = ndimage.correlate(STEP_RIGHT, make_kernel("vertical edge"), mode="nearest")
    assert (out[:, 3:5] < 0).all()
    out = ndimage.correlate(STEP_RIGHT.T, make_kernel("horizontal edge"), mode="nearest")
    assert (out[3:5] < 0).all()


def test_laplacian_ignores_a_steady_ramp():
    ramp = np.tile(np.arange(8.0), (8, 1))
    out = ndimage.correlate(ramp, make_kernel("laplacian"), mode="constant")
    np.testing.assert_allclose(out[1:-1, 1:-1], 0)


def test_names_are_matched_loosely():
    expected = make_kernel("sobel_x")
    for spelling in ("Sobel x", "SOBEL-X", "  sobel   x "):
        np.testing.assert_array_equal(make_kernel(spelling), expected)


# --- random_kernel ----------------------------------------------------------------------------

def test_random_kernel_is_reproducible_and_bounded():
    np.testing.assert_array_equal(random_kernel(5, seed=3), random_kernel(5, seed=3))
    assert not np.array_equal(random_kernel(5, seed=3), random_kernel(5, seed=4))
    assert np.abs(random_kernel((15, 15), seed=0)).max() < 1 / 15
    assert np.abs(random_kernel(3, seed=0, bound=0.01)).max() < 0.01


# --- kernel_from_drawing ---------------------------------------------------------------------

def _canvas() -> np.ndarray:
    return np.zeros((280, 280, 4), np.uint8)


def test_a_vertical_stroke_becomes_a_middle_column():
    canvas = _canvas()
    canvas[20:260, 130:150] = (0, 0, 0, 255)  # black, opaque
    k = kernel_from_drawing(canvas, 5)
    assert k.shape == (5, 5) and k.max() == 1.0
    assert (k[:, 2] > k[:, [0, 1, 3, 4]].max()).all()


def test_area_averaging_by_hand():
    gray = np.zeros((4, 6))  # each cell of a 2×3 kernel covers 2×2 pixels
    gray[0, 0], gray[3, 5] = 8.0, 2.0  # cell averages 2 and 0.5, then scaled so the largest is 1
    np.testing.assert_allclose(kernel_from_drawing(gray, (2, 3)), [[1, 0, 0], [0, 0, 0.25]])
    # 3 pixels into 2 cells: each cell covers 1.5 pixels and shares the middle one.
    np.testing.assert_allclose(kernel_from_drawing([[3.0, 0.0, 6.0]], (1, 2)), [[0.5, 1.0]])
    np.testing.assert_allclose(kernel_from_drawing([[0.0, 3.0, 0.0]], (1, 2)), [[1.0, 1.0]])


def test_zero_mean_makes_a_detector_that_sums_to_zero():
    canvas = _canvas()
    canvas[:, 120:160, 3] = 255
    k = kernel_from_drawing(canvas, (3, 7), zero_mean=True)
    assert k.sum() == pytest.approx(0.0, abs=1e-12)
    assert k[:, 3].min() > 0 > k[:, 0].max()


# --- one pytest.raises per rule --------------------------------------------------------------

def _fill_evenly() -> np.ndarray:
    return kernel_from_drawing(np.ones((9, 9)), 3, zero_mean=True)


RULES = [  # (call, error, message), one row per rule the module enforces
    (lambda: make_kernel(3), TypeError, "name must be a preset name such as 'sobel_x', got 3"),
    (lambda: make_kernel("sobbel"), ValueError, "unknown kernel 'sobbel'; choose one of: identity, "),
    (lambda: make_kernel("sobel x", 5), ValueError,
     "'Sobel x' is a fixed 3×3 kernel, so size 5 is not available"),
    (lambda: make_kernel("box blur", (3, 16)), ValueError,
     r"'Box blur': size \(3, 16\) has 16 columns; allowed: 1 to 15"),
    (lambda: make_kernel("unsharp mask", 4), ValueError, r"has 4 rows; allowed: one of \(3, 5, 7"),
    (lambda: make_kernel("box blur", 2.5), TypeError, "size must be a whole number"),
    (lambda: make_kernel("gaussian blur", sigma=0), ValueError,
     "sigma must be finite and greater than 0, got 0"),
    (lambda: make_kernel("gaussian blur", sigma=-1.0), ValueError, "greater than 0, got -1.0"),
    (lambda: make_kernel("gaussian blur", sigma="1"), TypeError, "sigma must be a real number"),
    (lambda: make_kernel("unsharp mask", amount=-1), ValueError, "amount must be ≥ 0 .*got -1"),
    (lambda: make_kernel("motion blur", angle=float("nan")), ValueError,
     "angle must be finite, got nan"),
    (lambda: make_kernel("sobel x", sigma=1.0), TypeError, "'Sobel x' takes no parameters; got sigma"),
    (lambda: make_kernel("motion blur", angel=30), TypeError, "'Motion blur' takes angle; got angel"),
    (lambda: random_kernel(3, bound=0), ValueError, "bound must be finite and greater than 0, got 0"),
    (lambda: random_kernel((3, 16)), ValueError, r"shape \(3, 16\) has 16 columns"),
    (lambda: kernel_from_drawing(np.ones((4, 4, 3)), 3), ValueError,
     r"got shape \(4, 4, 3\); RGB has no alpha"),
    (lambda: kernel_from_drawing(_canvas(), 3), ValueError,
     "the drawing is empty: none of its 78400 pixels has ink"),
    (lambda: kernel_from_drawing(-np.eye(4), 3), ValueError, "ink cannot be negative, found -1"),
    (lambda: kernel_from_drawing(np.full((4, 4), np.nan), 3), ValueError,
     "image must hold finite numbers"),
    (_fill_evenly, ValueError, "the ink covers all 3×3 cells evenly"),
    (lambda: kernel_from_drawing(np.eye(4), 16), ValueError, r"shape \(16, 16\) has 16 rows"),
]


@pytest.mark.parametrize(("call", "error", "message"), RULES,
                         ids=[f"{error.__name__}: {message[:45]}" for _, error, message in RULES])
def test_each_rule_raises_a_message_with_the_numbers(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- properties -------------------------------------------------------------------------------

sides = st.integers(1, MAX_KERNEL_SIDE)


@given(rows=sides, cols=sides, seed=st.integers(0, 2**32 - 1))
def test_random_kernels_have_the_shape_asked_for_and_are_valid(rows, cols, seed):
    k = random_kernel((rows, cols), seed=seed)
    assert k.shape == (rows, cols)
    np.testing.assert_array_equal(validate_kernel(k), k)
    np.testing.assert_array_equal(flip_kernel(flip_kernel(k)), k)


@given(rows=sides, cols=sides, angle=st.floats(-360, 360))
def test_blurs_sum_to_one_at_every_shape(rows, cols, angle):
    for k in (make_kernel("box blur", (rows, cols)), make_kernel("gaussian blur", (rows, cols)),
              make_kernel("motion blur", (rows, cols), angle=angle)):
        assert k.shape == (rows, cols)
        assert k.sum() == pytest.approx(1.0) and (k >= 0).all()


@given(side=sides, angle=st.floats(-180, 180))
def test_motion_blur_transposed_is_the_line_mirrored_about_the_diagonal(side, angle):
    np.testing.assert_allclose(make_kernel("motion blur", side, angle=angle).T,
                               make_kernel("motion blur", side, angle=90 - angle), atol=1e-9)
