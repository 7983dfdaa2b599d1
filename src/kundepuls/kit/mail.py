"""Sending email over SMTP with the settings of ``config.Settings``; no domain knowledge.

``send`` raises ``TemporaryMailError`` when trying again later may help (server down,
timeout, 4xx reply) and ``PermanentMailError`` when it will not (5xx reply), so a caller
such as an outbox can decide between a retry and giving up.
"""

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate

from kundepuls.config import Settings


class MailError(Exception):
    """Sending failed."""


class TemporaryMailError(MailError):
    """Sending failed for now; the same message may go through later."""


class PermanentMailError(MailError):
    """The server refused the message for good."""


@dataclass(frozen=True)
class Mail:
    """One message: plain text always, HTML optionally, and extra headers."""

    to: str
    subject: str
    text: str
    html: str | None = None
    message_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The MIME message for ``mail`` (multipart/alternative when there is HTML)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    if mail.message_id:
        message["Message-ID"] = mail.message_id
    for name, value in mail.headers.items():
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


def send(mail: Mail, settings: Settings, timeout: float = 20.0) -> None:
    """Deliver ``mail`` to the SMTP server of ``settings``."""
    message = build_message(mail, settings.mail_from)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
    except smtplib.SMTPResponseException as error:
        text = f"{error.smtp_code} {_decode(error.smtp_error)}"
        raise _by_code(error.smtp_code, text) from None
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        raise _by_code(code, f"recipient refused: {code} {_decode(reply)}") from None
    except (TimeoutError, OSError, smtplib.SMTPException) as error:
        raise TemporaryMailError(
            f"SMTP {settings.smtp_host}:{settings.smtp_port}: {error}"
        ) from None


def domain_of(address: str) -> str:
    """The domain part of an address, for Message-IDs (``localhost`` when there is none)."""
    return address.rsplit("@", 1)[1].strip("> ") if "@" in address else "localhost"


def _by_code(code: int, text: str) -> MailError:
    return PermanentMailError(text) if 500 <= code < 600 else TemporaryMailError(text)


def _decode(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
