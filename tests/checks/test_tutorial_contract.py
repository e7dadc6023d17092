"""The official Channels tutorial's own tests (part 4), as the workshop checks them, run its way.

workshop/learning/tutorial_contract_tests.py goes into a copy of the project as chat/tests.py, and
`python manage.py test chat.tests` runs it: ChannelsLiveServerTestCase with Selenium driving
Debian's Chromium through chromium-driver. The page keeps the tutorial's element ids, and its log
(a list) reads like the tutorial's textarea through `#chat-log`'s `value`.
"""

import pytest
from harness.pages import needs_chromium_and_chromedriver

from workshop.learning.tutorial_contract import (
    failures_of,
    run_tutorial_contract,
)

pytestmark = [pytest.mark.live, pytest.mark.browser]


def test_the_tutorials_part_4_tests_pass_run_its_way(rooms_project, redis_url, tmp_path):
    needs_chromium_and_chromedriver()
    result = run_tutorial_contract(rooms_project, redis_url, tmp_path)
    assert result.returncode == 0, f"{failures_of(result.stderr)}\n{result.stderr[-4000:]}"
    assert "Ran 2 tests" in result.stderr and "OK" in result.stderr
