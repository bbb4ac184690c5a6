"""Test PKIs for signing (registered from tests/conftest.py).

- ``test_signer``: a CA and the agency's PKCS#12 made with ``cryptography`` in ``tmp_path``, the signing
  settings pointed at them; no server, no timestamp. The fixture's object signs too (``.sign_detached``).
- ``signing_pki``: Certomancer (pyHanko's author's test PKI) serving the CA, its CRL and a time-stamping
  authority on a free loopback port, in a thread; the settings point at its PKCS#12, CA and TSA.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import pem
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import CertomancerConfig
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

HERE = Path(__file__).parent
AGENCY = "Ủy ban nhân dân tỉnh Thử Nghiệm"
CA_NAME = "CA THỬ NGHIỆM - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
PASSWORD = "mat-khau-thu"


def pytest_configure(config):
    """Tests start unsigned whatever this machine's data directory holds (a demo identity from ``make run``
    would otherwise sign every document the tests issue); the fixtures below switch signing on."""
    from django.conf import settings

    if settings.configured:
        settings.SIGNING_PKCS12_PATH = ""
        settings.SIGNING_TSA_URL = ""
        settings.SIGNING_TRUST_ROOTS = []


@dataclass
class TestPki:
    __test__ = False  # not a test class, whatever its name
    ca_cert: x509.Certificate
    ca_cert_pem_path: Path
    pkcs12_path: Path
    password: str
    tsa_url: str = ""
    crl_url: str = ""

    @property
    def signer(self):
        from tiepdan.documents.signing import get_signer

        return get_signer()

    @property
    def certificate(self) -> x509.Certificate:
        return self.signer.certificate

    def sign_detached(self, data: bytes) -> bytes:
        return self.signer.sign_detached(data)

    def sign_pdf(self, pdf: bytes, **kwargs) -> bytes:
        return self.signer.sign_pdf(pdf, **kwargs)


def _name(cn: str, org: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn: str = CA_NAME, *, key_size: int = 2048):
    """(key, certificate) of a self-signed CA valid for ten years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    now = dt.datetime.now(dt.timezone.utc)
    name = _name(cn, cn)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue_signing_cert(ca_key, ca_cert: x509.Certificate, org: str = AGENCY, *, days: int = 1825):
    """(key, certificate) for an agency's signature, issued by ``ca_cert``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(_name(org, org)).issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def write_pkcs12(path: Path, key, cert, chain, password: str, name: str = AGENCY) -> None:
    path.write_bytes(pkcs12.serialize_key_and_certificates(name.encode(), key, cert, chain, serialization.BestAvailableEncryption(password.encode())))


@pytest.fixture(scope="session")
def _test_pki_material():
    """Key material made once per run (RSA key generation is the slow part)."""
    ca_key, ca_cert = make_ca()
    key, cert = issue_signing_cert(ca_key, ca_cert)
    return ca_key, ca_cert, key, cert


@pytest.fixture
def test_signer(_test_pki_material, tmp_path, settings) -> TestPki:
    """The agency's signing identity from a test CA, configured in the settings (no TSA, no server)."""
    ca_key, ca_cert, key, cert = _test_pki_material
    ca_path, p12_path = tmp_path / "ca.pem", tmp_path / "agency.p12"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    write_pkcs12(p12_path, key, cert, [ca_cert], PASSWORD)
    settings.SIGNING_PKCS12_PATH = str(p12_path)
    settings.SIGNING_PKCS12_PASSWORD = PASSWORD
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_TRUST_ROOTS = [str(ca_path)]
    return TestPki(ca_cert=ca_cert, ca_cert_pem_path=ca_path, pkcs12_path=p12_path, password=PASSWORD)


@pytest.fixture(scope="session")
def _certomancer_server(tmp_path_factory):
    """Certomancer's Animator (CA, CRL, TSA) on a free loopback port, for the whole run; stopped at its end."""
    keys = tmp_path_factory.mktemp("certomancer-keys")
    for label in ("root", "tsa", "agency"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (keys / f"{label}.key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    server = make_server("127.0.0.1", 0, lambda environ, start_response: [], threaded=True)
    prefix = f"http://127.0.0.1:{server.server_port}"
    config = CertomancerConfig.from_yaml((HERE / "certomancer.yml").read_text(encoding="utf-8"), key_search_dir=str(keys), external_url_prefix=prefix)
    arch = config.get_pki_arch("tiepdan")
    server.app = Animator(AnimatorArchStore({arch.arch_label: arch}), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, name="certomancer", daemon=True)
    thread.start()
    yield arch, prefix, keys
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def signing_pki(_certomancer_server, tmp_path, settings) -> TestPki:
    """The agency's identity from Certomancer's CA, its timestamps from Certomancer's TSA, CRLs fetched from it."""
    arch, prefix, keys = _certomancer_server
    ca_cert = x509.load_der_x509_certificate(arch.get_cert("root").dump())
    cert = x509.load_der_x509_certificate(arch.get_cert("agency").dump())
    key = serialization.load_pem_private_key((keys / "agency.key.pem").read_bytes(), password=None)
    ca_path, p12_path = tmp_path / "ca.pem", tmp_path / "agency.p12"
    ca_path.write_bytes(pem.armor("CERTIFICATE", arch.get_cert("root").dump()))
    write_pkcs12(p12_path, key, cert, [ca_cert], PASSWORD)
    tsa_url = f"{prefix}/tiepdan/tsa/tsa"
    settings.SIGNING_PKCS12_PATH = str(p12_path)
    settings.SIGNING_PKCS12_PASSWORD = PASSWORD
    settings.SIGNING_TSA_URL = tsa_url
    settings.SIGNING_TRUST_ROOTS = [str(ca_path)]
    settings.SIGNING_FETCH_REVOCATION = True
    return TestPki(ca_cert=ca_cert, ca_cert_pem_path=ca_path, pkcs12_path=p12_path, password=PASSWORD, tsa_url=tsa_url, crl_url=f"{prefix}/tiepdan/crls/root/latest.crl")
