"""A throwaway certificate authority and a certificate for localhost, made at start, never committed.

nginx gets the certificate and its key; clients trust the authority (`ssl_context`), and Chromium
trusts the certificate's public key alone (`chromium_args`), so nothing else is trusted by accident.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
from dataclasses import dataclass
from pathlib import Path

HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class LocalCertificate:
    """PEM files in `folder`: the authority (ca.pem), the certificate chain and its key."""

    ca_path: Path
    certificate_path: Path
    key_path: Path
    spki_sha256: str  # base64 SHA-256 of the certificate's public key, as Chromium wants it

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that verifies the server against this authority only."""
        return ssl.create_default_context(cafile=str(self.ca_path))

    def chromium_args(self) -> list[str]:
        """Chromium flag that accepts exactly this certificate (no other error is ignored)."""
        return [f"--ignore-certificate-errors-spki-list={self.spki_sha256}"]


def make_local_certificate(folder: Path) -> LocalCertificate:
    """Issue a certificate for localhost from a new authority (trustme) and write both to `folder`."""
    import trustme
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    authority = trustme.CA(organization_name="channels-workshop (make production, throwaway)")
    issued = authority.issue_cert(*HOSTS)
    ca_path, certificate_path, key_path = (
        folder / "ca.pem",
        folder / "localhost.pem",
        folder / "localhost.key",
    )
    authority.cert_pem.write_to_path(str(ca_path))
    certificate_path.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    issued.private_key_pem.write_to_path(str(key_path))
    key_path.chmod(0o600)
    leaf = x509.load_pem_x509_certificate(issued.cert_chain_pems[0].bytes())
    public_key = leaf.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    spki = base64.b64encode(hashlib.sha256(public_key).digest()).decode("ascii")
    return LocalCertificate(ca_path, certificate_path, key_path, spki)
