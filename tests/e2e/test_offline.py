"""Issue 7 in the browser (production build, Debian's Chromium): save the worklist for home
visits, go offline, reload, unlock, read a case and its network, write notes, complete an
activity, correct a phone number, come back online and find everything on the server
exactly once - also from another browser; a conflict resolved by the caseworker; wipes on
logout, wrong passphrases, revocation and user switch (IndexedDB inspected from the test);
nothing readable in IndexedDB or Cache Storage; the front page's panel appears only once the
lists above it are in (a press on it is not lost). axe on every screen."""

from __future__ import annotations

import asyncio
import re
import uuid
from contextlib import asynccontextmanager
from typing import Any

import httpx
from playwright.async_api import expect

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import logged_in, username
from tests.e2e.conftest import check_axe, log_in, log_out
from tests.e2e.records import RECEIPT, fill_assessment, fill_receipt, record_dialog
from tests.e2e.test_screens import shots
from tests.factories import completion_record, unique_cpr

KOMMUNE = "København"
CODE = "0101"
PASSPHRASE = "regnvejr over Valby bakke"

# ---------------------------------------------------------------- helpers


@asynccontextmanager
async def api_as(app: Any, role: str = "sagsbehandler"):  # type: ignore[no-untyped-def]
    """The API in-process with a session of ``role`` (another device; the browser logs in
    through the provider)."""
    async with await logged_in(app, CODE, role) as c:
        yield c


async def child_with_case(app: Any, seed: int, first: str, last: str) -> dict[str, Any]:
    """A child on the caseworker's own worklist, with a school contact, open activities
    and a note."""
    async with api_as(app) as c:
        r = await c.post(
            "/api/children",
            json={"cpr": unique_cpr(), "first_name": first, "last_name": last, "address": "Vej 1"},
        )
        assert r.status_code == 201, r.text
        child_id, case_id = r.json()["child_id"], r.json()["hovedsag_id"]
        member = (
            await c.post(
                f"/api/children/{child_id}/network",
                json={
                    "relation": "skole",
                    "name": f"Lærer {last}",
                    "organisation": "Nørre Skole",
                    "phone": "61479328",
                    "email": "laerer@skole.dk",
                },
            )
        ).json()
        r = await c.post(
            f"/api/cases/{case_id}/underretninger",
            json={
                "received_at": "2026-01-05T10:00:00+01:00",
                "notifier_kind": "fagperson",
                "source": "skole",
                "concerns": f"{first} kommer sulten i skole",
            },
        )
        activities = r.json()["activities"]
        await c.post(
            f"/api/cases/{case_id}/journal",
            json={"title": "Tidligere notat", "body": f"Hemmelig note om {first}"},
        )
    return {
        "child_id": child_id,
        "case_id": case_id,
        "name": f"{first} {last}",
        "member": member,
        "activities": activities,
    }


async def save_for_home_visits(page: Any) -> None:
    panel = page.get_by_role("region", name="Hjemmebesøg uden forbindelse")
    await expect(panel).to_be_visible()
    await panel.get_by_role("button", name="Gem til hjemmebesøg").click()
    await page.get_by_label("Adgangsfrase til offline-brug", exact=True).fill(PASSPHRASE)
    await page.get_by_label("Gentag adgangsfrasen", exact=True).fill(PASSPHRASE)
    await check_axe(page, "vælg adgangsfrase")
    await panel.get_by_role("button", name="Gem til hjemmebesøg").click()
    await expect(page.get_by_text("Sagerne er gemt til hjemmebesøg")).to_be_visible(timeout=20_000)


async def controlled_by_worker(page: Any) -> None:
    await page.evaluate("async () => { await navigator.serviceWorker.ready; }")


async def unlock(page: Any, passphrase: str = PASSPHRASE) -> None:
    await expect(page.get_by_role("heading", level=1, name="Lås offline-data op")).to_be_visible()
    await page.get_by_label("Adgangsfrase", exact=True).fill(passphrase)
    await page.get_by_role("button", name="Lås op").click()


