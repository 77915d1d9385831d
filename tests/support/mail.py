"""Helpers for tests that send real mail: a self-signed certificate for STARTTLS, and the
e-mail adapter pointed at a local catcher."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.email.mailer import SmtpMailer
from adapters.email.rendering import MailIdentity
from adapters.line.simulator.mail_catcher import MailCatcher
from tests.fakes import FakeLinkMaker

SENDER = MailIdentity(town_name="総社市", address="noreply@city.soja.example.jp")


def self_signed(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting only that certificate) for localhost."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"),
                 x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def mailer_for(catcher: MailCatcher, *, links: FakeLinkMaker | None = None,
               **options: object) -> SmtpMailer:
    options.setdefault("starttls", False)
    return SmtpMailer(host=catcher.host, port=catcher.port, sender=SENDER,
                      links=links or FakeLinkMaker(),
                      unsubscribe_link=lambda address: "https://madoguchi.test/mail/"
                      "unsubscribe/TOKEN", timeout=5.0, **options)  # type: ignore[arg-type]
