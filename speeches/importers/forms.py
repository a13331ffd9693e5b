import logging
from pathlib import Path

from django import forms
from django.template.defaultfilters import filesizeformat

from speeches.models import Speech

from . import EXTENSIONS, FORMATS, detect_format, read_source
from .base import ParsedSpeech, ParseError, Rejected

logger = logging.getLogger(__name__)

# Saved pages are well under 1 MB. The limit stays below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), because
# after a preview the file's text travels back in the form.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# A stray invalid byte is tolerated (saved pages have them); more than this share means the file is not UTF-8.
_MAX_INVALID_SHARE = 0.001


class TranscriptForm(forms.Form):
    """Paste or upload one transcript, preview it, correct its metadata and save it as a draft."""

    upload = forms.FileField(
        required=False,
        label="File",
        help_text="A saved kremlin.ru page (.html), plain text (.txt), the archive's JSON (.json, .jsonl) "
        f"or the kremlin.ru CSV (.csv), up to {filesizeformat(MAX_UPLOAD_BYTES)}.",
    )
    pasted = forms.CharField(
        required=False,
        label="Or paste the transcript",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
    )
    format = forms.ChoiceField(
        required=False,
        choices=[("", "Detect from the file")] + [(name, name) for name in FORMATS],
    )
    # The text of a file uploaded for a preview, so that saving does not need the file again.
    source = forms.CharField(required=False, widget=forms.HiddenInput)
    source_name = forms.CharField(required=False, widget=forms.HiddenInput)

    title = forms.CharField(required=False, max_length=500, widget=forms.TextInput(attrs={"size": 90}))
    date = forms.DateField(required=False, help_text="YYYY-MM-DD")
    time = forms.TimeField(required=False, help_text="HH:MM")
    venue = forms.CharField(required=False, max_length=300)
    kind = forms.ChoiceField(required=False, choices=[("", "As detected")] + list(Speech.Kind.choices))
    language = forms.ChoiceField(required=False, choices=[("", "As detected")] + list(Speech.Language.choices))
    lead = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 100}))

    metadata_fields = ["title", "date", "time", "venue", "kind", "language", "lead"]

    def __init__(self, *args, known_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_label = known_label
        self.parsed = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        suffix = Path(upload.name).suffix.lower()
        if suffix not in EXTENSIONS:
            raise forms.ValidationError(
                f"“{upload.name}” is not a transcript file: upload .html, .txt, .json, .jsonl or .csv."
            )
        if upload.size == 0:
            raise forms.ValidationError(f"“{upload.name}” is empty.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"“{upload.name}” is {filesizeformat(upload.size)}; the limit is {filesizeformat(MAX_UPLOAD_BYTES)}. "
                "Import large files with the import_speeches command."
            )
        data = upload.read()
        return upload.name, _decode(data, upload.name)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("upload"):
            name, text = cleaned["upload"]
        elif cleaned.get("pasted", "").strip():
            name, text = "pasted.txt", cleaned["pasted"]
        elif cleaned.get("source", "").strip():
            name, text = cleaned.get("source_name") or "pasted.txt", cleaned["source"]
        else:
            raise forms.ValidationError("Paste a transcript or choose a file.")
        cleaned["source"], cleaned["source_name"] = text, name
        format = cleaned.get("format") or None
        if format is None and name == "pasted.txt":
            format = detect_format("", text) or "text"
        try:
            records = read_source(text, name=name, format=format, known_label=self.known_label)
        except ParseError as exc:
            raise forms.ValidationError(f"The transcript could not be read: {exc}") from exc
        except Exception as exc:  # A reader bug must show as a message, not a server error.
            logger.exception("Could not read the transcript %s", name)
            raise forms.ValidationError(
                "The transcript could not be read: it is not in a format the archive knows."
            ) from exc
        speeches = [r for r in records if isinstance(r, ParsedSpeech)]
        if not speeches:
            reasons = "; ".join(
                f"{r.where}: {r.reason}" if r.where else r.reason for r in records if isinstance(r, Rejected)
            )
            reasons = reasons or "no speech found"
            raise forms.ValidationError(f"The transcript could not be read: {reasons}")
        if len(speeches) > 1:
            raise forms.ValidationError(
                f"The file holds {len(speeches)} speeches; this page takes one. "
                "Import bulk files with the import_speeches command."
            )
        self.parsed = self._corrected(speeches[0], cleaned)
        return cleaned

    def _corrected(self, parsed, cleaned):
        for name in self.metadata_fields:
            value = cleaned.get(name)
            if value not in (None, ""):
                setattr(parsed, name, value)
        return parsed

    def detected(self):
        """The form's data with the parsed metadata filled into the fields the editor left empty."""
        data = self.data.copy()
        if self.cleaned_data.get("upload") or not data.get("pasted", "").strip():
            data["source"] = self.cleaned_data["source"]
            data["source_name"] = self.cleaned_data["source_name"]
            data["pasted"] = ""
        else:
            # Pasted text stays in its box; it is not sent twice.
            data["source"] = data["source_name"] = ""
        for name in self.metadata_fields:
            if not data.get(name):
                value = getattr(self.parsed, name)
                if name == "time" and value:
                    value = value.isoformat(timespec="minutes")
                elif name == "date" and value:
                    value = value.isoformat()
                data[name] = value or ""
        return data


def _decode(data, name):
    if b"\x00" in data[:4096]:
        raise forms.ValidationError(f"“{name}” is not a text file (it holds binary data).")
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.count("\ufffd") > max(1, len(text) * _MAX_INVALID_SHARE):
        raise forms.ValidationError(f"“{name}” is not UTF-8 text; save it as UTF-8 and upload it again.")
    return text
