"""convviz: convolution, pooling and shape arithmetic in NumPy, with PyTorch's semantics.

The engine behind the convviz app. It never imports streamlit.

>>> import numpy as np, convviz
>>> convviz.conv2d(np.ones((1, 5, 5)), np.ones((1, 1, 3, 3)), padding=1).shape
(1, 5, 5)
"""

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
from .padding import pad, source_index
from .pooling import (
    avg_pool1d, avg_pool2d, avg_pool3d, global_avg_pool, global_max_pool,
    max_pool1d, max_pool2d, max_pool3d,
)
from .steps import ConvSteps, PoolSteps, TransposeSteps, conv2d_steps, conv_transpose2d_steps, pool2d_steps

__all__ = [
    "ACTIVATIONS", "ConvSteps", "Field", "PoolSteps", "TransposeSteps", "Worked",
    "avg_pool1d", "avg_pool2d", "avg_pool3d", "conv1d", "conv2d", "conv2d_steps", "conv3d",
    "conv_mac_count", "conv_output_size", "conv_parameter_count", "conv_transpose1d",
    "conv_transpose2d", "conv_transpose2d_steps", "conv_transpose3d", "conv_transpose_output_size",
    "effective_kernel_size", "explain_conv_output_size", "explain_conv_transpose_output_size",
    "explain_pool_output_size", "global_avg_pool", "global_max_pool", "leaky_relu",
    "max_pool1d", "max_pool2d", "max_pool3d", "pad", "padding_per_side", "pool2d_steps",
    "pool_output_size", "receptive_field", "relu", "sigmoid", "source_index", "tanh",
    "true_conv1d", "true_conv2d", "true_conv3d",
]
