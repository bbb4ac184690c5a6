"""The signing interface: detached CMS (CAdES) signatures that standard tools verify, and our own verification."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from asn1crypto import cms

from tiepdan.documents import signing

from tests.pki.plugin import issue_signing_cert, make_ca, write_pkcs12

DATA = "Biên bản ghi hình phiên tiếp công dân ngày 15/01/2026: Nguyễn Thị Ánh, Đặng Quốc Việt.".encode()


def _openssl_verify(tmp_path, data: bytes, signature: bytes, ca_pem) -> subprocess.CompletedProcess:
    openssl = shutil.which("openssl")
    assert openssl, "the independent check needs openssl (Debian package openssl; .ci/run installs it)"
    (tmp_path / "data.bin").write_bytes(data)
    (tmp_path / "data.p7s").write_bytes(signature)
    return subprocess.run(
        [openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "data.p7s"), "-content", str(tmp_path / "data.bin"), "-CAfile", str(ca_pem), "-out", "/dev/null"],
        capture_output=True, text=True, timeout=30,
    )


def test_detached_signature_verifies_with_openssl_and_ours(test_signer, tmp_path):
    signature = signing.get_signer().sign_detached(DATA)

    assert _openssl_verify(tmp_path, DATA, signature, test_signer.ca_cert_pem_path).returncode == 0
    result = signing.verify_detached(DATA, signature)
    assert result.ok, result.problems
    assert "Ủy ban nhân dân tỉnh Thử Nghiệm" in result.signer
    assert result.signed_at is not None and result.timestamp is None


def test_detached_signature_is_cades_with_signing_certificate_v2(test_signer):
    signed_data = cms.ContentInfo.load(test_signer.sign_detached(DATA))["content"]
    attrs = {a["type"].native for a in signed_data["signer_infos"][0]["signed_attrs"]}

    assert "signing_certificate_v2" in attrs and "signing_time" in attrs
    assert signed_data["encap_content_info"]["content"].native is None  # detached


def test_one_changed_byte_fails_in_openssl_and_ours(test_signer, tmp_path):
    signature = test_signer.sign_detached(DATA)
    changed = bytearray(DATA)
    changed[10] ^= 0x01

    assert _openssl_verify(tmp_path, bytes(changed), signature, test_signer.ca_cert_pem_path).returncode != 0
    result = signing.verify_detached(bytes(changed), signature)
    assert not result.ok
    assert any("bị thay đổi" in p for p in result.problems)


def test_signature_of_an_unknown_ca_is_not_trusted(test_signer, tmp_path, settings):
    other_key, other_ca = make_ca("CA khác")
    key, cert = issue_signing_cert(other_key, other_ca, "Cơ quan giả mạo")
    write_pkcs12(tmp_path / "other.p12", key, cert, [other_ca], "x")
    signature = signing.Pkcs12Signer((tmp_path / "other.p12").read_bytes(), "x").sign_detached(DATA)

    result = signing.verify_detached(DATA, signature)
    assert not result.ok
    assert any("không do tổ chức chứng thực được tin cậy" in p for p in result.problems)


def test_garbage_signature_is_refused_in_vietnamese(test_signer):
    result = signing.verify_detached(DATA, b"not a signature")
    assert not result.ok and "Không đọc được tệp chữ ký" in result.problems[0]


def test_no_identity_configured_says_how_to_make_one(settings):
    settings.SIGNING_PKCS12_PATH = ""
    assert not signing.signing_configured()
    with pytest.raises(signing.SigningUnavailable, match="make_signing_identity"):
        signing.get_signer()


def test_wrong_password_is_unavailable_not_a_crash(test_signer, settings):
    settings.SIGNING_PKCS12_PASSWORD = "sai"
    with pytest.raises(signing.SigningUnavailable, match="sai mật khẩu"):
        signing.get_signer()


def test_signature_timestamp_from_the_tsa_and_crl_checked(signing_pki, tmp_path):
    signature = signing.get_signer().sign_detached(DATA)

    result = signing.verify_detached(DATA, signature)
    assert result.ok, result.problems
    assert result.timestamp is not None
    assert abs((result.timestamp - result.signed_at).total_seconds()) < 60
    unsigned = {a["type"].native for a in cms.ContentInfo.load(signature)["content"]["signer_infos"][0]["unsigned_attrs"]}
    assert "signature_time_stamp_token" in unsigned
    assert _openssl_verify(tmp_path, DATA, signature, signing_pki.ca_cert_pem_path).returncode == 0
