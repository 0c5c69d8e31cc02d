"""convviz: convolution, pooling and shape arithmetic in NumPy, with PyTorch's semantics.

The engine behind the convviz app. It never imports streamlit.

>>> import numpy as np, convviz
>>> convviz.conv2d(np.ones((1, 5, 5)), np.ones((1, 1, 3, 3)), padding=1).shape
(1, 5, 5)
"""

from importlib import import_module

from .activations import ACTIVATIONS, leaky_relu, relu, sigmoid, tanh
from .arguments import effective_kernel_size, padding_per_side
from .arithmetic import (
    Field, conv_mac_count, conv_output_size, conv_parameter_count, conv_transpose_output_size,
    explain_conv_output_size, explain_conv_transpose_output_size, explain_pool_output_size,
    pool_output_size, receptive_field,
)
from .conv import (
    conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d,
    true_conv1d, true_conv2d, true_conv3d,
)
from .formulas import Worked
from .geometry import Geometry, conv_geometry, pool_geometry
from .padding import pad, source_index
from .pooling import (
    avg_pool1d, avg_pool2d, avg_pool3d, global_avg_pool, global_max_pool,
    max_pool1d, max_pool2d, max_pool3d,
)
from .pruning import prune
from .quantize import (
    ErrorStats, Quantized, dequantize, integer_conv2d, max_level, quantization_error, quantize,
    quantized_conv2d,
)
from .steps import (
    ConvSteps, PoolSteps, TransposeSteps, conv1d_steps, conv2d_steps, conv3d_steps, conv_transpose2d_steps,
    pool1d_steps, pool2d_steps, pool3d_steps,
)
from .steps_nd import ConvStepsND, PoolStepsND
from .unfold import fold, unfold

# The FFT and the convolution matrix need scipy, a third of a second to import: both load on first use,
# so that a page without them (and the app's cold start) does not wait for it.
_LAZY = {name: "fft" for name in ("FFT_PADDING_MODES", "fft_conv2d", "flip_weight")} | {
    name: "matrix" for name in ("MAX_DENSE_CELLS", "conv_matrix", "conv_matrix_dense", "transpose_output_padding")}


def __getattr__(name: str) -> object:
    """``convviz.fft_conv2d`` and the others in ``_LAZY``, imported when first asked for."""
    if name not in _LAZY:
        raise AttributeError(f"module 'convviz' has no attribute {name!r}")
    return getattr(import_module(f".{_LAZY[name]}", __name__), name)


__all__ = [
    "ACTIVATIONS", "ConvSteps", "ConvStepsND", "ErrorStats", "FFT_PADDING_MODES", "Field",
    "Geometry", "MAX_DENSE_CELLS", "PoolSteps", "PoolStepsND", "Quantized", "TransposeSteps",
    "Worked", "avg_pool1d", "avg_pool2d", "avg_pool3d", "conv1d", "conv1d_steps", "conv2d",
    "conv2d_steps", "conv3d", "conv3d_steps", "conv_geometry", "conv_mac_count", "conv_matrix",
    "conv_matrix_dense", "conv_output_size", "conv_parameter_count", "conv_transpose1d",
    "conv_transpose2d", "conv_transpose2d_steps", "conv_transpose3d", "conv_transpose_output_size",
    "dequantize", "effective_kernel_size", "explain_conv_output_size",
    "explain_conv_transpose_output_size", "explain_pool_output_size", "fft_conv2d", "flip_weight",
    "fold", "global_avg_pool", "global_max_pool", "integer_conv2d", "leaky_relu", "max_level",
    "max_pool1d", "max_pool2d", "max_pool3d", "pad", "padding_per_side", "pool1d_steps",
    "pool2d_steps", "pool3d_steps", "pool_geometry", "pool_output_size", "prune",
    "quantization_error", "quantize", "quantized_conv2d", "receptive_field", "relu", "sigmoid",
    "source_index", "tanh", "transpose_output_padding", "true_conv1d", "true_conv2d", "true_conv3d",
    "unfold",
]
