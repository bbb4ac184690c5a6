"""A demo signing identity: a test CA and the agency's certificate and PKCS#12, marked as having no legal value.

Real deployments use the certificate the Government CA (Ban Cơ yếu Chính phủ) issues to the agency; this one
lets a newcomer's ``make run`` issue signed documents and check them (docs/SIGNING.md).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DEMO_CA_NAME = "CA THỬ NGHIỆM - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
# The password settings assume for the demo file (config/settings.py); a demo key protects nothing.
DEMO_PASSWORD = "tiepdan-demo"


@dataclass(frozen=True)
class DemoIdentity:
    directory: Path
    created: bool

    @property
    def ca_pem(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def pkcs12(self) -> Path:
        return self.directory / "agency.p12"

    @property
    def certificate_pem(self) -> Path:
        return self.directory / "agency.pem"


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=not ca, key_encipherment=False, data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)


def make_demo_identity(directory: Path, organisation: str) -> DemoIdentity:
    """The demo CA and ``organisation``'s certificate and PKCS#12 in ``directory``; kept when already there."""
    identity = DemoIdentity(directory=directory, created=False)
    if identity.pkcs12.is_file() and identity.ca_pem.is_file():
        return identity
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_name = _name(DEMO_CA_NAME, DEMO_CA_NAME)
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder().subject_name(_name(organisation, organisation)).issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(organisation.encode(), key, cert, [ca_cert], serialization.BestAvailableEncryption(DEMO_PASSWORD.encode()))
    # The CA's key is not kept: nothing else is ever issued from a demo CA.
    _write(identity.pkcs12, p12, private=True)
    _write(identity.certificate_pem, cert.public_bytes(serialization.Encoding.PEM))
    _write(identity.ca_pem, ca_cert.public_bytes(serialization.Encoding.PEM))
    return DemoIdentity(directory=directory, created=True)


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    """Written whole (temporary file, then renamed), the key readable by its owner only."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(data)
    if private:
        os.chmod(temporary, 0o600)
    temporary.replace(path)
