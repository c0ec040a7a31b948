"""A fake Slack Web API on loopback for end-to-end tests: `FakeSlack`, `Fault`, `Call`.

    with FakeSlack() as slack:                 # a threaded HTTP server on 127.0.0.1, random port
        slack.url                              # "http://127.0.0.1:PORT/api/" -> SLACK_API_URL
        slack.add_user("U1", locale="ko-KR")   # users.info answers with this locale
        slack.add_fault(Fault("chat.postMessage", status=429, retry_after=2))
        ...
        slack.wait_for("chat.postMessage", count=1)   # the calls, once `count` have happened
        slack.calls("chat.postMessage")               # every answered call, in order

See `tests/fakeslack/server.py` for the methods implemented and the fault kinds.
"""

from fakeslack.server import DEFAULT_TEAM, Call, FakeSlack, Fault, Team

__all__ = ["DEFAULT_TEAM", "Call", "FakeSlack", "Fault", "Team"]
