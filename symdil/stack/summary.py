"""The facts of a ``Stack`` as plain data (JSON-ready): the layer table, the receptive-field
arithmetic and the single convolution.  No product is built: everything here is closed form or
the region recurrence, so it is instant at any n."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .model import Stack, _prod


def _plain(value: Any) -> Any:
    """Tuples become lists, fractions "p/q" strings, SymPy values strings."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, (int, str, bool)) or value is None:
        return value
    return str(value)


def layer_rows(stack: Stack) -> list[dict[str, Any]]:
    """One record per layer: sizes, parameters, receptive field so far and jump, per axis."""
    ndim = stack.ndim
    fields = [stack.receptive_fields(a) for a in range(ndim)]
    jumps = [stack.jumps(a) for a in range(ndim)]
    rows = []
    for number, layer in enumerate(stack.layers):
        def per(values: list) -> Any:
            return values[0] if ndim == 1 else tuple(values)

        axes = layer.axes
        rows.append({
            "layer": number + 1,
            "input_length": per([ax.n for ax in axes]),
            "kernel": per([ax.kernel_size for ax in axes]),
            "stride": per([ax.stride for ax in axes]),
            "dilation": per([ax.dilation for ax in axes]),
            "padding": per([(ax.pad_before, ax.pad_after) for ax in axes]),
            "padding_mode": axes[0].padding_mode,
            "transposed": layer.transposed,
            "output_padding": per([ax.output_padding for ax in axes]),
            "channels": (layer.in_channels, layer.out_channels),
            "groups": layer.groups,
            "output_length": per([ax.output_length for ax in axes]),
            "receptive_field": per([fields[a][number] for a in range(ndim)]),
            "jump": per([jumps[a][number] for a in range(ndim)]),
        })
    return rows


def stack_summary(stack: Stack) -> dict[str, Any]:
    """Everything ``symdil stack`` prints, as JSON-ready data."""
    m = stack.output_shape[1:]
    first = tuple(0 for _ in m)
    last = tuple(size - 1 for size in m)
    one = stack.ndim == 1
    single = stack.single_conv()
    candidate = single.candidate
    single_data: dict[str, Any] = {"exists": single.exists, "reason": single.reason}
    if single.stride is not None and (candidate is not None or single.unbuilt):
        def per(values: tuple) -> Any:
            return values[0] if one else values

        single_data.update(stride=_plain(per(single.stride)),
                           padding=_plain(per(single.padding)), taps=_prod(single.size))
        if candidate is not None:
            single_data["kernel"] = [str(tap) for tap in candidate.kernel]
        else:
            single_data["kernel_not_built"] = single.unbuilt
        single_data["border_rows"] = list(single.border)
    return _plain({
        "n": stack.n,
        "input_shape": stack.input_shape,
        "output_shape": stack.output_shape,
        "closed_form": stack.forward_only,
        "layers": layer_rows(stack),
        "receptive_field": stack.receptive_field,
        "effective_stride": stack.effective_stride,
        "effective_padding": stack.effective_padding,
        "region_first": stack.receptive_field_region(first[0] if one else first),
        "region_last": stack.receptive_field_region(last[0] if one else last),
        "single_conv": single_data,
        "kernel": [str(tap) for tap in stack.kernel],
    })
