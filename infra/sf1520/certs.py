"""Development certificates for SF1520 (``cryptography``): a CA standing in for the OCES
issuer, the service's TLS certificate (127.0.0.1, localhost) and Trekant's function
certificate (FOCES) as the TLS client certificate. Made once in the data folder; tests
issue extra client certificates (expired, from another CA) with :func:`issue`."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DK"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Trekant udvikling"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _write(
    folder: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path = folder / f"{stem}-key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)


def make_ca(folder: Path, stem: str = "ca", cn: str = "Trekant udviklings-CA (OCES)") -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    _write(folder, stem, cert, key)


def issue(
    folder: Path,
    stem: str,
    cn: str,
    *,
    server: bool = False,
    ca: str = "ca",
    days: int = 730,
    expired: bool = False,
) -> tuple[Path, Path]:
    """A certificate (``stem.pem``, ``stem-key.pem``) signed by ``ca`` in ``folder``: the
    service's (``server``) or a client's; ``expired``: its validity ended yesterday."""
    ca_cert = x509.load_pem_x509_certificate((folder / f"{ca}.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((folder / f"{ca}-key.pem").read_bytes(), None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    start, end = (
        (now - timedelta(days=30), now - timedelta(days=1))
        if expired
        else (
            now - timedelta(days=1),
            now + timedelta(days=days),
        )
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    cert = builder.sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    _write(folder, stem, cert, key)
    return folder / f"{stem}.pem", folder / f"{stem}-key.pem"


def ensure(folder: Path) -> None:
    """The CA, the service's certificate and Trekant's client certificate, unless there
    (and still valid for a week)."""
    needed = ("ca.pem", "server.pem", "client.pem")
    if all((folder / n).exists() for n in needed):
        cert = x509.load_pem_x509_certificate((folder / "client.pem").read_bytes())
        if cert.not_valid_after_utc > datetime.now(UTC) + timedelta(days=7):
            return
    make_ca(folder)
    issue(folder, "server", "sf1520.udvikling.trekant", server=True)
    issue(folder, "client", "Trekant - FOCES funktionscertifikat (udvikling)")
