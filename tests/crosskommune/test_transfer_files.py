"""A transferred case carries every file whole (package format 2): the bytes travel as
sealed chunks in ``shared.transfer_chunk`` beside the package, and the import checks each
file's size and SHA-256 as it writes it. A changed, swapped, missing or extra chunk refuses
the import and nothing of the case is written. A version-1 package (files as rows inside
the package) still imports."""

from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any

import httpx
import msgspec

from backend.crosskommune import keys, progress
from backend.crosskommune import package as pkg
from tests.crosskommune.conftest import A, B, Client, cpr_for, drain, fetch, register, val
from tests.crosskommune.test_transfer import SUMMARY, _received_case, _send
from tests.documents.conftest import upload

MIB = 1024 * 1024


def png(size: int) -> bytes:
    """Random (incompressible) bytes that pass for a PNG."""
    head = b"\x89PNG\r\n\x1a\n"
    return head + os.urandom(size - len(head))


def jpeg(size: int) -> bytes:
    head = b"\xff\xd8\xff"
    return head + os.urandom(size - len(head))


async def _case_with_files(
    a: httpx.AsyncClient, seed: int, files: list[tuple[str, bytes]]
) -> tuple[str, list[dict[str, Any]]]:
    reg = await register(a, cpr_for(seed), first="Filippa")
    case_id: str = reg["hovedsag_id"]
    docs = [
        await upload(a, case_id, name, data, title=f"Bilag {i + 1}", kind="andet")
        for i, (name, data) in enumerate(files)
    ]
    return case_id, docs


async def _stream_digests(code: str, case_id: Any) -> dict[str, tuple[int, str]]:
    """title -> (size, sha256 hex) of each document's original as stored in ``code``."""
    rows = await fetch(
        code,
        "SELECT d.title, sum(octet_length(c.bytes))::bigint AS size, "
        "encode(sha256(string_agg(c.bytes, ''::bytea ORDER BY c.seq)), 'hex') AS digest "
        "FROM document d JOIN document_chunk c ON c.document_id = d.id "
        "WHERE d.hovedsag_id = $1 AND c.stream = 'original' GROUP BY d.title",
        uuid.UUID(str(case_id)),
    )
    return {r["title"]: (r["size"], r["digest"]) for r in rows}


async def test_a_case_of_25_mb_arrives_whole_and_byte_identical(seeded, client: Client, owner):
    a, b = await client(A), await client(B)
    first, second = png(13 * MIB + 12345), jpeg(12 * MIB - 777)
    case_id, _ = await _case_with_files(a, 301, [("skan.png", first), ("foto.jpg", second)])
    t = await _send(a, case_id)
    assert t["files"] == 2
    assert t["file_bytes"] == len(first) + len(second)  # images: no second stream
    tid = uuid.UUID(t["id"])
    # 14 + 12 chunks of at most 1 MiB, sealed: the child's bytes do not show.
    chunks = await owner.fetch(
        "SELECT seq, from_code, to_code, bytes FROM shared.transfer_chunk WHERE transfer_id = $1 "
        "ORDER BY seq",
        tid,
    )
    assert [c["seq"] for c in chunks] == list(range(26))
    assert {(c["from_code"], c["to_code"]) for c in chunks} == {(A, B)}
    assert first[1000:1064] not in bytes(chunks[0]["bytes"])
    assert second[1000:1064] not in bytes(chunks[14]["bytes"])
    assert await drain(A, B) == []
    detail = (await b.get(f"/api/transfers/{t['id']}")).json()
    assert (detail["transfer"]["files"], detail["transfer"]["file_bytes"]) == (2, t["file_bytes"])

    r = await b.post(f"/api/transfers/{t['id']}/accept")
    assert r.status_code == 200, r.text
    assert await drain(A, B) == []
    [new] = await _received_case(t["id"])
    # The import job told the page how far it had come, in steps of 8 MiB, to the end.
    told = await progress.read(B, tid)
    assert (told["done"], told["total"], told["percent"]) == (t["file_bytes"],) * 2 + (100,)
    assert await _stream_digests(B, new["id"]) == {
        "Bilag 1": (len(first), hashlib.sha256(first).hexdigest()),
        "Bilag 2": (len(second), hashlib.sha256(second).hexdigest()),
    }
    assert await _stream_digests(B, new["id"]) == await _stream_digests(A, case_id)
    items = {
        d["title"]: d for d in (await b.get(f"/api/cases/{new['id']}/documents")).json()["items"]
    }
    for title, data in (("Bilag 1", first), ("Bilag 2", second)):
        assert items[title]["has_file"] is True
        r = await b.get(f"/api/documents/{items[title]['id']}/content")
        assert r.status_code == 200
        assert r.content == data
    journal = await fetch(
        B,
        "SELECT body FROM journal_entry WHERE hovedsag_id = $1 AND event = 'overfoersel.indlaest'",
        new["id"],
    )
    assert "filerne til 2 dokumenter (25 MB), hele og uændrede" in journal[0]["body"]
    sent = await fetch(
        A,
        "SELECT body FROM journal_entry WHERE hovedsag_id = $1 AND event = 'overfoersel.sendt'",
        uuid.UUID(case_id),
    )
    assert "filerne til 2 dokumenter (25 MB)." in sent[0]["body"]
    # The chunks stay as long as the package does (the sender's copy as sent).
    assert (
        await owner.fetchval(
            "SELECT count(*) FROM shared.transfer_chunk WHERE transfer_id = $1", tid
        )
        == 26
    )


