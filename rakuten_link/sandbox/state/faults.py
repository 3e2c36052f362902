"""Rate limiting and injected faults: the misbehaviour a real RMS shows on a bad day.

Everything random draws from the state's seeded `random.Random`, so a test that sets `random_seed`
sees the same sequence of failures every run. One-shot rules are fully deterministic.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any


class RateLimiter:
    """Sliding one-second window per (credential, family).

    A window rather than a token bucket: a client pacing at exactly the documented rate passes,
    one that bursts is refused at once, which is what a strict gateway does.
    """

    def __init__(self) -> None:
        self._hits: dict[tuple[str, str], deque[float]] = {}

    def allow(self, key: tuple[str, str], per_second: float, at: float) -> bool:
        """Record a hit at monotonic time `at` and say whether it is within `per_second`."""
        if per_second <= 0:
            return True
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= at - 1.0:
            hits.popleft()
        if len(hits) >= per_second:
            return False
        hits.append(at)
        return True

    def clear(self) -> None:
        self._hits.clear()


@dataclass
class FaultRule:
    """ "The next `remaining` calls to `target` fail": target is a function id, a family, or "*".

    `after`: the call is handled as usual (its changes are applied), then the connection is closed
    unanswered, as when an answer is lost on the way back. A client then cannot tell whether RMS applied
    it, which is what exactly-once reporting has to survive; `status`, `body` and `drop` are not used.
    """

    target: str
    remaining: int
    status: int = 503
    body: dict[str, Any] | None = None
    drop: bool = False
    after: bool = False
    skip: int = 0  # let this many matching calls through first (a failure in the middle of a walk)

    def matches(self, function_id: str, family: str) -> bool:
        return self.remaining > 0 and self.target in ("*", function_id, family)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class OneShotFaults:
    """Queue of FaultRules; the first matching rule is consumed per call."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        self.rules.append(rule)

    def take(self, function_id: str, family: str) -> FaultRule | None:
        for rule in self.rules:
            if rule.matches(function_id, family):
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.remaining -= 1
                self.rules = [r for r in self.rules if r.remaining > 0]
                return rule
        return None

    def clear(self) -> None:
        self.rules.clear()


def default_fault_body(status: int) -> dict[str, Any]:
    """Body for an injected server error.

    GE0019 is the documented 500 code; the 503 code is the sandbox's own (RMS's is UNCONFIRMED),
    so clients must key on the HTTP status, never on this body.
    """
    if status == 500:
        return {"errors": [{"code": "GE0019", "message": "Internal Server Error"}]}
    if status == 503:
        return {"errors": [{"code": "GE0503", "message": "Service Unavailable"}]}
    return {"errors": [{"code": f"GE{status:04d}", "message": "Injected fault"}]}