async def reload_offline(page: Any) -> None:
    await page.reload()
    await unlock(page)
    await expect(page.get_by_role("heading", level=1, name="Hjemmebesøg")).to_be_visible()


DUMP_IDB = """async () => {
  const text = (v) => {
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
      const bytes = v instanceof ArrayBuffer ? new Uint8Array(v)
        : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      return new TextDecoder('utf-8', {fatal: false}).decode(bytes)
        + ' ' + Array.from(bytes, (b) => String.fromCharCode(b)).join('');
    }
    if (Array.isArray(v)) return v.map(text).join(' ');
    if (v && typeof v === 'object') {
      return Object.entries(v).map(([k, x]) => k + ':' + text(x)).join(' ');
    }
    return String(v);
  };
  const out = {};
  const infos = await indexedDB.databases();
  for (const info of infos) {
    const db = await new Promise((res, rej) => {
      const r = indexedDB.open(info.name);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const stores = {};
    for (const name of db.objectStoreNames) {
      const st = db.transaction(name, 'readonly').objectStore(name);
      const all = (r) => new Promise((res) => { r.onsuccess = () => res(r.result); });
      const keys = await all(st.getAllKeys());
      const values = await all(st.getAll());
      const indexes = [...st.indexNames];
      stores[name] = {keys: keys.map(String), values: values.map(text), indexes};
    }
    db.close();
    out[info.name] = stores;
  }
  return out;
}"""

