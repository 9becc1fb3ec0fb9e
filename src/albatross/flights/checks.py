"""The checks a PIREP must pass (each switchable per airline) and the auto-accept rules. Pure.

Each check fails with its own problem type, so a tracker or a form can tell the pilot exactly
what to fix.
"""

from __future__ import annotations

from albatross.kernel import DomainError
from albatross.operations.domain import AutoAcceptRule

# problem type -> title (the web layer lists these)
CHECK_TITLES = {
    "pirep-unknown-airport": "Unknown airport",
    "pirep-aircraft-unavailable": "Aircraft not available",
    "pirep-aircraft-elsewhere": "Aircraft is elsewhere",
    "pirep-pilot-elsewhere": "Pilot is elsewhere",
    "pirep-rank-not-allowed": "Rank may not fly this aircraft",
    "pirep-implausible-time": "Implausible flight time",
}

# Ground speeds a real flight averages over its block time (gate to gate, knots).
MIN_BLOCK_SPEED_KT = 30.0
MAX_BLOCK_SPEED_KT = 700.0


class CheckFailed(DomainError):
    """A PIREP check failed; `code` names which one."""

    def __init__(self, code: str, detail: str, field: str) -> None:
        super().__init__(detail, fields={field: detail})
        self.code = code


def plausible_time(distance_nm: float, minutes: int) -> None:
    if minutes <= 0:
        raise CheckFailed("pirep-implausible-time", "flight_time: must be more than 0 minutes", "flight_time")
    if distance_nm < 50:  # circuits and short hops: any time is believable
        return
    speed = distance_nm / (minutes / 60)
    if speed > MAX_BLOCK_SPEED_KT:
        raise CheckFailed(
            "pirep-implausible-time",
            f"{minutes} minutes for {distance_nm:.0f} nmi is {speed:.0f} kt gate to gate: too fast",
            "flight_time",
        )
    if speed < MIN_BLOCK_SPEED_KT:
        raise CheckFailed(
            "pirep-implausible-time",
            f"{minutes} minutes for {distance_nm:.0f} nmi is {speed:.0f} kt gate to gate: too slow",
            "flight_time",
        )


def auto_accept_rule(
    rules: list[AutoAcceptRule],
    *,
    rank: str | None,
    source: str,
    landing_rate_fpm: float | None,
    minutes: int | None,
    planned_minutes: int | None,
) -> str | None:
    """The first rule every condition of which the PIREP meets, described; None: review it."""
    for number, rule in enumerate(rules, 1):
        reasons = []
        if rule.rank is not None:
            if rank != rule.rank:
                continue
            reasons.append(f"rank {rule.rank}")
        if rule.source is not None:
            if source != rule.source:
                continue
            reasons.append(f"{rule.source} report")
        if rule.max_landing_rate_fpm is not None:
            if landing_rate_fpm is None or abs(landing_rate_fpm) > rule.max_landing_rate_fpm:
                continue
            reasons.append(f"landing rate {abs(landing_rate_fpm):.0f} <= {rule.max_landing_rate_fpm} fpm")
        if rule.max_time_deviation_percent is not None:
            if not minutes or not planned_minutes:
                continue
            deviation = abs(minutes - planned_minutes) / planned_minutes * 100
            if deviation > rule.max_time_deviation_percent:
                continue
            reasons.append(f"flight time {deviation:.0f}% off plan <= {rule.max_time_deviation_percent}%")
        return f"auto-accept rule {number}: " + (", ".join(reasons) or "every PIREP")
    return None
