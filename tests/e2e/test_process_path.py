"""The case process in the browser (the "Forløb" section of the case page): prepare a § 32
decision, see the required steps warned about, decide with a reason for the step not taken,
start a measure, follow up on it, correct dates and see the deadlines move, and a stale
version answered with "Hent igen". axe on the screens with the forms open."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from playwright.async_api import expect

from backend.core.workdays import add_months, next_working_day
from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in


def _dk(day: date) -> str:
    return day.strftime("%d.%m.%Y")


async def _place(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Open a place of the case page (Overblik, Forløb, Netværk, …) from its tabs."""
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name=name).click()


async def _register_child(page, seed: int, first: str, last: str, place: str = "Forløb") -> None:
    await log_in(page, "København", username("sagsbehandler", "0101"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(new_cpr(seed))
    await page.get_by_label("Fornavn").fill(first)
    await page.get_by_label("Efternavn").fill(last)
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name=f"{first} {last}")).to_be_visible()
    if place != "Overblik":
        await _place(page, place)
        await expect(page.get_by_role("heading", level=2, name=place)).to_be_visible()


async def test_decision_with_a_reason_measure_follow_up_and_moved_deadline(page):
    await _register_child(page, 5151, "Frida", "Forløbsen")
    forloeb = page.get_by_role("region", name="Forløb", exact=True)
    await expect(forloeb.get_by_text("Sagen har endnu ikke noget forløb")).to_be_visible()
    done = forloeb.get_by_role("status").first

    # Prepare a § 32 decision: børnesamtale and partshøring become activities.
    await forloeb.get_by_role("button", name="Forbered afgørelse").click()
    visitation = page.get_by_role("form", name="Forbered afgørelse")
    await visitation.get_by_role("radio", name=re.compile(r"^§ 32")).check()
    await check_axe(page, "forbered afgørelse")
    await visitation.get_by_role("button", name="Start forberedelsen").click()
    await expect(done).to_contain_text("Afgørelsen efter § 32 forberedes")
    await expect(done).to_contain_text("Hold børnesamtale før afgørelsen – før afgørelsen")
    await expect(forloeb.get_by_role("button", name="Forbered afgørelse")).to_have_count(0)

    # The decision form warns about both steps before anything is sent.
    await forloeb.get_by_role("button", name="Træf afgørelse").click()
    decision = page.get_by_role("form", name="Træf afgørelse")
    samtale = decision.get_by_role("note").filter(has_text="Hold børnesamtale før afgørelsen")
    hoering = decision.get_by_role("note").filter(has_text="Partshøring før afgørelse")
    await expect(samtale).to_contain_text("Barnets Lov § 5")
    await expect(hoering).to_contain_text("Forvaltningsloven § 19")
    await expect(decision.get_by_role("radio", name=re.compile(r"^§ 32"))).to_be_checked()
    await decision.get_by_role("radio", name="Bevilget").check()
    await decision.get_by_label("Afgørelsens indhold og begrundelse").fill(
        "Familiebehandling bevilges for at styrke forældrenes omsorg."
    )
    # § 32: only support without placement is offered.
    measure = decision.get_by_label("Indsats", exact=True)
    await expect(measure.locator("option", has_text="Anbringelse i plejefamilie")).to_have_count(0)
    await measure.select_option(label="Familiebehandling")
    await expect(decision.get_by_label("Indsatsen starter")).to_have_value(date.today().isoformat())

    # Without reasons the API refuses; its messages stand by the reason fields.
    await decision.get_by_role("button", name="Gem afgørelsen").click()
    samtale_error = page.locator('[id="exceptions.boernesamtale-error"]')
    hoering_error = page.locator('[id="exceptions.partshoering-error"]')
    await expect(samtale_error).to_contain_text("Skriv begrundelsen for at træffe afgørelsen uden")
    await expect(hoering_error).to_contain_text("Ikke gennemført: Partshøring")
    samtale_reason = decision.get_by_label(
        "Begrundelse for at træffe afgørelsen uden: Hold børnesamtale"
    )
    await expect(samtale_reason).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_text("Der er fejl i formularen")).to_be_visible()
    await check_axe(page, "afgørelse med manglende begrundelser")

    # Record the børnesamtale: its activity is done and its warning goes.
    await forloeb.get_by_role("button", name="Registrér skridt").click()
    step = page.get_by_role("form", name="Registrér gennemført skridt")
    await step.get_by_role("radio", name="Børnesamtale holdt").check()
    await step.get_by_label("Kort beskrivelse").fill("Samtale med Frida i skolen.")
    await check_axe(page, "registrér skridt")
    await step.get_by_role("button", name="Gem skridt").click()
    await expect(done).to_contain_text("Udført: Hold børnesamtale før afgørelsen")
    await expect(samtale).to_have_count(0)
    await expect(hoering).to_be_visible()
    await expect(samtale_error).to_have_count(0)

    await decision.get_by_label("Begrundelse for at træffe afgørelsen uden: Partshøring").fill(
        "Afgørelsen giver forældrene fuldt medhold i deres ansøgning."
    )
    await decision.get_by_role("button", name="Gem afgørelsen").click()
    await expect(done).to_contain_text("Afgørelsen er truffet: bevilget efter § 32")
    today = date.today()
    follow_up = next_working_day(add_months(today, 3))
    await expect(done).to_contain_text(f"Indsats: Familiebehandling fra {_dk(today)}")
    await expect(done).to_contain_text(f"Første opfølgning på indsatsen – frist {_dk(follow_up)}")
    await expect(decision).to_have_count(0)

    # The measure, the decision and the new deadlines are on the case.
    measures = forloeb.get_by_role("list", name="Indsatser")
    await expect(measures).to_contain_text("Familiebehandling")
    await expect(measures).to_contain_text(f"fra {_dk(today)}")
    open_activities = forloeb.get_by_role("list", name="Åbne aktiviteter")
    plan = open_activities.get_by_role("listitem").filter(has_text="barnets plan")
    await expect(plan).to_contain_text(f"Frist {_dk(next_working_day(add_months(today, 3)))}")
    first = open_activities.get_by_role("listitem").filter(has_text="Første opfølgning")
    await expect(first).to_contain_text(f"Frist {_dk(follow_up)}")
    decisions = forloeb.get_by_role("list", name="Afgørelser")
    await expect(decisions).to_contain_text("§ 32: Bevilget")
    await expect(decisions).to_contain_text("Truffet uden „Partshøring før afgørelse mod en part“")

    # Correct the measure's start: the first follow-up moves with it.
    await measures.get_by_role("button", name="Ret startdato").click()
    move = page.get_by_role("form", name="Ret startdato: Familiebehandling")
    new_start = today + timedelta(days=7)
    await move.get_by_label("Ny startdato").fill(new_start.isoformat())
    await move.get_by_role("button", name="Gem ny startdato").click()
    await expect(move.get_by_text("Angiv hvorfor startdatoen ændres").first).to_be_visible()
    await check_axe(page, "ret startdato med fejl")
    await move.get_by_label("Begrundelse for rettelsen").fill(
        "Familiebehandleren starter en uge senere."
    )
    await move.get_by_role("button", name="Gem ny startdato").click()
    moved_to = next_working_day(add_months(new_start, 3))
    await expect(done).to_contain_text(
        f"Frist flyttet: Første opfølgning på indsatsen fra {_dk(follow_up)} til {_dk(moved_to)}"
    )
    await expect(forloeb.locator(".case-outcome")).to_be_focused()
    await expect(first).to_contain_text(f"Frist {_dk(moved_to)}")

    # A follow-up needs the next date and a reason; then it completes the first follow-up.
    await forloeb.get_by_role("button", name="Registrér skridt").click()
    await step.get_by_role("radio", name="Opfølgning på indsatsen gennemført").check()
    await expect(step.get_by_label("Indsats, der er fulgt op på")).to_have_value(re.compile(".+"))
    await step.get_by_role("button", name="Gem skridt").click()
    await expect(
        step.get_by_text("Angiv hvornår der næste gang skal følges op på indsatsen").first
    ).to_be_visible()
    await check_axe(page, "opfølgning med fejl")
    next_due = today + timedelta(days=60)
    await step.get_by_label("Næste opfølgning senest").fill(next_due.isoformat())
    await step.get_by_label("Begrundelse for tidspunktet for næste opfølgning").fill(
        "Familien er i god udvikling; to måneder er nok."
    )
    await step.get_by_role("button", name="Gem skridt").click()
    await expect(done).to_contain_text("Udført: Første opfølgning på indsatsen")
    await expect(done).to_contain_text(
        f"Ny aktivitet: Opfølgning på indsatsen – frist {_dk(next_working_day(next_due))}"
    )
    steps = forloeb.get_by_role("list", name="Gennemførte skridt")
    await expect(steps).to_contain_text(
        f"Næste opfølgning senest {_dk(next_due)}: Familien er i god udvikling"
    )
    await expect(first).to_have_count(0)
    await check_axe(page, "forløb efter opfølgning")

    # Someone else changes the measure meanwhile: a stale save says so, "Hent igen" reloads.
    await measures.get_by_role("button", name="Ret startdato").click()
    await move.get_by_label("Ny startdato").fill(today.isoformat())
    await move.get_by_label("Begrundelse for rettelsen").fill("Alligevel fra i dag.")
    other = await page.context.new_page()
    await other.goto(page.url)
    other_forloeb = other.get_by_role("region", name="Forløb", exact=True)
    await other_forloeb.get_by_role("button", name="Ret startdato").click()
    other_move = other.get_by_role("form", name="Ret startdato: Familiebehandling")
    await other_move.get_by_label("Ny startdato").fill((today + timedelta(days=3)).isoformat())
    await other_move.get_by_label("Begrundelse for rettelsen").fill("Aftalt med familien.")
    await other_move.get_by_role("button", name="Gem ny startdato").click()
    await expect(other_forloeb.get_by_role("status").first).to_contain_text("Startdatoen er rettet")
    await other.close()

    await move.get_by_role("button", name="Gem ny startdato").click()
    conflict = move.get_by_role("alert").filter(has_text="ændret af en anden")
    await expect(conflict).to_contain_text("Indsatsen er ændret")
    await expect(conflict).to_contain_text(_dk(today + timedelta(days=3)))
    await check_axe(page, "indsats ændret af en anden")
    await conflict.get_by_role("button", name="Hent igen").click()
    await expect(conflict).to_have_count(0)
    await expect(measures).to_contain_text(f"fra {_dk(today + timedelta(days=3))}")
    await move.get_by_role("button", name="Gem ny startdato").click()
    await expect(done).to_contain_text(
        f"Startdatoen er rettet: Familiebehandling starter {_dk(today)}"
    )