CACHED_TEXT = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) {
      const res = await cache.match(req);
      const type = res.headers.get('content-type') || '';
      out.push({url: req.url, body: /javascript|html|json|css/.test(type) ? await res.text() : ''});
    }
  }
  return out;
}"""


async def idb_dump(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = await page.evaluate(DUMP_IDB)
    return result


def assert_nothing_readable(dump: dict[str, Any], secrets: list[str]) -> None:
    for db, stores in dump.items():
        for store, content in stores.items():
            assert content["indexes"] == [], (db, store)
            blob = " ".join(content["keys"]) + " ".join(content["values"])
            for secret in secrets:
                assert secret not in blob, f"{secret!r} readable in IndexedDB {db}/{store}"
            if store in ("records", "outbox"):
                assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", k) for k in content["keys"]), content[
                    "keys"
                ]


async def journal_titles(case_id: str) -> list[str]:
    async with tenant_transaction(DB, CODE) as scope:
        rows = await scope.connection.fetch(
            "SELECT title FROM journal_entry WHERE hovedsag_id = $1 ORDER BY id",
            uuid.UUID(case_id),
        )
    return [r["title"] for r in rows]


async def no_api_in_caches(page: Any, secrets: list[str]) -> None:
    cached = await page.evaluate(CACHED_TEXT)
    assert cached, "the app shell is precached"
    for entry in cached:
        assert "/api/" not in entry["url"] and "/health" not in entry["url"], entry["url"]
        for secret in secrets:
            assert secret not in entry["body"], (secret, entry["url"])


# ---------------------------------------------------------------- the front page's panel


async def test_what_is_pressed_on_the_front_page_does_not_move_under_the_press(page, app):
    """On a loaded machine the first click on "Gem til hjemmebesøg" now and then opened
    nothing (2026-12-07). The button showed as soon as the offline access was known; when the
    worklist above it arrived during the press, the panel moved down (about 370 px) and the
    release landed on the list - a press and a release on different elements are no click (and
    Playwright checks only the press's target). The worklist itself moved so under "Indgået
    post". Here their answers are held back, as on a slow server or tablet: the worklist
    appears once "Indgået post" is in, the offline panel once the lists above it are in."""
    await child_with_case(app, 9109, "Trine", "Trykkesen")  # overdue activities: a list above
    held = {name: asyncio.Event() for name in ("incoming", "summary", "activities", "cases")}

    def hold(name: str) -> Any:
        async def handler(route: Any) -> None:
            await held[name].wait()
            await route.continue_()

        return handler

    await page.route("**/api/documents/incoming*", hold("incoming"))
    await page.route("**/api/worklist/summary*", hold("summary"))
    await page.route("**/api/worklist/activities*", hold("activities"))
    await page.route("**/api/worklist/cases*", hold("cases"))
    async with page.expect_request_finished(lambda r: "/api/offline/adgang" in r.url):
        await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    panel = page.get_by_role("region", name="Hjemmebesøg uden forbindelse")
    button = panel.get_by_role("button", name="Gem til hjemmebesøg")
    tabs = page.get_by_role("tablist", name="Forsidens lister")
    await expect(page.get_by_text("Henter arbejdslisten …")).to_be_visible()
    await expect(tabs).to_have_count(0)
    held["incoming"].set()
    await expect(tabs).to_be_visible()
    await expect(page.get_by_text("Henter dine aktiviteter …")).to_be_visible()
    # "Mine sager"'s count is answered after the offline access: once it shows, the panel has
    # had its answers too (the old page showed its button by now).
    held["cases"].set()
    await expect(page.get_by_role("tab", name=re.compile(r"^Mine sager \d"))).to_be_visible()
    await expect(button).to_have_count(0)
    # The summary arrives; the first group's page is still on its way: still no button.
    held["summary"].set()
    await expect(page.get_by_text("Henter aktiviteter …")).to_be_visible()
    await expect(button).to_have_count(0)
    held["activities"].set()
    await expect(page.get_by_text("Henter aktiviteter …")).to_have_count(0)
    await button.click()
    await expect(page.get_by_label("Adgangsfrase til offline-brug", exact=True)).to_be_focused()
    await shots(page, "offline-adgangsfrase")


# ---------------------------------------------------------------- the home visit


async def test_home_visit_offline_and_back_online(page, app, browser, server):
    child = await child_with_case(app, 9101, "Oline", "Offlinesen")
    member, activity = child["member"], child["activities"][0]
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await check_axe(page, "forside med hjemmebesøg")
    await save_for_home_visits(page)
    await check_axe(page, "gemt til hjemmebesøg")
    secrets = ["Offlinesen", "Hemmelig note", "61479328", "laerer@skole.dk", "Nørre Skole"]
    assert_nothing_readable(await idb_dump(page), secrets)
    await no_api_in_caches(page, secrets)

    # No connection at all: the app starts from the worker's precache, locked.
    await controlled_by_worker(page)
    await page.context.set_offline(True)
    await page.reload()
    await expect(page.get_by_role("heading", level=1, name="Lås offline-data op")).to_be_visible()
    await check_axe(page, "lås op")
    await page.get_by_label("Adgangsfrase", exact=True).fill("forkert adgangsfrase")
    await page.get_by_role("button", name="Lås op").click()
    await expect(page.get_by_text("Du har 4 forsøg tilbage")).to_be_visible()
    await check_axe(page, "forkert adgangsfrase")
    await page.get_by_label("Adgangsfrase", exact=True).fill(PASSPHRASE)
    await page.get_by_role("button", name="Lås op").click()
    await expect(page.get_by_role("heading", level=1, name="Hjemmebesøg")).to_be_visible()
    await expect(page.get_by_role("region", name="Offline-status")).to_contain_text("Du er offline")
    await check_axe(page, "offline arbejdsliste")

    # The case: the child, the network with contact details, the open activities.
    await page.get_by_role("link", name=child["name"]).click()
    await expect(page.get_by_role("heading", level=1, name=child["name"])).to_be_visible()
    network = page.get_by_role("region", name="Netværk")
    await expect(network.get_by_text(member["name"])).to_be_visible()
    await expect(
        network.get_by_role("link", name=f"Ring til {member['name']} på 61479328")
    ).to_be_visible()
    await expect(network.get_by_role("link", name="laerer@skole.dk")).to_be_visible()
    await expect(page.get_by_text("Hemmelig note om Oline")).to_be_visible()
    await check_axe(page, "offline sag")

    # Two visit notes, one activity done, a corrected phone number: shown at once.
    for title in ("Hjemmebesøg kl. 10", "Opfølgning efter besøget"):
        await page.get_by_label("Overskrift", exact=True).fill(title)
        await page.get_by_label("Notat", exact=True).fill(f"{title}: mor og Oline var hjemme.")
        await page.get_by_role("button", name="Gem notat").click()
        entry = page.get_by_role("listitem").filter(has_text=title)
        await expect(entry.get_by_text("Ikke synkroniseret", exact=True)).to_be_visible()
    # The 24-hour assessment is written on the visit: its form, saved with the completion.
    assert activity["rule_id"] == "vurdering-24-timer"
    await page.get_by_role("button", name=f"Registrér vurdering: {activity['title']}").click()
    dialog = record_dialog(page)
    await expect(dialog).to_be_visible()
    await check_axe(page, "offline vurdering inden 24 timer")
    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    await expect(dialog.get_by_text("Skriv din vurdering")).to_have_count(2)  # summary + field
    await fill_assessment(dialog, "Skrevet hos familien: ingen akut fare.")
    await shots(page, "offline-vurdering")
    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_text("Markeret som udført på enheden.")).to_be_visible()
    await page.get_by_role("button", name=f"Ret kontaktoplysninger for {member['name']}").click()
    await page.get_by_label("Telefon", exact=True).fill("87654321")
    await page.get_by_role("button", name="Gem rettelse").click()
    await expect(
        network.get_by_role("link", name=f"Ring til {member['name']} på 87654321")
    ).to_be_visible()
    await check_axe(page, "offline sag med ændringer")

    # Reload, still offline: nothing is lost, everything is still marked.
    await page.reload()
    await unlock(page)
    await expect(page.get_by_role("heading", level=1, name=child["name"])).to_be_visible()
    await expect(page.get_by_text("Ikke synkroniseret", exact=True)).to_have_count(4)
    await expect(page.get_by_role("region", name="Offline-status")).to_contain_text(
        "4 ændringer er ikke synkroniseret"
    )
    assert_nothing_readable(
        await idb_dump(page), [*secrets, "Hjemmebesøg kl. 10", "mor og Oline", "87654321"]
    )

    # Back online: sent on `online`, exactly once.
    await page.context.set_offline(False)
    await expect(page.get_by_text("Ikke synkroniseret", exact=True)).to_have_count(
        0, timeout=15_000
    )
    await expect(page.get_by_role("region", name="Offline-status")).to_have_count(0)
    titles = await journal_titles(child["case_id"])
    assert titles.count("Hjemmebesøg kl. 10") == 1
    assert titles.count("Opfølgning efter besøget") == 1
    assert "Netværk: kontaktoplysninger for Lærer Offlinesen rettet" in titles
    assert titles.count("Vurdering inden 24 timer") == 1
    async with api_as(app) as c:
        net = (await c.get(f"/api/children/{child['child_id']}/network")).json()
        assert next(m for m in net if m["id"] == member["id"])["phone"] == "87654321"
        case = (await c.get(f"/api/cases/{child['case_id']}")).json()
        done = next(a for a in case["activities"] if a["id"] == activity["id"])
        assert done["status"] == "done"
        assert done["record"]["vurdering"] == "Skrevet hos familien: ingen akut fare."
    await no_api_in_caches(page, secrets)

    # On another device, the note is in the case's journal.
    other = await browser.new_context(base_url=server, locale="da-DK")
    try:
        second = await other.new_page()
        await log_in(second, KOMMUNE, username("sagsbehandler", CODE))
        await second.goto(f"/sager/{child['case_id']}/journal")
        await expect(second.get_by_role("heading", level=1, name=child["name"])).to_be_visible()
        journal = second.get_by_role("region", name="Indlæg")
        await expect(journal.get_by_text("Hjemmebesøg kl. 10", exact=True)).to_have_count(1)
        await expect(journal.get_by_text("Opfølgning efter besøget", exact=True)).to_have_count(1)
    finally:
        await other.close()

    # Logging out leaves nothing readable in the browser's storage.
    await page.goto("/")
    await expect(page.get_by_role("heading", level=1, name="Forside")).to_be_visible()
    await log_out(page)
    dump = await idb_dump(page)
    assert "trekant-offline" not in dump, dump.keys()
    assert_nothing_readable(dump, [*secrets, "Hjemmebesøg kl. 10"])
    await no_api_in_caches(page, secrets)


# ---------------------------------------------------------------- a conflict


async def test_conflicting_changes_are_shown_and_resolved(page, app):
    child = await child_with_case(app, 9102, "Konrad", "Konfliktsen")
    member = child["member"]
    first, second = child["activities"][:2]
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await save_for_home_visits(page)
    await page.get_by_role("link", name="Åbn hjemmebesøg").click()
    await page.get_by_role("link", name=child["name"]).click()
    await page.context.set_offline(True)

    await page.get_by_role("button", name=f"Ret kontaktoplysninger for {member['name']}").click()
    await page.get_by_label("Telefon", exact=True).fill("11112222")
    await page.get_by_role("button", name="Gem rettelse").click()
    await page.get_by_role("button", name=f"Registrér vurdering: {first['title']}").click()
    await fill_assessment(record_dialog(page), "Vurderingen fra besøget.")
    await record_dialog(page).get_by_role("button", name="Gem og markér som udført").click()
    await expect(record_dialog(page)).to_have_count(0)
    await page.get_by_role("button", name=f"Registrér kvittering: {second['title']}").click()
    await fill_receipt(record_dialog(page, RECEIPT))
    receipt = record_dialog(page, RECEIPT)
    await receipt.get_by_role("button", name="Gem og markér som udført").click()
    await expect(receipt).to_have_count(0)
    await page.get_by_label("Overskrift", exact=True).fill("Notat under konflikt")
    await page.get_by_role("button", name="Gem notat").click()
    note = page.get_by_role("listitem").filter(has_text="Notat under konflikt")
    await expect(note.get_by_text("Ikke synkroniseret", exact=True)).to_be_visible()

    # Meanwhile a colleague changes the same phone number and completes the first activity.
    async with api_as(app, "leder") as leder:
        r = await leder.post(
            f"/api/network/{member['id']}/contact",
            json={"version": member["version"], "phone": "33334444"},
        )
        assert r.status_code == 200, r.text
        r = await leder.post(
            f"/api/activities/{first['id']}/complete",
            json={"version": first["version"], "record": completion_record(first["rule_id"])},
        )
        assert r.status_code == 200, r.text

    await page.context.set_offline(False)
    status = page.get_by_role("region", name="Offline-status")
    await expect(status).to_contain_text("2 ændringer kræver, at du tager stilling", timeout=15_000)
    # The note and the other activity went through; the two conflicts wait, never dropped.
    await expect(status).not_to_contain_text("er ikke synkroniseret", timeout=15_000)
    assert (await journal_titles(child["case_id"])).count("Notat under konflikt") == 1
    await status.get_by_role("link", name="Se ændringerne").click()
    await expect(page.get_by_role("heading", level=1, name="Synkronisering")).to_be_visible()
    contact = page.get_by_role("listitem").filter(
        has_text=f"Kontaktoplysninger for {member['name']}"
    )
    await expect(contact.get_by_text("Telefon: 11112222", exact=True)).to_be_visible()
    await expect(contact.get_by_text("Telefon: 33334444", exact=True)).to_be_visible()
    await expect(
        contact.get_by_text(re.compile("^I Trekant nu .ændret af Lene Leder"))
    ).to_be_visible()
    await check_axe(page, "konflikter")

    await contact.get_by_role("button", name="Brug min rettelse").click()
    done = page.get_by_role("listitem").filter(has_text=f"{first['title']} markeret som udført")
    await expect(done.get_by_text("Vurderingen fra besøget.", exact=False)).to_be_visible()
    await done.get_by_role("button", name="Markér som udført igen").click()
    # The colleague completed it meanwhile: what was written goes to the journal as a note.
    await expect(page.get_by_text("Det, du skrev, sendes som notat på sagen.")).to_be_visible()
    await expect(page.get_by_text("Ingen konflikter.")).to_be_visible(timeout=15_000)
    await expect(page.get_by_text("Alt er sendt til Trekant.")).to_be_visible(timeout=15_000)
    await check_axe(page, "konflikter løst")
    async with api_as(app) as c:
        net = (await c.get(f"/api/children/{child['child_id']}/network")).json()
        assert next(m for m in net if m["id"] == member["id"])["phone"] == "11112222"
    titles = await journal_titles(child["case_id"])
    assert titles.count("Vurdering inden 24 timer (skrevet offline)") == 1
    assert titles.count("Kvittering sendt til fagpersonen") == 1


# ---------------------------------------------------------------- wipes


async def test_wipe_after_too_many_wrong_passphrases(page, app):
    await child_with_case(app, 9103, "Vilma", "Visksen")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await save_for_home_visits(page)
    await page.goto("/offline")
    for left in (4, 3, 2, 1):
        await page.get_by_label("Adgangsfrase", exact=True).fill(f"gæt nummer {left}")
        await page.get_by_role("button", name="Lås op").click()
        await expect(page.get_by_text(re.compile(f"Du har {left} forsøg tilbage"))).to_be_visible()
    await page.get_by_label("Adgangsfrase", exact=True).fill("sidste gæt")
    await page.get_by_role("button", name="Lås op").click()
    await expect(
        page.get_by_text("Offline-data er slettet efter 5 forkerte adgangsfraser.")
    ).to_be_visible()
    await check_axe(page, "slettet efter forkerte adgangsfraser")
    assert "trekant-offline" not in await idb_dump(page)


async def test_wipe_when_the_device_is_revoked_or_another_user_logs_in(page, app, browser, server):
    await child_with_case(app, 9104, "Rasmus", "Revokesen")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await save_for_home_visits(page)
    async with api_as(app) as caseworker:
        name = (await caseworker.get("/api/session")).json()["display_name"]
    async with api_as(app, "admin") as admin:
        devices = (await admin.get("/api/admin/offline/enheder")).json()
    mine = [d for d in devices if not d["revoked_at"] and d["user_name"] == name]
    assert mine
    # The administrator blocks the caseworker's devices in Administration's Indstillinger ("Spær").
    other = await browser.new_context(base_url=server, locale="da-DK")
    try:
        admin_page = await other.new_page()
        await log_in(admin_page, KOMMUNE, username("admin", CODE))
        await admin_page.goto("/administration/indstillinger")
        section = admin_page.get_by_role("region", name="Hjemmebesøg uden forbindelse")
        await section.get_by_role(
            "button", name=f"Spær alle enheder for {mine[0]['user_name']}", exact=True
        ).first.click()
        said = "1 enhed er spærret" if len(mine) == 1 else f"{len(mine)} enheder er spærret"
        await expect(section.get_by_text(said, exact=True)).to_be_visible()
        await check_axe(admin_page, "enheder spærret")
        await section.scroll_into_view_if_needed()
        await shots(admin_page, "offline-admin-spaerret")
    finally:
        await other.close()
    await page.reload()
    panel = page.get_by_role("region", name="Hjemmebesøg uden forbindelse")
    await expect(panel.get_by_text("Spærret")).to_be_visible(timeout=10_000)
    assert "trekant-offline" not in await idb_dump(page)

    # Saved again; the session ends without logging out, and a colleague logs in here.
    await save_for_home_visits(page)
    assert "trekant-offline" in await idb_dump(page)
    await page.context.clear_cookies()
    await log_in(page, KOMMUNE, username("kollega", CODE))
    await expect(
        page.get_by_text("Offline-data på enheden tilhører en anden bruger")
    ).to_be_visible(timeout=10_000)
    assert "trekant-offline" not in await idb_dump(page)


# ---------------------------------------------------------------- the screen lock (PRF)


async def test_unlock_with_the_screen_lock_where_the_device_offers_prf(browser, server, app):
    """WebAuthn needs a domain name, so this runs on http://localhost with Chromium's
    virtual platform authenticator (PRF on); the session is made directly."""
    from backend.auth.session import COOKIE, Session

    await child_with_case(app, 9105, "Pia", "Prfsen")
    async with tenant_transaction(DB, CODE) as scope:
        user = await scope.connection.fetchrow(
            "SELECT id, username, display_name FROM app_user WHERE username = $1",
            username("sagsbehandler", CODE),
        )
    token = await app.state.sessions.create(
        Session(
            realm="kommune",
            subject=str(user["id"]),
            username=user["username"],
            display_name=user["display_name"],
            kommune_code=CODE,
            kommune_name=KOMMUNE,
        )
    )
    url = server.replace("127.0.0.1", "localhost")
    context = await browser.new_context(base_url=url, locale="da-DK")
    errors: list[str] = []
    try:
        await context.add_cookies([{"name": COOKIE, "value": token, "url": url}])
        page = await context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        cdp = await context.new_cdp_session(page)
        await cdp.send("WebAuthn.enable", {"enableUI": False})
        await cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "ctap2Version": "ctap2_1",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "hasPrf": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )
        await page.goto("/")
        await expect(page.get_by_role("heading", level=1, name="Forside")).to_be_visible()
        await save_for_home_visits(page)
        await page.get_by_role(
            "button", name="Lås op med skærmlås (fingeraftryk eller ansigt)"
        ).click()
        await page.get_by_label("Adgangsfrase", exact=True).fill(PASSPHRASE)
        await page.get_by_role("button", name="Slå oplåsning med skærmlås til").click()
        await expect(
            page.get_by_text("Du kan nu låse offline-data op med enhedens skærmlås")
        ).to_be_visible()
        await check_axe(page, "skærmlås slået til")

        await page.goto("/offline")
        await expect(
            page.get_by_role("heading", level=1, name="Lås offline-data op")
        ).to_be_visible()
        await check_axe(page, "lås op med skærmlås")
        await page.get_by_role("button", name="Lås op med skærmlås").click()
        await expect(page.get_by_role("heading", level=1, name="Hjemmebesøg")).to_be_visible()
        await expect(page.get_by_role("link", name="Pia Prfsen")).to_be_visible()
        assert_nothing_readable(await idb_dump(page), ["Prfsen", "61479328"])
    finally:
        await context.close()
    assert not errors, errors


def test_installable_with_manifest_icons_and_no_cache(server):
    manifest = httpx.get(server + "/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["display"] == "standalone" and data["start_url"] == "/" and data["lang"] == "da"
    sizes = {i["sizes"] for i in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(i.get("purpose") == "maskable" for i in data["icons"])
    for icon in data["icons"]:
        assert httpx.get(server + icon["src"]).status_code == 200, icon["src"]
    index = httpx.get(server + "/offline")
    assert 'rel="manifest"' in index.text
    for path in ("/", "/offline", "/offline/sager/00000000-0000-0000-0000-000000000000", "/sw.js"):
        assert httpx.get(server + path).headers["cache-control"] == "no-cache", path


# ---------------------------------------------------------------- session, lock, expiry


async def test_an_expired_session_makes_the_outbox_wait_for_a_fresh_login(page, app):
    child = await child_with_case(app, 9106, "Sebastian", "Sessionsen")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await save_for_home_visits(page)
    await page.get_by_role("link", name="Åbn hjemmebesøg").click()
    await page.get_by_role("link", name=child["name"]).click()
    await page.context.set_offline(True)
    await page.get_by_label("Overskrift", exact=True).fill("Skrevet før log-ind")
    await page.get_by_role("button", name="Gem notat").click()
    # The session ends while the caseworker is out (idle timeout, server restart ...).
    await page.context.clear_cookies()
    await page.context.set_offline(False)
    status = page.get_by_role("region", name="Offline-status")
    await expect(status).to_contain_text("Din session er udløbet", timeout=15_000)
    await expect(status).to_contain_text("1 ændring er ikke synkroniseret")
    await check_axe(page, "session udløbet")
    assert "Skrevet før log-ind" not in await journal_titles(child["case_id"])

    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    panel = page.get_by_role("region", name="Hjemmebesøg uden forbindelse")
    await panel.get_by_label("Adgangsfrase", exact=True).fill(PASSPHRASE)
    await panel.get_by_role("button", name="Lås op").click()
    # Unlocking derives the key (PBKDF2, 600,000 rounds) and then sends the outbox: on a CI
    # machine whose two cores run three test processes that took longer than 15 s once.
    await expect(page.get_by_role("region", name="Offline-status")).to_have_count(0, timeout=45_000)
    assert (await journal_titles(child["case_id"])).count("Skrevet før log-ind") == 1


async def test_the_waiting_message_goes_when_the_note_is_sent(page, app):
    child = await child_with_case(app, 9108, "Vilma", "Ventesen")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await save_for_home_visits(page)
    await page.get_by_role("link", name="Åbn hjemmebesøg").click()
    await page.get_by_role("link", name=child["name"]).click()
    await page.context.set_offline(True)
    await page.get_by_label("Overskrift", exact=True).fill("Skrevet i stuen")
    await page.get_by_role("button", name="Gem notat").click()
    waiting = page.get_by_text("sendes til Trekant, når der er forbindelse")
    await expect(waiting).to_be_visible()
    await page.context.set_offline(False)
    # Sent: the promise is kept, so the message says so instead.
    await expect(page.get_by_text("Notatet er sendt til Trekant")).to_be_visible(timeout=15_000)
    await expect(waiting).to_have_count(0)
    assert (await journal_titles(child["case_id"])).count("Skrevet i stuen") == 1
    await check_axe(page, "notat sendt")
    await shots(page, "offline-notat-sendt")


async def test_auto_lock_and_the_maximum_offline_period(page, app):
    child = await child_with_case(app, 9107, "Lise", "Låsesen")
    await page.clock.install()
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await save_for_home_visits(page)
    await page.get_by_role("link", name="Åbn hjemmebesøg").click()
    await page.get_by_role("link", name=child["name"]).click()

    # 15 minutes without input: locked; a half-written note survives as an encrypted draft.
    await page.get_by_label("Overskrift", exact=True).fill("Halvt skrevet")
    await page.clock.fast_forward("16:00")
    await expect(page.get_by_role("heading", level=1, name="Lås offline-data op")).to_be_visible()
    await expect(page.get_by_text("låst efter 15 minutter uden aktivitet")).to_be_visible()
    await check_axe(page, "låst efter inaktivitet")
    await unlock(page)
    await expect(page.get_by_role("heading", level=1, name=child["name"])).to_be_visible()
    await expect(page.get_by_label("Overskrift", exact=True)).to_have_value("Halvt skrevet")
    await page.get_by_role("button", name="Gem notat").click()

    # More than the kommune's 14 days without reaching Trekant: the cases are deleted,
    # the note written offline waits, and is sent when the caseworker is back.
    await page.context.set_offline(True)
    await page.get_by_label("Overskrift", exact=True).fill("Skrevet før de 14 dage")
    await page.get_by_role("button", name="Gem notat").click()
    queued = page.get_by_role("listitem").filter(has_text="Skrevet før de 14 dage")
    await expect(queued.get_by_text("Ikke synkroniseret", exact=True)).to_be_visible()
    await page.clock.fast_forward(15 * 24 * 60 * 60 * 1000)
    await page.reload()
    await unlock(page)
    await expect(page.get_by_text(re.compile("Offline-data er slettet, fordi"))).to_be_visible()
    await page.get_by_role("link", name="Arbejdsliste", exact=True).click()
    await expect(page.get_by_text("Offline-data er slettet", exact=True)).to_be_visible()
    await expect(page.get_by_role("link", name=child["name"])).to_have_count(0)
    await check_axe(page, "offline-data udløbet")
    assert_nothing_readable(await idb_dump(page), ["Låsesen", "Skrevet før de 14 dage"])
    await page.context.set_offline(False)
    await expect(page.get_by_role("region", name="Offline-status")).to_have_count(0, timeout=15_000)
    titles = await journal_titles(child["case_id"])
    assert titles.count("Halvt skrevet") == 1
    assert titles.count("Skrevet før de 14 dage") == 1
