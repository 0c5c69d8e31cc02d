"""Layer stacks: a network's layers planned shape by shape, written as table rows and link text,
exported as PyTorch and Keras code, and the presets (LeNet-5 … MobileNet) to start from.

Modules: :mod:`~convviz.stack.layers` (the layers and :func:`~convviz.stack.layers.plan`),
:mod:`~convviz.stack.records` (rows and text), :mod:`~convviz.stack.export` (code) and
:mod:`~convviz.stack.presets`.
"""
