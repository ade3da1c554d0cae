"""Shared test settings.

With SYMDIL_REQUIRE_TOOLS=1 (set by .ci/run) a test that would skip because a real tool (pdflatex,
KaTeX, PyTorch) is missing fails instead: CI installs every tool, so nothing may be skipped there.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("SYMDIL_REQUIRE_TOOLS") == "1":
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under SYMDIL_REQUIRE_TOOLS=1 (CI must have every tool): {reason}"
