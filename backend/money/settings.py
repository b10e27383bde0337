"""The kommune's rules for approval: when a composed bevilling needs a manager's approval
before the decision (always, above a yearly amount, never), and whether a payment does."""

from __future__ import annotations

from dataclasses import dataclass

from backend.core.errors import FieldError
from backend.money.common import fmt_kr, journal
from backend.money.repositories import settings as repo

APPROVAL_MODES = {
    "altid": "Altid",
    "over_beloeb": "Når den forventede årlige udgift er over grænsen",
    "aldrig": "Aldrig",
}


@dataclass(frozen=True)
class MoneySettings:
    bevilling_approval: str
    bevilling_approval_threshold_oere: int
    payment_approval: bool

    def needs_approval(self, per_year_oere: int) -> bool:
        if self.bevilling_approval == "altid":
            return True
        if self.bevilling_approval == "over_beloeb":
            return per_year_oere > self.bevilling_approval_threshold_oere
        return False


async def load() -> MoneySettings:
    rules = await repo.get_approval_rules()
    return MoneySettings(
        rules.bevilling_approval, rules.bevilling_approval_threshold_oere, rules.payment_approval
    )


async def do_update(actor: str, new: MoneySettings) -> MoneySettings:
    if new.bevilling_approval not in APPROVAL_MODES:
        raise FieldError("bevilling_approval", "Vælg hvornår en bevilling kræver godkendelse")
    if new.bevilling_approval_threshold_oere < 0:
        raise FieldError("bevilling_approval_threshold_oere", "Grænsen kan ikke være negativ")
    old = await load()
    if old == new:
        return old
    await repo.update_approval_rules(
        repo.ApprovalRules(
            new.bevilling_approval, new.bevilling_approval_threshold_oere, new.payment_approval
        )
    )
    rule = APPROVAL_MODES[new.bevilling_approval].lower()
    if new.bevilling_approval == "over_beloeb":
        rule += f" ({fmt_kr(new.bevilling_approval_threshold_oere)} pr. år)"
    await journal(
        actor,
        "settings",
        None,
        "aendret",
        f"Godkendelse af bevillinger: {rule}; godkendelse af betalinger: "
        + ("ja" if new.payment_approval else "nej"),
        before=old.__dict__,
        after=new.__dict__,
    )
    return new
