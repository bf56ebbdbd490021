"""Checking evidence files before they are stored: type by content, size, and a safe file name.

A file's type is read from its first bytes (its "magic number"), not trusted from its name or from
the browser's Content-Type; the name's extension must then agree with the content, so that a
program renamed ``laporan.pdf`` is refused and a PDF is never served as an image.
"""

from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

# Leading bytes of each accepted type.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
# Longest stored file name (the storage path adds evidence/<agreement>/<report>/ to it).
MAX_NAME_LENGTH = 100
FALLBACK_STEM = "bukti"


def allowed_types() -> tuple[str, ...]:
    """The accepted content types (``settings.KERJASAMA["EVIDENCE_TYPES"]``) that this module can recognise."""
    return tuple(kind for kind in settings.KERJASAMA["EVIDENCE_TYPES"] if kind in SIGNATURES)


def allowed_extensions() -> tuple[str, ...]:
    """File name endings of the accepted types, e.g. for an ``accept`` attribute."""
    return tuple(ext for kind in allowed_types() for ext in EXTENSIONS[kind])


def max_bytes() -> int:
    return settings.KERJASAMA["EVIDENCE_MAX_BYTES"]


def sniff(head: bytes) -> str | None:
    """The content type whose signature ``head`` starts with, or None."""
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return kind
    return None


def clean_name(name: str) -> str:
    """A safe storage name: no folders (either slash), only safe characters, at most ``MAX_NAME_LENGTH`` long.

    The extension is kept (lower-cased) when it fits; an empty or dot-only name becomes ``bukti``.
    """
    base = PureWindowsPath(PurePosixPath(str(name or "")).name).name  # both / and \\ separate folders
    try:
        cleaned = get_valid_filename(base)
    except SuspiciousFileOperation:  # "", "." or ".."
        cleaned = ""
    stem, dot, ext = cleaned.rpartition(".")
    if not dot:
        stem, ext = cleaned, ""
    stem = stem.strip("._-") or FALLBACK_STEM
    ext = f".{ext.lower()}" if ext else ""
    if len(ext) > 10:  # not a real extension; keep it out of the way of the length cap
        stem, ext = f"{stem}{ext}", ""
    return stem[: MAX_NAME_LENGTH - len(ext)] + ext


@dataclass
class Checked:
    """An upload after checking: its safe name, detected type, size, and what is wrong with it."""

    upload: UploadedFile
    name: str
    content_type: str | None
    size: int
    errors: list[str] = field(default_factory=list)


def check(upload: UploadedFile) -> Checked:
    """Check one uploaded file; ``errors`` is empty when it may be stored."""
    name = clean_name(upload.name)
    size = upload.size or 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    result = Checked(upload, name, kind, size)
    shown = name if len(name) <= 60 else name[:57] + "…"
    if size > max_bytes():
        result.errors.append(
            _("%(name)s is larger than %(max)s.") % {"name": shown, "max": filesizeformat(max_bytes())}
        )
    if size == 0:
        result.errors.append(_("%(name)s is empty.") % {"name": shown})
    elif kind is None or kind not in allowed_types():
        result.errors.append(
            _("%(name)s is not a PDF, JPEG or PNG file (its content was checked, not only its name).") % {"name": shown}
        )
    elif not name.lower().endswith(EXTENSIONS[kind]):
        result.errors.append(
            _("%(name)s does not end in %(ext)s although its content is %(type)s; rename it.")
            % {"name": shown, "ext": " / ".join(EXTENSIONS[kind]), "type": kind}
        )
    return result
