"""The Russian interface: every string of the interface has its translation, and the compiled catalogue matches."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"
# The same places `make messages` leaves out.
IGNORED = [".venv", "bench", "tests", "staticfiles", "var"]


def entries(path):
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in polib.pofile(str(path)) if not entry.obsolete}


def test_every_string_of_the_interface_is_in_the_russian_catalogue(tmp_path, monkeypatch):
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext's xgettext finds the strings and is not installed: apt-get install gettext")
    # Gathered afresh into a copy, so that the catalogue in the checkout is only read.
    copy = tmp_path / "locale"
    shutil.copytree(CATALOGUE.parents[2], copy)
    monkeypatch.chdir(ROOT)
    settings.LOCALE_PATHS = [copy]
    call_command("makemessages", locale=["ru"], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0)
    found = entries(copy / "ru" / "LC_MESSAGES" / "django.po")
    missing = found - entries(CATALOGUE)
    assert not missing, f"{len(missing)} string(s) not in the catalogue; run `make messages` and translate them"
    unused = entries(CATALOGUE) - found
    assert not unused, f"{len(unused)} string(s) in the catalogue that the interface no longer uses"


def test_every_string_of_the_russian_catalogue_is_translated_and_compiled():
    catalogue = polib.pofile(str(CATALOGUE))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    # Russian counts in forms for one, few (2-4) and many, and, as Django's own catalogue does, for fractions.
    forms = int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"]).group(1))
    assert forms == 4
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid
        assert entry.msgid.count("%(") == (entry.msgstr or entry.msgstr_plural[0]).count("%("), entry.msgid
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in polib.mofile(str(CATALOGUE.with_suffix(".mo")))
        if entry.msgid
    }
    written = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in catalogue.translated_entries()
    }
    assert compiled == written, "django.mo is older than django.po: run `make messages`"
