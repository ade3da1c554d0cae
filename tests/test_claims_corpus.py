"""The claims corpus (tests/claims_corpus): every snippet passes as written, and fails with the
planted error at the object the manifest names.  The snippets are written by hand for these tests
(issue 10), each following one habit of real papers; the manifest holds the expected verdicts."""

import tomllib
from pathlib import Path

import pytest

from symdil.claims import check_document

CORPUS = Path(__file__).parent / "claims_corpus"
SNIPPETS = tomllib.loads((CORPUS / "MANIFEST.toml").read_text(encoding="utf-8"))["snippet"]


def test_manifest_lists_every_snippet_and_enough_of_them():
    files = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".tex", ".md"))
    assert sorted(s["file"] for s in SNIPPETS) == files
    assert len(files) >= 45


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s["file"] for s in SNIPPETS])
def test_snippet_as_written(snippet):
    text = (CORPUS / snippet["file"]).read_text(encoding="utf-8")
    report = check_document(text, snippet["file"])
    (display,) = report.displays
    assert display.verdict == snippet["verdict"], report.text()
    for words in snippet["mentions"]:
        assert words in report.text(), (words, report.text())


PLANTED = [s for s in SNIPPETS if "planted" in s]


def test_every_readable_snippet_has_a_planted_twin():
    assert [s["file"] for s in SNIPPETS if "planted" not in s] == [
        s["file"] for s in SNIPPETS if s.get("class") == "unreadable"]


def test_over_the_whole_corpus_correct_is_never_fail_and_unreadable_never_pass():
    """The guarantee of the three verdicts (issue 18), over every snippet: a correct display is
    PASS or NOT CHECKED, an unreadable one NOT CHECKED, and every planted error FAIL (exit 1)."""
    counts = {}
    for snippet in SNIPPETS:
        text = (CORPUS / snippet["file"]).read_text(encoding="utf-8")
        kind = snippet.get("class", "correct")
        (display,) = check_document(text, snippet["file"]).displays
        counts[(kind, display.verdict)] = counts.get((kind, display.verdict), 0) + 1
        if kind == "correct":
            assert display.verdict in ("passed", "not checked"), snippet["file"]
        else:
            assert display.verdict in ("not checked", "failed", "error"), snippet["file"]
        if "planted" in snippet:
            old, new = snippet["planted"]
            (twin,) = check_document(text.replace(old, new, 1), snippet["file"]).displays
            counts[("planted", twin.verdict)] = counts.get(("planted", twin.verdict), 0) + 1
            assert twin.verdict == "failed", snippet["file"]
    assert counts[("planted", "failed")] == len(PLANTED)


@pytest.mark.parametrize("snippet", PLANTED, ids=[s["file"] for s in PLANTED])
def test_snippet_with_planted_error(snippet):
    text = (CORPUS / snippet["file"]).read_text(encoding="utf-8")
    old, new = snippet["planted"]
    assert old in text, f"the planted error's text {old!r} is not in {snippet['file']}"
    report = check_document(text.replace(old, new, 1), snippet["file"])
    (display,) = report.displays
    assert display.verdict == "failed", report.text()
    assert report.exit_code == 1
    failed = [o for o in display.result.objects if o.status == "failed"]
    assert [o.kind for o in failed] == [snippet["planted_object"]], report.text()
    (wrong_object,) = failed
    assert wrong_object.mismatches, report.text()  # an entry is named, not just a shape
    first = wrong_object.mismatches[0]
    assert first.location.startswith(snippet["file"] + ":")
    assert first.row_1based == first.row_0based + 1
