"""The operator console's "Nationale tjenester" (issue 20 item 5) in the browser: a refused
setting named next to its field, a saved one with the certificate's expiry warning (red
under 30 days) and no private key shown back; "Log ind" with the certificate that signs the
Context Handler's metadata (its field error, subject and expiry, the metadata's failure,
removal); axe-clean, screenshots 1366×768 and 768×1024."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tests.conftest import KOMMUNE_B
from tests.e2e.conftest import check_axe, provider_form
from tests.integrations.conftest import certificate

B, B_NAME = KOMMUNE_B
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "drift"


async def _shots(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        # The services section stays within the page (its table scrolls in its own region).
        # The kommune table above it is wider than a tablet: not this section's to fix.
        wide = await page.evaluate(
            "w => [...document.querySelectorAll('[aria-labelledby=services-heading] *')]"
            ".filter(e => !e.closest('.table--responsive-scroll') && "
            "e.getBoundingClientRect().right > w + 1).map(e => e.tagName + '.' + e.className)",
            w,
        )
        assert not wide, f"{name} is wider than {w} px: {wide[:5]}"
        await page.screenshot(path=str(SHOTS / f"{name}-{w}x{h}.png"), full_page=True)
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_operator_sets_up_a_kommunes_national_service(page: Any) -> None:
    await page.goto("/drift")
    await page.get_by_role("link", name="Log ind som drift").click()
    await provider_form(page, "drift@trekant.dk")
    section = page.get_by_role("region", name="Nationale tjenester")
    await section.get_by_label("Kommune").select_option(label=f"{B_NAME} ({B})")
    table = section.get_by_role("table", name=f"Nationale tjenester for {B_NAME}")
    await expect(table).to_contain_text("Sags- og dokumentindeks (SF1470)")
    await check_axe(page, "drift: nationale tjenester")

    await section.get_by_role("button", name="Sæt op: Sags- og dokumentindeks (SF1470)").click()
    form = section.get_by_role("form", name="Sags- og dokumentindeks (SF1470)")
    cert, key = certificate(days=12, cn="Testby systemcertifikat")
    await form.get_by_label("Tjenestens adresse (endpoint)").fill("https://10.0.0.7/indeks")
    await form.get_by_label("Serviceaftalens UUID").fill("ikke et uuid")
    await form.get_by_label("Brugersystemets UUID").fill("6fa85f64-5717-4562-b3fc-2c963f66afa7")
    await form.get_by_label("Kommunens CVR-nummer").fill("22220202")
    await form.get_by_label("Systemcertifikat (PEM)").fill(cert)
    await form.get_by_label("Certifikatets private nøgle (PEM)").fill(key)
    await form.get_by_role("button", name="Gem tjenesten").click()
    # Each refusal next to its field (and in the summary above the form).
    await expect(form.locator("#service-agreement-error")).to_contain_text("skal være et UUID")
    await expect(form.locator("#service-endpoint-error")).to_contain_text(
        "privat, lokal eller reserveret adresse"
    )
    await expect(form.get_by_label("Serviceaftalens UUID")).to_have_attribute(
        "aria-invalid", "true"
    )
    await check_axe(page, "drift: tjeneste med fejl")
    await _shots(page, "tjeneste-fejl")

    await form.get_by_label("Tjenestens adresse (endpoint)").fill("http://127.0.0.1:9/indeks")
    await form.get_by_label("Serviceaftalens UUID").fill("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    await form.get_by_role("button", name="Gem tjenesten").click()
    await expect(
        section.get_by_text(f"Sags- og dokumentindeks (SF1470) er gemt for {B_NAME}")
    ).to_be_visible()
    row = table.get_by_role("row").filter(has_text="Sags- og dokumentindeks")
    await expect(row).to_contain_text("Udløber om 11 dage")
    await expect(row).to_contain_text("Privat nøgle: gemt krypteret")
    await expect(row).to_contain_text("Ingen kald endnu")
    assert key.splitlines()[1] not in await page.content()
    await check_axe(page, "drift: tjeneste gemt")
    await _shots(page, "tjenester")


LOGIN_SHOTS = SHOTS.parent / "login"  # copied to /tmp/shots/login for review
SHOTS_CONSOLE = SHOTS.parent / "console"  # the panel's certificate; /tmp/shots/console


async def _login_shots(page: Any, name: str) -> None:
    """The "Log ind" and "Nationale tjenester" panels at 1366×768 and 768×1024, each within
    the page's width (the tables scroll in their own regions)."""
    LOGIN_SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        wide = await page.evaluate(
            "w => [...document.querySelectorAll('[aria-labelledby=login-heading] *, "
            "[aria-labelledby=services-heading] *')]"
            ".filter(e => !e.closest('.table--responsive-scroll') && "
            "e.getBoundingClientRect().right > w + 1).map(e => e.tagName + '.' + e.className)",
            w,
        )
        assert not wide, f"{name} is wider than {w} px: {wide[:5]}"
        await page.screenshot(path=str(LOGIN_SHOTS / f"{name}-{w}x{h}.png"), full_page=True)
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_operator_switches_a_kommunes_login_and_tests_its_cpr_service(page: Any) -> None:
    from tests.conftest import KOMMUNE_A, context_handler

    a, a_name = KOMMUNE_A
    await page.goto("/drift")
    await page.get_by_role("link", name="Log ind som drift").click()
    await provider_form(page, "drift@trekant.dk")
    login = page.get_by_role("region", name="Log ind", exact=True)
    await login.get_by_label("Kommune").select_option(label=f"{B_NAME} ({B})")
    await expect(login).to_contain_text("Kommunens egen OpenID Connect-udbyder")
    await expect(login).to_contain_text(f"trekant-{B}")
    await expect(login).to_contain_text("Angivet (gemt krypteret, vises ikke)")

    await login.get_by_role("button", name="Skift log ind").click()
    form = login.get_by_role("form", name=f"Skift log ind for {B_NAME}")
    await form.get_by_label("Fælleskommunal Adgangsstyring (Context Handler)").check()
    await form.get_by_label("Context Handlerens metadata-adresse").fill("ftp://ikke-en-adresse")
    await form.get_by_label("Kommunens CVR-nummer").fill("12")
    cert_field = form.get_by_label("Certifikat, der signerer metadata (PEM)")
    await cert_field.fill("-----BEGIN CERTIFICATE-----\nikke et certifikat")
    await form.get_by_role("button", name="Gem log ind").click()
    dialog = page.get_by_role("dialog", name=f"Skift log ind for {B_NAME}?")
    await expect(dialog).to_contain_text("Fælleskommunal Adgangsstyring (Context Handler)")
    await dialog.get_by_role("button", name="Gem log ind").click()
    # The API's 400s next to their fields, in Danish; nothing was saved.
    await expect(form.locator("#login-cvr-error")).to_contain_text("otte cifre")
    await expect(form.locator("#login-entity-error")).to_contain_text("entity id mangler")
    await expect(form.locator("#login-metadata-error")).to_be_visible()
    await expect(form.locator("#login-cert-error")).to_contain_text("Certifikatet kan ikke læses")
    await expect(cert_field).to_have_attribute("aria-invalid", "true")
    await expect(form.get_by_label("Kommunens CVR-nummer")).to_have_attribute(
        "aria-invalid", "true"
    )
    await check_axe(page, "drift: log ind med fejl")
    await _login_shots(page, "log-ind-fejl")
    SHOTS_CONSOLE.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await form.screenshot(path=str(SHOTS_CONSOLE / f"log-ind-certifikat-felt-{w}x{h}.png"))
    await page.set_viewport_size({"width": 1366, "height": 768})

    # Saved with a certificate that does not sign the development Context Handler's metadata:
    # the panel shows its subject and expiry (never the PEM), and after a login tries the
    # metadata, the reason the console gives on "Nationale tjenester".
    from infra.contexthandler.issue import make_key_pair

    _, other_cert = make_key_pair("Ikke KOMBIT")
    await cert_field.fill(other_cert)
    handler = context_handler()
    await form.get_by_label("Context Handlerens metadata-adresse").fill(handler.metadata_url)
    await form.get_by_label("Context Handlerens entity id").fill(handler.entity_id)
    await form.get_by_label("Kommunens CVR-nummer").fill("22220202")
    await form.get_by_label("Laveste sikringsniveau (NSIS)").select_option(label="Høj")
    await form.get_by_role("button", name="Gem log ind").click()
    await page.get_by_role("dialog").get_by_role("button", name="Gem log ind").click()
    await expect(
        login.get_by_text(
            f"Log ind er gemt for {B_NAME}: Fælleskommunal Adgangsstyring (Context Handler)"
        )
    ).to_be_visible()
    await expect(login).to_contain_text(handler.entity_id)
    await expect(login).to_contain_text("Høj")
    await expect(login).to_contain_text("CN=Ikke KOMBIT")
    await expect(login).not_to_contain_text("BEGIN CERTIFICATE")
    r = await page.request.get(f"/api/auth/login?kommune={B}", max_redirects=0)
    assert r.headers["location"] == "/log-ind?fejl=udbyder"
    await login.get_by_label("Kommune").select_option(label=f"{a_name} ({a})")
    await login.get_by_label("Kommune").select_option(label=f"{B_NAME} ({B})")
    await expect(login.get_by_role("note")).to_contain_text(
        "ikke signeret med det certifikat, driften har angivet"
    )
    await check_axe(page, "drift: log ind gemt")
    await _login_shots(page, "log-ind-context-handler")
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await login.screenshot(path=str(SHOTS_CONSOLE / f"log-ind-certifikat-fejl-{w}x{h}.png"))

    # The held certificate shown in the form, and removed: the metadata is then trusted on
    # its https address, and the next login's fetch clears the reason.
    await page.set_viewport_size({"width": 1366, "height": 768})
    await login.get_by_role("button", name="Skift log ind").click()
    await expect(form).to_contain_text("CN=Ikke KOMBIT")
    await form.get_by_label("Fjern certifikatet").check()
    await expect(form.get_by_label("Certifikat, der signerer metadata (PEM)")).to_be_hidden()
    await check_axe(page, "drift: log ind, certifikatet fjernes")
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await login.screenshot(path=str(SHOTS_CONSOLE / f"log-ind-fjern-certifikat-{w}x{h}.png"))
    await page.set_viewport_size({"width": 1366, "height": 768})
    await form.get_by_role("button", name="Gem log ind").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("Certifikatet, der signerer metadata, fjernes")
    await dialog.get_by_role("button", name="Gem log ind").click()
    await expect(login).to_contain_text("Ikke angivet (metadata stoles på ud fra https-adressen)")
    # (Testby has no SAML key of its own, so the login stops after the metadata was fetched.)
    r = await page.request.get(f"/api/auth/login?kommune={B}", max_redirects=0)
    assert "udbyder" not in r.headers["location"]
    await login.get_by_label("Kommune").select_option(label=f"{a_name} ({a})")
    await login.get_by_label("Kommune").select_option(label=f"{B_NAME} ({B})")
    await expect(login).to_contain_text("Ikke angivet (metadata stoles på ud fra https-adressen)")
    await expect(login.get_by_role("note")).to_have_count(0)

    # Back to the kommune's own provider (the rest of the suite logs Testby in there).
    await login.get_by_role("button", name="Skift log ind").click()
    await form.get_by_label("Kommunens egen OpenID Connect-udbyder").check()
    await form.get_by_role("button", name="Gem log ind").click()
    await page.get_by_role("dialog").get_by_role("button", name="Gem log ind").click()
    await expect(
        login.get_by_text(f"Log ind er gemt for {B_NAME}: Kommunens egen OpenID Connect-udbyder")
    ).to_be_visible()

    # "Test forbindelsen" on København's CPR service: one harmless call, the answer in Danish.
    services = page.get_by_role("region", name="Nationale tjenester", exact=True)
    await services.get_by_label("Kommune").select_option(label=f"{a_name} ({a})")
    await services.get_by_role("button", name="Test forbindelsen: CPR-opslag (SF1520)").click()
    await expect(services.get_by_text("Forbindelsen virker: CPR-opslag (SF1520)")).to_be_visible()
    await expect(services).to_contain_text("ingen person med testnummeret")
    row = services.get_by_role("row").filter(has_text="CPR-opslag (SF1520)")
    await expect(row).to_contain_text("OK")
    await check_axe(page, "drift: forbindelsen testet")
    await _login_shots(page, "tjenester-test")
