"""``symdil stack``: a chain of convolutions -- receptive field, regions, single convolution,
verification and derivation documents.

One ``--layer`` per layer, in order, each a space-separated list of ``key=value`` items using the
shared options' value syntax (``kernel=3``, ``stride=2,1``, ``padding=1:0`` or a word,
``dilation=4``, ``mode=reflect``, ``out=2``, ``groups=2``, ``output_padding=1``) and the bare
words ``flip`` and ``transposed``.  Shorthands: ``--wavenet 10`` is ten layers with two taps,
dilations 1, 2, 4, ..., 512 and causal padding (WaveNet's block); ``--dilations 1,2,4`` is one
layer per dilation with ``--kernel`` taps and ``--padding``.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..core.errors import SymdilError
from . import options as o
from .common import check_extension, emit, output_file, user_errors, write_outputs


class StackFormat(str, Enum):
    text = "text"
    json = "json"
    latex = "latex"
    markdown = "markdown"
    html = "html"


class Against(str, Enum):
    torch = "torch"


_KEYS = {"kernel": "kernel", "k": "kernel", "stride": "stride", "s": "stride",
         "dilation": "dilation", "d": "dilation", "padding": "padding", "p": "padding",
         "mode": "padding_mode", "padding_mode": "padding_mode",
         "output_padding": "output_padding", "out": "out_channels",
         "out_channels": "out_channels", "groups": "groups", "in": "in_channels",
         "in_channels": "in_channels"}
_WORDS = ("flip", "transposed")
_LAYER_SYNTAX = ("key=value items separated by spaces: kernel (k), stride (s), dilation (d), "
                 "padding (p), mode, output_padding, out, groups, and the words flip, transposed")


def parse_layer(text: str, ndim: int, number: int) -> dict[str, Any]:
    """One ``--layer`` value as ``Conv`` arguments (without n)."""
    where = f"--layer {number}"
    layer: dict[str, Any] = {}
    for item in text.split():
        if item in _WORDS:
            layer[item] = True
            continue
        key, equals, value = item.partition("=")
        if not equals or key.strip().lower() not in _KEYS or not value.strip():
            raise SymdilError(f"{where} must be {_LAYER_SYNTAX}; got {item!r}")
        name = _KEYS[key.strip().lower()]
        if name in layer:
            raise SymdilError(f"{where} gives {name} twice ({text!r})")
        value = value.strip()
        if name == "kernel":
            layer[name] = o.parse_kernel(value, ndim)
        elif name == "padding":
            padding = o.parse_padding(value, ndim)
            if isinstance(padding, list):
                padding = padding[0] if len(padding) == 1 else tuple(padding)
            layer[name] = padding
        elif name == "padding_mode":
            if value.lower() not in [mode.value for mode in o.PaddingMode]:
                raise SymdilError(f"{where}: mode must be one of zeros, circular, reflect, "
                                  f"replicate, got {value!r}")
            layer[name] = value.lower()
        elif name in ("out_channels", "groups", "in_channels"):
            layer[name] = o._int(f"{where} {key}", value)
        else:
            layer[name] = o._ints(f"{where} {key}", value)
    if "kernel" not in layer:
        raise SymdilError(f"{where} needs kernel=K (the number of taps, or 1-D taps such as "
                          f"1,-2,1); got {text!r}")
    return layer


def build_layers(n_value: Any, layer: list[str], wavenet: Optional[int],
                 dilations: Optional[str], kernel: str, padding: str) -> list[dict[str, Any]]:
    ndim = len(n_value) if isinstance(n_value, tuple) else 1
    chosen = sum(bool(x) for x in (layer, wavenet is not None, dilations is not None))
    if chosen != 1:
        raise SymdilError("give the layers with --layer (repeated), or one shorthand: "
                          "--wavenet N or --dilations 1,2,4 (exactly one of these)")
    if wavenet is not None:
        if not 1 <= wavenet <= 30:
            raise SymdilError(f"--wavenet must be a number of layers from 1 to 30, got {wavenet}")
        return [dict(kernel=2, dilation=2 ** j, padding="causal") for j in range(wavenet)]
    if dilations is not None:
        values = o._ints("--dilations", dilations)
        values = values if isinstance(values, tuple) else (values,)
        pad = o.parse_padding(padding, ndim)
        if isinstance(pad, list):
            pad = pad[0] if len(pad) == 1 else tuple(pad)
        return [dict(kernel=o.parse_kernel(kernel, ndim), dilation=d, padding=pad)
                for d in values]
    return [parse_layer(text, ndim, number) for number, text in enumerate(layer, start=1)]


def _cell(value: Any) -> str:
    """JSON-ready values as text: lists as tuples ``(1, 0)``, booleans as yes/no."""
    if isinstance(value, list):
        return "(" + ", ".join(_cell(item) for item in value) + ")"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def stack_text(summary: dict[str, Any]) -> str:
    """The summary as aligned plain text."""
    lines = [f"stack of {len(summary['layers'])} layer(s), input (channels, *n) = "
             f"{_cell(summary['input_shape'])}, output {_cell(summary['output_shape'])}"]
    header = ("layer", "input", "K", "s", "d", "padding", "transposed", "output", "r so far",
              "jump")
    rows = [header] + [tuple(_cell(row[key]) for key in (
        "layer", "input_length", "kernel", "stride", "dilation", "padding", "transposed",
        "output_length", "receptive_field", "jump")) for row in summary["layers"]]
    widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
    for row in rows:
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
    lines.append(f"receptive field:   {summary['receptive_field']}")
    lines.append(f"effective stride:  {summary['effective_stride']}")
    lines.append(f"effective padding: {_cell(summary['effective_padding'])} (before, after)")
    lines.append(f"region of the first output: {_cell(summary['region_first'])}")
    lines.append(f"region of the last output:  {_cell(summary['region_last'])}")
    single = summary["single_conv"]
    if single["exists"]:
        lines.append(f"single convolution: stride {_cell(single['stride'])}, padding "
                     f"{_cell(single['padding'])}, {single['taps']} composed taps (every row "
                     "equal)")
    else:
        lines.append(f"single convolution: none ({single['reason']})")
    return "\n".join(lines) + "\n"


def stack(
    n: o.N,
    layer: Annotated[list[str], typer.Option(
        "--layer", "-l", metavar="SPEC",
        help="One layer, repeat in order: space-separated key=value items, e.g. "
        "[bold]\"kernel=2 dilation=4 padding=causal\"[/] (keys: kernel/k, stride/s, "
        "dilation/d, padding/p, mode, output_padding, out, groups; words: flip, transposed).",
        show_default=False)] = [],  # noqa: B006
    wavenet: Annotated[Optional[str], typer.Option(
        "--wavenet", metavar="N", help="Shorthand: N layers with 2 taps, dilations 1, 2, 4, "
        "..., 2^(N-1), causal padding (a WaveNet block).")] = None,
    dilations: Annotated[Optional[str], typer.Option(
        "--dilations", metavar="D,D,...",
        help="Shorthand: one layer per dilation ([bold]1,2,4,8[/]) with --kernel taps and "
        "--padding.")] = None,
    kernel: Annotated[str, typer.Option(
        "--kernel", "-k", metavar="K", help="Taps per layer with --dilations.")] = "2",
    padding: Annotated[str, typer.Option(
        "--padding", "-p", metavar="PADDING",
        help="Padding per layer with --dilations.")] = "causal",
    in_channels: o.InChannels = "1",
    input_symbol: o.InputSymbol = "a",
    kernel_symbol: Annotated[str, typer.Option(
        "--kernel-symbol", metavar="NAME",
        help="Base of the taps: layer l's are k^{(l)}_t.")] = "k",
    fmt: Annotated[StackFormat, typer.Option("--format", "-f", case_sensitive=False,
                                             help="Output format.")] = (
        StackFormat.text),
    standalone: Annotated[bool, typer.Option(
        "--standalone", help="A complete LaTeX/Markdown document instead of a snippet.")] = False,
    verify: Annotated[bool, typer.Option(
        "--verify", help="Run the stack checks (product = layers in turn, receptive-field "
        "facts = row supports, single conv = product, numeric); exit 1 if one fails.")] = False,
    against: Annotated[Optional[Against], typer.Option(
        "--against", help="With --verify: also run torch.nn.Sequential on random integers.")
    ] = None,
    title: Annotated[Optional[str], typer.Option(
        "--title", metavar="TEXT", help="Title of a --standalone document (plain text; "
        "escaped).")] = None,
    width: o.Width = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", parser=output_file, metavar="FILE",
        help="Write to FILE atomically (default: stdout).")] = None,
    figure: Annotated[Optional[Path], typer.Option(
        "--figure", parser=output_file, metavar="FILE",
        help="Also draw the stack (layers as rows of nodes, the "
        "dependency tree of the last output, its receptive field): FILE.svg as SVG, FILE.tex "
        "as TikZ (1-D, one channel, forward layers).")] = None,
) -> None:
    """A stack of convolutions: layer table, receptive field, regions, single convolution.

    Exit status: 0 success, 1 a --verify check fails, 2 bad arguments.

    Examples:

    \b
      symdil stack --n 4096 --wavenet 10
      symdil stack --n 12 -l "k=3 s=2 p=1" -l "k=2 d=2" -l "k=3 s=2 transposed p=1"
      symdil stack --n 32 --dilations 1,2,4 --kernel 3 --padding same --verify
    """
    from ..stack.model import Stack
    from ..stack.summary import stack_summary

    with user_errors():
        check_extension("-o/--output", output, fmt.value)  # every format (stack has no --pdf)
        if fmt is StackFormat.html:
            standalone = True  # an HTML document is always a whole page
        if title is not None and not (standalone and fmt in (
                StackFormat.latex, StackFormat.markdown, StackFormat.html)):
            raise SymdilError("--title applies to --standalone LaTeX/Markdown documents; add "
                              "--standalone and --format latex or markdown")
        if against is not None and not verify:
            raise SymdilError("--against torch applies with --verify; add --verify")
        n_value = o.parse_n(n)
        if not isinstance(n_value, (int, tuple)):
            raise SymdilError(f"--n must be an integer (a stack needs a concrete n), got {n!r}")
        count = None if wavenet is None else o.parse_int("--wavenet", wavenet,
                                                          "a number of layers from 1 to 30")
        layers = build_layers(n_value, layer, count, dilations, kernel, padding)
        channels = o.parse_int("--in-channels", in_channels, "a positive integer")
        if channels != 1:
            layers[0].setdefault("in_channels", channels)
        net = Stack(n_value, layers, input_symbol=input_symbol, kernel_symbol=kernel_symbol)
        report = None
        if verify:
            from ..stack.checks import verify_stack

            report = verify_stack(net, against=against.value if against else None)
        if fmt is StackFormat.json:
            document = stack_summary(net)
            if report is not None:
                document["verification"] = report.to_json()
            text = json.dumps(document, indent=2) + "\n"
        elif fmt is StackFormat.text:
            text = stack_text(stack_summary(net))
            if report is not None:
                from .verify import report_text

                text += report_text(report)
        else:
            if report is not None and not report.passed:
                failed = ", ".join(check.name for check in report.failed)
                typer.echo(f"Error: verification failed ({failed}); nothing was written",
                           err=True)
                raise typer.Exit(1)
            from ..stack.document import StackDocument

            text = StackDocument(net, width=width).render(fmt.value, standalone, report, title)
        if figure is not None:
            from ..figures import stack_figure, to_svg, to_tikz

            if figure.suffix.lower() not in (".svg", ".tex", ".tikz"):
                raise SymdilError(f"--figure {str(figure)!r} must be named .svg (SVG) or .tex "
                                  "(TikZ)")
            drawn = stack_figure(net)
            picture = to_svg(drawn) if figure.suffix.lower() == ".svg" else to_tikz(drawn)
            if output is not None:
                write_outputs([(output, text, "-o/--output"), (figure, picture, "--figure")])
                text = None
            else:
                emit(picture, figure, "--figure")
        if text is not None:
            emit(text, output)
    if report is not None and not report.passed:
        raise typer.Exit(1)
