"""python-socketio servers (aiohttp): a healthy one with a CORS list, a token check and a
namespace, and a TLS one with a self-signed certificate made at test time."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path

import socketio
from aiohttp import web

GOOD_ORIGIN = "https://good.example"
GOOD_TOKEN = "python-good-token-0123456789"


def sio_app(*, check_token: bool = False, **server_kwargs: object) -> web.Application:
    """python-socketio on aiohttp; ``check_token`` refuses CONNECTs without GOOD_TOKEN."""
    kwargs: dict[str, object] = {
        "async_mode": "aiohttp",
        "ping_interval": 0.3,
        "ping_timeout": 0.3,
        "cors_allowed_origins": [GOOD_ORIGIN],
    }
    kwargs.update(server_kwargs)
    sio = socketio.AsyncServer(**kwargs)

    @sio.event
    async def connect(sid: str, environ: dict, auth: dict | None) -> None:
        if check_token and (auth or {}).get("token") != GOOD_TOKEN:
            raise socketio.exceptions.ConnectionRefusedError("invalid token")

    @sio.on("connect", namespace="/chat")
    async def chat_connect(sid: str, environ: dict, auth: dict | None) -> None:
        return None

    app = web.Application()
    sio.attach(app)
    return app


def self_signed(directory: Path) -> tuple[Path, Path]:
    """Write a self-signed certificate for 127.0.0.1 / localhost; returns (cert, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wsmonitor test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_ssl_context(cert: Path, key: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx
