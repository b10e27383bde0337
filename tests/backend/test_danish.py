"""The shared Danish wording helpers (backend/danish.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.core.danish import file_slug, file_stamp, kroner, plural

pytestmark = pytest.mark.servers_independent


def test_plural_has_one_form_for_exactly_one():
    assert plural(1, "udækket behov", "udækkede behov") == "1 udækket behov"
    assert plural(0, "afgørelse", "afgørelser") == "0 afgørelser"
    assert plural(2, "afgørelse", "afgørelser") == "2 afgørelser"
    assert plural(12345, "række", "rækker") == "12.345 rækker"


def test_kroner_from_oere():
    assert kroner(178641361) == "1.786.413,61 kr."
    assert kroner(5) == "0,05 kr."
    assert kroner(-120000) == "-1.200,00 kr."


def test_file_stamp_is_danish_time_across_midnight_and_summer_time():
    assert file_stamp(datetime(2026, 12, 5, 23, 30, tzinfo=UTC)) == "2026-12-06-kl-0030"
    assert file_stamp(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == "2026-07-01-kl-0030"
    assert file_stamp(datetime(2026, 12, 6, 2, 15, tzinfo=UTC)) == "2026-12-06-kl-0315"


def test_file_slug_spells_danish_letters_out():
    assert file_slug("Unge der fylder 18") == "unge-der-fylder-18"
    assert file_slug("Økonomi på tværs") == "oekonomi-paa-tvaers"
