"""Support after 18 in the browser (issue 17 item 4): a placed young person of 17 years and
4 months has "Overgang til voksenlivet" on the worklist, due six months before the 18th
birthday → "Udfør" opens the transition, which asks whether support after 18 was decided →
"Træf afgørelse efter § 114" opens the decision form with § 114 chosen (an end after the
23rd birthday's eve is refused at the field) → back in the transition the decision is
chosen → the case shows the link on both. axe on the forms; screenshots at 1366×768 and
768×1024, no sideways scrolling."""

from __future__ import annotations

import random
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from backend.core.danish import today_dk
from backend.core.workdays import add_months, previous_working_day
from backend.demo import synthetic_cpr
from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in, open_worklist_group

B = "0202"
OUT = Path(__file__).resolve().parents[2] / "test-results" / "ungestoette"


def _dk(day: Any) -> str:
    return str(day.strftime("%d.%m.%Y"))


async def _shots(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_transition_leads_to_a_decision_on_support_after_18(page, as_user: AsUser):
    c = await as_user(B, "sagsbehandler")
    today = today_dk()
    birth = add_months(today, -(17 * 12 + 4))
    family = "Overgaard" + uuid.uuid4().hex[:4]
    rng = random.Random(uuid.uuid4().int)
    r = await c.post(
        "/api/children",
        json={"cpr": synthetic_cpr(rng, birth), "first_name": "Jonas", "last_name": family},
    )
    assert r.status_code == 201 and r.json()["existing"] is False, r.text
    case_id = r.json()["hovedsag_id"]
    r = await c.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": today.isoformat(),
            "summary": "Anbringelse med samtykke på opholdssted.",
            "measure": "opholdssted",
            "starts_on": today.isoformat(),
            "exceptions": {"boernesamtale": "Holdt", "partshoering": "Samtykke"},
        },
    )
    assert r.status_code == 201, r.text
    eighteen = add_months(birth, 18 * 12)
    due = previous_working_day(add_months(eighteen, -6))
    last = add_months(birth, 23 * 12) - timedelta(days=1)

    # The worklist: the transition is due six months before the 18th birthday.
    await log_in(page, "Testby", username("sagsbehandler", B))
    await page.get_by_label("Barn", exact=True).select_option(value=case_id)
    await page.get_by_label("Type").select_option(value="overgang-18")
    row = await open_worklist_group(page, "Senere", "træf afgørelse om ungestøtte")
    await expect(row).to_contain_text(_dk(due))
    await row.get_by_role("link", name=re.compile("^Udfør på sagen")).click()

    # The transition asks whether support after 18 was decided.
    forloeb = page.get_by_role("region", name="Forløb", exact=True)
    step = page.get_by_role("form", name="Registrér gennemført skridt")
    transition = step.get_by_role("radio", name="Overgangen til voksenlivet er planlagt")
    await expect(transition).to_be_checked()
    await step.get_by_role("button", name="Gem skridt").click()
    await expect(
        step.get_by_text("Svar på, om der er truffet afgørelse om støtte efter det 18. år").first
    ).to_be_visible()
    await step.get_by_role("radio", name="Ja, afgørelse efter § 114").check()
    await check_axe(page, "overgang uden afgørelse")
    await _shots(page, "overgang")
    await step.get_by_role("button", name="Træf afgørelse efter § 114").click()

    # The decision form comes with § 114 chosen, from the 18th birthday to the 23rd's eve.
    decision = page.get_by_role("form", name="Træf afgørelse")
    await expect(decision.get_by_role("radio", name=re.compile(r"^§ 114"))).to_be_checked()
    await decision.get_by_role("radio", name="Bevilget").check()
    await decision.get_by_label("Afgørelsens indhold og begrundelse").fill(
        "Jonas bliver boende på opholdsstedet, til han har gjort sin uddannelse færdig."
    )
    measure = decision.get_by_label("Indsats", exact=True)
    await expect(measure.locator("option", has_text="Anbringelse på opholdssted")).to_have_count(0)
    await measure.select_option(label="Opretholdt døgnophold på anbringelsesstedet (18-22 år)")
    await expect(decision.get_by_label("Indsatsen starter")).to_have_value(eighteen.isoformat())
    end = decision.get_by_label("Støtten ophører senest")
    await expect(end).to_have_value(last.isoformat())
    await end.fill((last + timedelta(days=1)).isoformat())
    await decision.get_by_role("button", name="Gem afgørelsen").click()
    await expect(page.locator("#afg-end-error")).to_contain_text(
        f"Ungestøtte kan højst gives til og med dagen før det fyldte 23. år ({_dk(last)})"
    )
    await expect(end).to_have_attribute("aria-invalid", "true")
    await check_axe(page, "afgørelse om ungestøtte med fejl")
    await _shots(page, "afgoerelse-fejl")
    await end.fill(last.isoformat())
    await decision.get_by_role("button", name="Gem afgørelsen").click()
    # The steps before a decision: a reason for each, as for §§ 32, 46, 47.
    await decision.get_by_label(
        "Begrundelse for at træffe afgørelsen uden: Hold børnesamtale"
    ).fill("Samtalen blev holdt med Jonas ved revisionen af ungeplanen.")
    await decision.get_by_label("Begrundelse for at træffe afgørelsen uden: Partshøring").fill(
        "Afgørelsen giver Jonas fuldt medhold."
    )
    await decision.get_by_role("button", name="Gem afgørelsen").click()
    done = forloeb.get_by_role("status").first
    await expect(done).to_contain_text("Afgørelsen er truffet: bevilget efter § 114")
    await expect(done).to_contain_text(f"fra {_dk(eighteen)} til {_dk(last)}")

    # Back in the transition: "Ja" and the decision are chosen.
    await expect(step.get_by_role("radio", name="Ja, afgørelse efter § 114")).to_be_checked()
    await expect(step.get_by_label("Afgørelse om støtte efter det 18. år")).to_have_value(
        re.compile(".+")
    )
    await step.get_by_role("button", name="Gem skridt").click()
    await expect(done).to_contain_text(
        "Udført: Revidér ungeplanen og træf afgørelse om ungestøtte efter det 18. år"
    )

    # The case shows the link on both, and the support's planned end.
    decisions = forloeb.get_by_role("list", name="Afgørelser")
    await expect(decisions).to_contain_text("§ 114: Bevilget")
    await expect(decisions).to_contain_text(
        f"Afgørelsen om støtte efter det 18. år (§ 111): overgangen til voksenlivet registreret "
        f"{_dk(today)}"
    )
    steps = forloeb.get_by_role("list", name="Gennemførte skridt")
    await expect(steps).to_contain_text(
        f"Afgørelse om støtte efter det 18. år: § 114, bevilget {_dk(today)}"
    )
    measures = forloeb.get_by_role("list", name="Indsatser")
    await expect(measures).to_contain_text(f"bevilget til {_dk(last)}")
    await check_axe(page, "forløb med ungestøtte")
    await _shots(page, "forloeb-ungestoette")
