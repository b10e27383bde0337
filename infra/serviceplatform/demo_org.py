"""The demo kommune's organisation in the development FK Organisation: Odense Kommune
(under a fictitious development CVR number) with its family department's
teams, and the demo users of ``backend/demo.py`` plus two colleagues only FK Organisation
knows. Stable UUIDs (uuid5), so the administrator's mapping survives a restart."""

from __future__ import annotations

import uuid

NS = uuid.UUID("6f1c3d56-3f7e-4a64-9a55-1b7bbd0d0461")
ODENSE_CVR = "11110461"  # fictitious (development only)


def uid(name: str) -> str:
    return str(uuid.uuid5(NS, name))


def odense() -> dict[str, list[dict[str, str | None]]]:
    units = [
        ("Odense Kommune", None),
        ("Børn- og Ungeforvaltningen", "Odense Kommune"),
        ("Familieafdelingen", "Børn- og Ungeforvaltningen"),
        ("Modtagelsen", "Familieafdelingen"),
        ("Familieteam Nord", "Familieafdelingen"),
        ("Familieteam Syd", "Familieafdelingen"),
        ("Sundhedsplejen", "Børn- og Ungeforvaltningen"),
    ]
    users = [
        ("sagsbehandler@odense.dk", "Sara Sagsbehandler", "Socialrådgiver", "Familieteam Nord"),
        ("kollega@odense.dk", "Karl Kollega", "Socialrådgiver", "Modtagelsen"),
        ("leder@odense.dk", "Lene Leder", "Teamleder", "Familieteam Nord"),
        ("mette.lund@odense.dk", "Mette Lund", "Socialrådgiver", "Familieteam Syd"),
        ("anders.holm@odense.dk", "Anders Holm", "Familiekonsulent", "Familieteam Nord"),
        ("rikke.bach@odense.dk", "Rikke Bach", "Sundhedsplejerske", "Sundhedsplejen"),
    ]
    return {
        "units": [
            {"uuid": uid(name), "name": name, "parent": uid(parent) if parent else None}
            for name, parent in units
        ],
        "users": [
            {
                "uuid": uid(username),
                "username": username,
                "name": name,
                "email": username,
                "job": job,
                "unit": uid(unit),
            }
            for username, name, job, unit in users
        ],
    }
