"""Time the stack arithmetic of a WaveNet block and the cost of composing the operator.

Run: ``python benchmarks/bench_stack.py [n_facts] [n_compose]`` (defaults 4096 and 1024).

1. A WaveNet block (two taps, dilations 1, 2, ..., 512, causal) at n = 4,096: building the
   stack, the receptive field, effective stride and padding, the regions of the first and last
   outputs, ``single_conv()`` (the 1,024 composed taps and the border analysis) and the stack
   document -- none of these builds the product (3.7 million non-zeros).
2. Composing ``M_L ... M_1`` for 4, 8 and 10 layers at n_compose: seconds, non-zeros, and
   microseconds per non-zero, against a baseline measured in the same run: one layer's own
   operator (``Conv.rows``, O(m K)) per non-zero.  Constant microseconds per non-zero is the
   O(non-zeros of the product) claim.

A benchmark prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import sys
import time

from symdil import Conv, Stack
from symdil.stack.document import StackDocument


def wavenet(n: int, layers: int) -> Stack:
    return Stack(n, [dict(kernel=2, dilation=2 ** j, padding="causal") for j in range(layers)])


def timed(action):
    """CPU seconds of ``action()`` (process time: stable on a shared machine) and its value."""
    start = time.process_time()
    value = action()
    return time.process_time() - start, value


def main() -> None:
    n_facts = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    n_compose = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    print(f"WaveNet block (K = 2, dilations 1..512, causal) at n = {n_facts} (CPU seconds)")
    seconds, net = timed(lambda: wavenet(n_facts, 10))
    rows = [("build the stack", seconds, "10 layers")]
    for label, action in [
        ("receptive_field", lambda: net.receptive_field),
        ("effective_stride", lambda: net.effective_stride),
        ("effective_padding", lambda: net.effective_padding),
        ("region of y_0", lambda: net.receptive_field_region(0)),
        (f"region of y_{n_facts - 1}", lambda: net.receptive_field_region(n_facts - 1)),
        ("single_conv()", lambda: net.single_conv()),
        ("document (markdown)", lambda: len(StackDocument(net).render("markdown", True))),
    ]:
        seconds, value = timed(action)
        if label == "single_conv()":
            value = (f"{len(value.conv.kernel)} taps, {len(value.border)} border rows"
                     if value.conv is not None else value.reason)
        elif label.startswith("document"):
            value = f"{value} characters"
        rows.append((label, seconds, value))
    for label, seconds, value in rows:
        print(f"  {label:<22}{seconds:>9.3f}   {value}")
    print(f"  product bound: {net.nonzeros_bound:,} non-zeros (not built)")

    print(f"\ncomposing M_L ... M_1 at n = {n_compose}")
    seconds, layer_rows = timed(lambda: Conv(n_compose, 2, dilation=8, padding=(8, 0)).rows)
    baseline = seconds / sum(len(row) for row in layer_rows)
    print(f"  baseline: one layer's Conv.rows, {baseline * 1e6:.2f} us per non-zero")
    print(f"  {'layers':>6}{'seconds':>10}{'non-zeros':>12}{'us/nz':>9}{'x baseline':>12}")
    for layers in (4, 8, 10):
        stack = wavenet(n_compose, layers)
        seconds, _ = timed(lambda stack=stack: stack.rows)
        nonzeros = stack.nonzeros
        per = seconds / nonzeros
        print(f"  {layers:>6}{seconds:>10.2f}{nonzeros:>12,}{per * 1e6:>9.2f}"
              f"{per / baseline:>12.1f}")


if __name__ == "__main__":
    main()