async def test_a_changed_swapped_missing_or_extra_chunk_is_refused_and_nothing_imported(
    seeded, client: Client, owner
):
    a, b = await client(A), await client(B)
    for n, tamper in enumerate(("changed", "swapped", "missing", "extra")):
        case_id, _ = await _case_with_files(a, 310 + n, [("skan.png", png(2 * MIB + 99))])
        t = await _send(a, case_id)
        tid = uuid.UUID(t["id"])
        assert await drain(A, B) == []
        if tamper == "missing":
            await owner.execute(
                "DELETE FROM shared.transfer_chunk WHERE transfer_id = $1 AND seq = 1", tid
            )
        elif tamper == "extra":
            await owner.execute(
                "INSERT INTO shared.transfer_chunk (transfer_id, seq, from_code, to_code, bytes) "
                "SELECT transfer_id, 3, from_code, to_code, bytes FROM shared.transfer_chunk "
                "WHERE transfer_id = $1 AND seq = 2",
                tid,
            )
        if tamper in ("missing", "extra"):  # counted before anything is accepted
            r = await b.post(f"/api/transfers/{t['id']}/accept")
            assert r.status_code == 400, r.text
            assert r.json()["extra"][0]["key"] == "package"
            assert r.json()["detail"].startswith("Overførslens filer passer ikke med pakken")
            assert await owner.fetchval(
                "SELECT status FROM shared.transfer WHERE id = $1", tid
            ) == ("sendt")
            assert await _received_case(t["id"]) == []
            continue
        assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
        if tamper == "changed":  # one bit of the second chunk's ciphertext flipped
            await owner.execute(
                "UPDATE shared.transfer_chunk SET bytes = set_byte(bytes, 100, "
                "get_byte(bytes, 100) # 1) WHERE transfer_id = $1 AND seq = 1",
                tid,
            )
        else:  # the first two chunks trade places (each still opens where it was sealed)
            await owner.execute(
                "UPDATE shared.transfer_chunk c SET bytes = o.bytes FROM shared.transfer_chunk o "
                "WHERE c.transfer_id = $1 AND o.transfer_id = $1 AND c.seq IN (0, 1) "
                "AND o.seq = 1 - c.seq",
                tid,
            )
        cases_before = await val(B, "SELECT count(*) FROM hovedsag")
        chunks_before = await val(B, "SELECT count(*) FROM document_chunk")
        assert await drain(A, B) == []
        row = await owner.fetchrow("SELECT status, error FROM shared.transfer WHERE id = $1", tid)
        assert row["status"] == "fejl"
        assert row["error"] == f"Filen til dokumentet »Bilag 1« {pkg.CHUNK_UNREADABLE}"
        assert await val(B, "SELECT count(*) FROM hovedsag") == cases_before
        assert await val(B, "SELECT count(*) FROM document_chunk") == chunks_before
        assert await _received_case(t["id"]) == []
        status = (await a.get(f"/api/cases/{case_id}/transfers")).json()
        assert status["in_transfer"] is False  # the sender heard and keeps the case


async def test_a_version_1_package_in_flight_still_imports(seeded, client: Client, owner):
    """Made by rewriting a version-2 transfer the way version 1 carried files: as
    ``document_chunk`` rows inside the package, sealed and MAC'd for version 1."""
    a, b = await client(A), await client(B)
    data = png(MIB + 5)
    case_id, _ = await _case_with_files(a, 320, [("skan.png", data)])
    t = await _send(a, case_id)
    tid = uuid.UUID(t["id"])
    assert await drain(A, B) == []
    row = await owner.fetchrow(
        "SELECT id, from_code, to_code, package, package_sealed, package_sha256, package_mac, "
        "package_version, child_name, summary FROM shared.transfer WHERE id = $1",
        tid,
    )
    plain, problem = keys.open_package(row)
    assert problem is None
    package = msgspec.json.decode(plain)
    assert package["format_version"] == 2 and len(package["files"]) == 1
    rows = await fetch(
        A,
        "SELECT coalesce(jsonb_agg(to_jsonb(c) ORDER BY c.seq), '[]')::text AS rows "
        "FROM document_chunk c JOIN document d ON d.id = c.document_id "
        "WHERE d.hovedsag_id = $1",
        uuid.UUID(case_id),
    )
    package["format_version"] = 1
    del package["files"]
    package["tables"]["document_chunk"] = msgspec.json.decode(rows[0]["rows"])
    v1 = msgspec.json.encode(package, order="sorted")
    digest = hashlib.sha256(v1).digest()
    where = (tid, A, B, 1)
    await owner.execute(
        "UPDATE shared.transfer SET package = $2, package_sha256 = $3, package_mac = $4, "
        "package_version = 1, child_name = $5, summary = $6 WHERE id = $1",
        tid,
        keys.seal_package(*where, v1),
        digest,
        keys.package_mac(tid, 1, digest),
        keys.seal_field(*where, "child_name", keys.open_field(row, "child_name") or ""),
        keys.seal_field(*where, "summary", SUMMARY),
    )
    await owner.execute("DELETE FROM shared.transfer_chunk WHERE transfer_id = $1", tid)
    # Its files are rows inside the package: the transfer page counts them from there.
    shown = (await b.get(f"/api/transfers/{t['id']}")).json()["transfer"]
    assert (shown["files"], shown["file_bytes"]) == (1, len(data))
    r = await b.post(f"/api/transfers/{t['id']}/accept")
    assert r.status_code == 200, r.text
    assert await drain(A, B) == []
    [new] = await _received_case(t["id"])
    assert await _stream_digests(B, new["id"]) == {
        "Bilag 1": (len(data), hashlib.sha256(data).hexdigest())
    }
