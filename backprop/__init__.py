"""backprop: the small numpy library behind *Backpropagation, Step by Step*.

Every chapter imports it instead of repeating code::

    import backprop as bp
    net = bp.article_network()
    bwd = bp.backward(net, bp.article_inputs(), bp.article_targets())
    bwd["dE_total/dw5"]

Any network works the same way, with names from one default scheme::

    net = bp.Network.random((64, 32, 10), seed=0, activations="relu",
                            error="softmax_cross_entropy")
    run = bp.train(net, x, t, steps=500, learning_rate=0.1, batch_size=32, seed=0)
    bp.predict(run.network, x_test)

Modules: :mod:`~backprop.network` (weights, biases, activations, error),
:mod:`~backprop.names` (every name, and the one key parser),
:mod:`~backprop.functions` (activations and errors),
:mod:`~backprop.passes` (forward and backward pass), :mod:`~backprop.training`
(gradient descent), :mod:`~backprop.twin` (the SymPy twin of any network, and
proofs), :mod:`~backprop.article` (the article's network),
:mod:`~backprop.published` (the article's printed numbers),
:mod:`~backprop.symbolic` (the article's twin), :mod:`~backprop.figures` and
:mod:`~backprop.tables` (what the chapters show).
"""

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
from .functions import ACTIVATIONS, ERRORS, Activation, ErrorFunction, sigmoid, sigmoid_derivative
from .gradcheck import check_gradient, numeric_gradient
from .names import ParamRef, parse_key
from .network import Network, load, save
from .passes import Backward, Forward, backward, forward, predict
from .published import (
    PUBLISHED,
    RECOMPUTED,
    Published,
    agrees,
    format_like,
    published,
    round_printed,
)
from .training import ORDERS, Training, accuracy, step, train

__version__ = "0.2.0"


def __getattr__(name: str):
    """``bp.Twin`` and ``bp.identical`` load SymPy when first asked for, not on import."""
    if name in ("Twin", "identical"):
        from . import twin

        return getattr(twin, name)
    raise AttributeError(f"module 'backprop' has no attribute {name!r}")


__all__ = [
    "sigmoid",
    "sigmoid_derivative",
    "Activation",
    "ErrorFunction",
    "ACTIVATIONS",
    "ERRORS",
    "Network",
    "save",
    "load",
    "ParamRef",
    "parse_key",
    "Forward",
    "Backward",
    "forward",
    "backward",
    "predict",
    "ORDERS",
    "Training",
    "train",
    "step",
    "accuracy",
    "Twin",
    "identical",
    "check_gradient",
    "numeric_gradient",
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
