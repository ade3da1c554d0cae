"""The padding split: ``valid``/``same``/``full``/``causal`` recomputed from the rules, here.

Every other check reads the resolved padding from the operator (``Axis.pad_before/pad_after``, set
by ``spec.resolve_padding``), so a wrong split would pass them all.  This check writes the rules
again, independently:

* ``valid``: (0, 0);  ``full``: (d(K-1), d(K-1));  ``causal``: (d(K-1), 0), nothing after;
* ``same`` (TensorFlow): output length ceil(n/s),
  total = max((ceil(n/s) - 1) s + d(K-1) + 1 - n, 0), before = floor(total / 2), the odd sample
  after (symbolic n: stride 1, total = d(K-1)),

and compares the split and the output length per axis.  With ``against="torch"`` and every axis
``same`` at stride 1 (the only stride PyTorch allows it at), the operator is also evaluated against
PyTorch's own ``padding="same"`` convolution (``torch.nn.ConvNd``, any padding mode, float64).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from ..core.conv import Conv
from .result import CheckResult, not_applicable
from .tools import candidate_rows, num

NAME = "padding_split"


def expected_split(word: str, n: Any, kernel_size: int, stride: int, dilation: int
                   ) -> tuple[Any, Any, Any]:
    """(before, after, output length) of one axis from the rules above (None: undefined)."""
    reach = dilation * (kernel_size - 1)
    if word == "valid":
        before, after = 0, 0
    elif word == "full":
        before, after = reach, reach
    elif word == "causal":
        before, after = reach, 0
    elif word == "same":
        if isinstance(n, int):
            out = -(-n // stride)
            total = max((out - 1) * stride + reach + 1 - n, 0)
        else:
            total = reach  # stride 1: output length n
        before, after = total // 2, total - total // 2
        return before, after, (-(-n // stride) if isinstance(n, int) else n)
    else:  # pragma: no cover - spec refuses other words
        raise ValueError(word)
    padded = n + before + after
    if isinstance(n, int):
        length = (padded - reach - 1) // stride + 1
    else:
        length = sympy.floor((padded - reach - 1) / sympy.Integer(stride)) + 1
    return before, after, length


def check_padding_split(op: Conv, against: str | None = None, seed: int = 0) -> CheckResult:
    """The resolved padding of every axis given as a word equals the rule recomputed here; with
    ``against="torch"`` also PyTorch's ``padding="same"`` (stride 1)."""
    words = [axis.padding_word for axis in op.axes]
    if all(word is None for word in words):
        return not_applicable(NAME, f"padding given as numbers {op.padding}: nothing to resolve",
                              "padding given as numbers: nothing to resolve")
    problems = []
    texts, latex = [], []
    for a, axis in enumerate(op.axes):
        word = axis.padding_word
        if word is None:
            continue
        where = f"axis {a}: " if op.ndim > 1 else ""
        if op.transposed:
            before, after, length = 0, 0, axis.output_length  # only 'valid' is defined
        else:
            before, after, length = expected_split(word, axis.n, axis.kernel_size, axis.stride,
                                                   axis.dilation)
        got = (axis.pad_before, axis.pad_after)
        if got != (before, after):
            problems.append(f"{where}padding {word!r} resolved to (before, after) = {got}, the "
                            f"rule gives ({before}, {after})")
        if sympy.simplify(sympy.sympify(axis.output_length) - length) != 0:
            problems.append(f"{where}padding {word!r}: output length {axis.output_length}, the "
                            f"rule gives {length}")
        texts.append(f"{where}{word} = ({before}, {after}), output length {length}")
        latex.append(_word_latex(word, axis, before, after, op.ndim > 1, a))
    torch_text = torch_latex = ""
    if against == "torch" and not problems:
        outcome = _torch_same(op, seed)
        if outcome is not None:
            ok, message = outcome
            if not ok:
                problems.append(message)
            else:
                torch_text = "; " + message
                torch_latex = ("; PyTorch's own same padding (stride $1$) gives the same "
                               "outputs for random inputs and taps")
    if problems:
        return CheckResult(NAME, False, "; ".join(problems))
    return CheckResult(NAME, True, "recomputed from the rules (TensorFlow's for 'same'): "
                                   + "; ".join(texts) + torch_text,
                       detail_latex="Recomputed from the rules: " + "; ".join(latex)
                                    + torch_latex + ".")


def _word_latex(word: str, axis: Any, before: Any, after: Any, nd: bool, a: int) -> str:
    where = f"along axis ${a}$, " if nd else ""
    pair = f"$({_math(before)}, {_math(after)})$"
    if word == "same":
        n, s = axis.n, axis.stride
        if isinstance(n, int):
            return (f"{where}same keeps $\\lceil n/s \\rceil = {num(-(-n // s))}$ "
                    f"outputs and pads $\\max((\\lceil n/s \\rceil - 1)s + d(K-1) + 1 - n, 0) = "
                    f"{num(before + after)}$ samples, {pair} (the odd one after)")
        return (f"{where}same at stride $1$ pads $d(K-1) = {num(before + after)}$ "
                f"samples, {pair} (the odd one after)")
    rule = {"valid": "no padding", "full": "$d(K-1)$ on both sides",
            "causal": "$d(K-1)$ before and nothing after"}[word]
    return f"{where}{word} is {rule}, {pair}"


def _math(value: Any) -> str:
    return num(value) if isinstance(value, int) else sympy.latex(value)


def _torch_same(op: Conv, seed: int) -> tuple[bool, str] | None:
    """PyTorch's ``padding="same"`` against the operator (None when it does not apply)."""
    if op.symbolic or op.transposed or op.ndim > 3:
        return None
    if any(axis.padding_word != "same" or axis.stride != 1 for axis in op.axes):
        return None
    import torch

    from .numeric import _NotFinite, evaluate_rows, random_values

    try:
        x, weights, symbols = random_values(op, seed + 1)
    except _NotFinite:
        return None
    _, rows = candidate_rows(op, None)
    got = evaluate_rows(rows, x.reshape(-1), symbols)
    layer_class = getattr(torch.nn, f"Conv{op.ndim}d")
    axes = op.axes
    layer = layer_class(op.in_channels, op.out_channels, [a.kernel_size for a in axes],
                        stride=1, padding="same", dilation=[a.dilation for a in axes],
                        groups=op.groups, bias=False, padding_mode=axes[0].padding_mode,
                        dtype=torch.float64)
    weight = torch.from_numpy(np.ascontiguousarray(weights))
    if op.flip:
        weight = weight.flip(list(range(2, 2 + op.ndim)))
    with torch.no_grad():
        layer.weight.copy_(weight)
        want = layer(torch.from_numpy(x).unsqueeze(0)).squeeze(0).numpy().reshape(-1)
    if want.shape != got.shape:
        return False, (f"PyTorch's padding='same' gives {want.size} outputs, the operator "
                       f"{got.size}")
    scale = max(1.0, float(np.abs(want).max(initial=0.0)))
    error = np.abs(got - want)
    if not np.isfinite(error).all() or (error.size and error.max() > 1e-9 * scale):
        worst = int(np.nan_to_num(error, nan=np.inf).argmax())
        return False, (f"PyTorch's padding='same' (stride 1) disagrees: output {worst} "
                       f"(0-based) is {got[worst]:.12g}, torch.nn.Conv{op.ndim}d gives "
                       f"{want[worst]:.12g}")
    return True, (f"torch.nn.Conv{op.ndim}d(padding='same', padding_mode="
                  f"'{axes[0].padding_mode}') gives the same {got.size} outputs (max |error| "
                  f"{float(error.max(initial=0.0)):.1e})")
