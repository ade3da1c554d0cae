"""What a verification will cost, computed from the parameters before any work is done.

The instance checks are sparse: each builds a few operators of the same geometry (stride 1,
dilation 1 with the zero-inserted kernel, the adjoint, the phases, the defining sums) and walks
their entries once, so the work is proportional to

    entries = C_out * C_in/groups * prod over axes of (m_a * (d_a (K_a - 1) + 1))

(the output rows times the taps of the zero-inserted kernel the dilation identity walks -- at
dilation 1 that is the number of multiplications m*K, the non-zeros plus the taps that land in zero
padding) plus the padded input and output positions.  ``MAX_VERIFY_WORK`` is where that takes about
a minute on two shared cores (``benchmarks/bench_verify.py`` prints seconds per unit).
"""

from __future__ import annotations

from ..core.conv import Conv

#: Measured (CPU time, user + system, 2 shared cores, 23 GB): ``benchmarks/bench_verify.py`` gives
#: 3.7 µs per unit in 1-D (n = 262,144, K = 3, d = 2: 1.8 M units, 6.8 s) and 5.0 µs in 3-D
#: (40x40x40, 3x3x3: 1.6 M units, 8.1 s); per unit the cost grows slowly with size (3-D 66x66x66,
#: 3x3x3: 7.6 M units, 46 s, 2.6 GB; 1-D n = 1.1 M: 7.7 M units, 26 s, 1.4 GB, one merge earlier;
#: 3-D stride 2 reflect 4.9 µs, transposed 3-D with channels 2.4 µs per unit).  8 M units is
#: 25-50 s of CPU and at most about 2.8 GB: about a minute.
MAX_VERIFY_WORK = 8_000_000


def _prod(values: list[int]) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def verify_work(op: Conv) -> tuple[int, int, int]:
    """(entries, padded input positions, output positions) the instance checks walk."""
    axes = op.axes
    pairs = op.out_channels * (op.in_channels // op.groups)
    entries = pairs * _prod([axis.output_length * axis.receptive_field for axis in axes])
    inputs = op.in_channels * _prod([axis.n + axis.pad_before + axis.pad_after for axis in axes])
    outputs = op.out_channels * _prod([axis.output_length for axis in axes])
    return entries, inputs, outputs


def verify_cost_problem(op: Conv) -> str | None:
    """The one-line reason ``verify`` refuses ``op`` (None: it finishes in about a minute)."""
    entries, inputs, outputs = verify_work(op)
    total = entries + inputs + outputs
    if total <= MAX_VERIFY_WORK:
        return None
    shape = "x".join(str(axis.output_length) for axis in op.axes)
    fields = "x".join(str(axis.receptive_field) for axis in op.axes)
    return (f"verify's work must be at most {MAX_VERIFY_WORK:,} (rows x zero-inserted taps + "
            f"input + output positions, about a minute), got {total:,} (output {shape}, "
            f"receptive field {fields}, {op.shape[1]:,} inputs); verify a smaller --n, or --n n "
            "(1-D) for the proof that holds for every n")
