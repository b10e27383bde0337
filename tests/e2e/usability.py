"""Measuring a caseworker's task in the browser: clicks, typed fields, wall-clock time and
page heights, with screenshots at 1366×768 (a laptop) and 768×1024 (a tablet held upright).

A usability test drives the PWA only through a :class:`Task`::

    task = Task(page, "a", "Fra log-ind til dagens første overskredne aktivitet", budget=3)
    await task.click(page.get_by_role("link", name="…"))
    await task.fill(page.get_by_label("CPR-nummer"), "0101101234")
    await task.shot("forside")
    task.done()

Every click (or tap) goes through :meth:`Task.click`, so the count is what a person does,
not what the test happens to call. Typing into a field is counted separately (a person
types, then moves on; the click into the field is counted, the keystrokes are not).
:meth:`Task.done` fails the test when the task took more clicks than its budget and writes
``test-results/usability/<key>.json`` with the numbers; ``docs/usability.md`` quotes them.
Time is recorded, never asserted (a shared CI machine is not a stopwatch).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-results" / "usability"
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}


@dataclass
class Task:
    page: Any
    key: str  # "a", "b", …: the task's letter in issue 16 / docs/usability.md
    title: str  # Danish, as docs/usability.md names it
    budget: int  # the most clicks the task may take
    clicks: int = 0
    fields: int = 0
    steps: list[str] = field(default_factory=list)
    shots: dict[str, dict[str, Any]] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    async def click(self, locator: Any, what: str | None = None) -> None:
        """One click or tap, as a person makes it."""
        await locator.click()
        self.clicks += 1
        self.steps.append(f"klik: {what or await _describe(locator)}")

    async def fill(self, locator: Any, text: str, what: str | None = None) -> None:
        """Click into a field and type ``text`` (one click, one field)."""
        await locator.click()
        await locator.fill(text)
        self.clicks += 1
        self.fields += 1
        self.steps.append(f"skriv: {what or await _describe(locator)}")

    async def press(self, locator: Any, key: str) -> None:
        """A key a person presses to act (Enter to submit): not a click, but a step."""
        await locator.press(key)
        self.steps.append(f"tast: {key}")

    async def shot(self, name: str, full_page: bool = False) -> dict[str, Any]:
        """Screenshots of what the person sees now, at both sizes, and the page's height
        and width at each (a page wider than the window scrolls sideways: say so)."""
        OUT.mkdir(parents=True, exist_ok=True)
        result: dict[str, Any] = {}
        before = self.page.viewport_size or LAPTOP
        for label, size in (("1366x768", LAPTOP), ("768x1024", TABLET)):
            await self.page.set_viewport_size(size)
            await self.page.wait_for_timeout(150)  # let layout settle after the resize
            dims = await self.page.evaluate(
                "() => ({height: document.documentElement.scrollHeight,"
                " width: document.documentElement.scrollWidth, window: window.innerWidth})"
            )
            path = OUT / f"{self.key}-{name}-{label}.png"
            await self.page.screenshot(path=str(path), full_page=full_page)
            result[label] = {
                "file": str(path.relative_to(ROOT)),
                "page_height": dims["height"],
                "sideways": dims["width"] > dims["window"],
            }
        await self.page.set_viewport_size(before)
        self.shots[name] = result
        return result

    def done(self) -> dict[str, Any]:
        """Record the task and hold it to its budget."""
        seconds = round(time.monotonic() - self.started, 1)
        record = {
            "task": self.key,
            "title": self.title,
            "clicks": self.clicks,
            "fields": self.fields,
            "budget": self.budget,
            "seconds": seconds,
            "steps": self.steps,
            "screens": self.shots,
        }
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"{self.key}.json").write_text(json.dumps(record, ensure_ascii=False, indent=2))
        assert self.clicks <= self.budget, (
            f"opgave {self.key} ({self.title}) tog {self.clicks} klik, budgettet er {self.budget}: "
            + "; ".join(self.steps)
        )
        sideways = [
            f"{name} {size}"
            for name, sizes in self.shots.items()
            for size, v in sizes.items()
            if v["sideways"]
        ]
        assert not sideways, f"siden kan rulles til siden: {sideways}"
        return record


async def _describe(locator: Any) -> str:
    """A short name for a step: the element's accessible text."""
    try:
        text = await locator.evaluate(
            "e => e.getAttribute('aria-label') || e.innerText || e.value || e.name || e.tagName"
        )
    except Exception:
        return "?"
    return " ".join(str(text).split())[:60]
