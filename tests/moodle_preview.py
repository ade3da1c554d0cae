"""A Moodle question as a student sees it, without a Moodle server: the question text with each
cloze code replaced by an answer box (a numerical question gets one box at the end), the maths
typeset from its ``\\( \\)`` and ``\\[ \\]`` delimiters by KaTeX's auto-render (Moodle's MathJax
filter reads the same delimiters).  For tests and for looking at a quiz:

    python -m tests.moodle_preview class.xml 3 out.html   # the 3rd question of class.xml
"""

from __future__ import annotations

import html
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATEX = ROOT / "node_modules" / "katex" / "dist"
_CODE_RE = re.compile(r"\{[0-9]*:(?:NUMERICAL|NM|SHORTANSWER|SA|MW):(?:\\.|[^}\\])*\}")


def preview(question: ET.Element) -> str:
    """A self-contained page (KaTeX loaded from node_modules) showing ``question``."""
    text = question.find("questiontext").findtext("text")
    text = _CODE_RE.sub('<input class="box" size="8">', text)
    if question.get("type") == "numerical":
        text += '\n<p>Answer: <input class="box" size="8"></p>'
    name = html.escape(question.find("name").findtext("text"))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{name}</title>
<link rel="stylesheet" href="{(KATEX / 'katex.min.css').as_uri()}">
<script src="{(KATEX / 'katex.min.js').as_uri()}"></script>
<script src="{(KATEX / 'contrib' / 'auto-render.min.js').as_uri()}"></script>
<style>body {{ font-family: sans-serif; max-width: 46em; margin: 1em auto; }}
.que {{ border: 1px solid #ccc; background: #e7f3f5; padding: 1em; }}
input.box {{ border: 1px solid #888; }}</style></head>
<body><div class="que"><h3>{name}</h3>
{text}
</div>
<script>renderMathInElement(document.body, {{delimiters: [
  {{left: "\\\\[", right: "\\\\]", display: true}},
  {{left: "\\\\(", right: "\\\\)", display: false}}], throwOnError: false}});</script>
</body></html>
"""


def main(argv: list[str]) -> None:
    source, number, target = argv
    questions = [q for q in ET.parse(source).getroot() if q.get("type") != "category"]
    Path(target).write_text(preview(questions[int(number) - 1]), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
