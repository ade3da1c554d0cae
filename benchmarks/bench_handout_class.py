"""A class's quiz and key: time per student, against one student measured in the same run.

    python benchmarks/bench_handout_class.py

Prints, for growing classes (every kind once per sheet, level 3, figures on), the seconds to draw
and check every sheet and write the Moodle XML and the Markdown class key, per student, and each
size's ratio to the first: a ratio near 1 means time proportional to the students (each sheet is
drawn and checked on its own; nothing grows with the class but the output).
"""

from __future__ import annotations

import time
import tracemalloc

from symdil.handout import Classroom, variants
from symdil.handout.exercises import KINDS


def main() -> None:
    baseline = None
    print(f"{'students':>8} {'quiz s':>7} {'key s':>6} {'s/student':>9} {'peak MB':>8} ratio")
    for count in (1, 5, 20, 40):
        tracemalloc.start()
        start = time.perf_counter()
        room = Classroom(variants(count), 7, len(KINDS), kinds=KINDS, level=3, figures=True)
        quiz = room.moodle()
        quizzed = time.perf_counter()
        key = room.key("markdown")
        done = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        assert quiz.count("<question type=") == len(KINDS) * (count + 1) and key
        per_student = (done - start) / count
        baseline = baseline or per_student
        print(f"{count:>8} {quizzed - start:>7.2f} {done - quizzed:>6.2f} {per_student:>9.3f} "
              f"{peak:>8.1f} {per_student / baseline:.2f}")


if __name__ == "__main__":
    main()
