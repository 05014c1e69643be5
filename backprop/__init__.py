"""backprop: the small numpy library behind *Backpropagation, Step by Step*.

Every chapter imports it instead of repeating code::

    import backprop as bp
    net = bp.article_network()
    bwd = bp.backward(net, bp.article_inputs(), bp.article_targets())
    bwd["dE_total/dw5"]

Modules: :mod:`~backprop.network` (weights, biases, names),
:mod:`~backprop.passes` (forward and backward pass), :mod:`~backprop.training`
(gradient descent), :mod:`~backprop.article` (the article's network),
:mod:`~backprop.published` (the article's printed numbers),
:mod:`~backprop.symbolic` (the SymPy twin), :mod:`~backprop.figures` and
:mod:`~backprop.tables` (what the chapters show).
"""

from .activations import sigmoid, sigmoid_derivative
from .article import (
    ARTICLE_PARAMS,
    ARTICLE_UNITS,
    article_inputs,
    article_learning_rate,
    article_network,
    article_targets,
    article_training,
    article_twin_values,
    article_value,
)
from .network import Network, ParamRef
from .passes import Backward, Forward, backward, forward
from .published import (
    PUBLISHED,
    RECOMPUTED,
    Published,
    agrees,
    format_like,
    published,
    round_printed,
)
from .training import ORDERS, Training, step, train

__version__ = "0.1.0"

__all__ = [
    "sigmoid",
    "sigmoid_derivative",
    "Network",
    "ParamRef",
    "Forward",
    "Backward",
    "forward",
    "backward",
    "ORDERS",
    "Training",
    "train",
    "step",
    "ARTICLE_PARAMS",
    "ARTICLE_UNITS",
    "article_network",
    "article_inputs",
    "article_targets",
    "article_learning_rate",
    "article_training",
    "article_twin_values",
    "article_value",
    "PUBLISHED",
    "RECOMPUTED",
    "Published",
    "agrees",
    "format_like",
    "published",
    "round_printed",
]