async def test_receipt_awareness_and_investigation_dates_and_closing_the_case(page):
    await _register_child(page, 5252, "Otto", "Omrettesen", place="Overblik")
    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Fagperson").check()
    await page.get_by_label("Kilde").select_option(label="Skole")
    await page.get_by_label("Underretterens navn").fill("Lærer Holm")
    await page.get_by_label("Hvad handler underretningen om").fill("Otto er ofte træt.")
    await page.get_by_role("dialog").get_by_role("button", name="Registrér underretning").click()
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await _place(page, "Forløb")
    forloeb = page.get_by_role("region", name="Forløb", exact=True)
    notifications = forloeb.get_by_role("list", name="Underretninger")
    await expect(notifications).to_contain_text("Fra skole (fagperson: Lærer Holm)")
    done = forloeb.get_by_role("status").first

    # Correct when the notification arrived: the 24-hour deadline moves.
    await notifications.get_by_role("button", name="Ret modtagelsestidspunkt").click()
    receipt = page.get_by_role("form", name="Ret modtagelsestidspunkt")
    earlier = datetime.now() - timedelta(days=1)
    await receipt.get_by_label("Nyt modtagelsestidspunkt").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    await receipt.get_by_label("Begrundelse for rettelsen").fill("Mailen lå i en fælles postkasse.")
    await check_axe(page, "ret modtagelsestidspunkt")
    await receipt.get_by_role("button", name="Gem nyt tidspunkt").click()
    await expect(done).to_contain_text("Modtagelsestidspunktet er rettet")
    await expect(done).to_contain_text("Frist flyttet: Vurdér inden 24 timer")

    # An investigation (started from the Overblik): correct when the kommune became aware,
    # then finish it.
    await _place(page, "Overblik")
    await page.get_by_role("button", name="Start børnefaglig undersøgelse").click()
    await (
        page.get_by_role("dialog")
        .get_by_role("button", name="Start børnefaglig undersøgelse")
        .click()
    )
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await _place(page, "Forløb")
    await expect(forloeb.get_by_role("button", name="Ret opmærksomhedsdato")).to_be_visible()
    await forloeb.get_by_role("button", name="Ret opmærksomhedsdato").click()
    aware = page.get_by_role("form", name="Ret datoen for kommunens kendskab")
    aware_since = date.today() - timedelta(days=10)
    await aware.get_by_label("Ny dato for kommunens kendskab").fill(aware_since.isoformat())
    await aware.get_by_label("Begrundelse for rettelsen").fill(
        "Skolen ringede allerede for ti dage siden."
    )
    await aware.get_by_role("button", name="Gem ny dato").click()
    await expect(done).to_contain_text(
        "Frist flyttet: Afslut den børnefaglige undersøgelse (ellers en foreløbig vurdering)"
    )
    await expect(done).to_contain_text(f"til {_dk(next_working_day(add_months(aware_since, 4)))}")

    await forloeb.get_by_role("button", name="Afslut undersøgelse").click()
    finish = page.get_by_role("form", name="Afslut børnefaglig undersøgelse")
    await finish.get_by_label("Undersøgelsens konklusion").fill("Ingen grundlag for støtte.")
    await check_axe(page, "afslut undersøgelse")
    await finish.get_by_role("button", name="Gem afslutningen").click()
    await expect(done).to_contain_text("Den børnefaglige undersøgelse er afsluttet")
    await expect(forloeb.get_by_role("button", name="Afslut undersøgelse")).to_have_count(0)
    timeline = forloeb.get_by_role("list", name="Enkeltsager")
    await expect(timeline).to_contain_text("Ingen grundlag for støtte.")

    # Close the case: a reason is required; afterwards no actions remain.
    await forloeb.get_by_role("button", name="Luk sagen").click()
    close = page.get_by_role("form", name="Luk sagen")
    await close.get_by_role("button", name="Bekræft lukning").click()
    await expect(close.get_by_text("Angiv hvorfor sagen lukkes").first).to_be_visible()
    await close.get_by_label("Begrundelse for at lukke sagen").fill(
        "Undersøgelsen viste intet behov."
    )
    await close.get_by_role("button", name="Bekræft lukning").click()
    await expect(done).to_contain_text("Sagen er lukket")
    await expect(forloeb.get_by_role("button", name="Træf afgørelse")).to_have_count(0)
    await expect(forloeb.get_by_role("note").filter(has_text="Sagen er lukket")).to_contain_text(
        "Undersøgelsen viste intet behov."
    )
    # Nothing new is offered on the closed case, here or after a reload.
    for reloaded in (False, True):
        if reloaded:
            await page.reload()
            await expect(
                forloeb.get_by_role("note").filter(has_text="Sagen er lukket")
            ).to_be_visible()
        await _place(page, "Overblik")
        await expect(page.get_by_role("heading", name="Det skal gøres")).to_be_visible()
        for action in ("Registrér underretning", "Start børnefaglig undersøgelse"):
            await expect(page.get_by_role("button", name=action)).to_have_count(0)
        await _place(page, "Netværk")
        await expect(page.get_by_role("heading", level=2, name="Netværk")).to_be_visible()
        await expect(page.get_by_role("button", name="Tilføj person")).to_have_count(0)
        await _place(page, "Forløb")
    await check_axe(page, "lukket sag")
