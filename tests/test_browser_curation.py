"""An editor corrects one paragraph of the longest real transcript in the admin; readers see the correction."""

import re
from functools import cache
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.dateformat import format as format_date

from speeches import history
from speeches.importers import import_paths, read_source
from speeches.importers.base import ParsedSpeech
from speeches.models import Paragraph, Speech
from tests.browser import browser_test

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
NEWS = CORPUS / "kremlin-en-html" / "news"
CSV = CORPUS / "kremlin-ru-csv" / "kremlin_articles_ru_enhanced.csv"

pytestmark = [
    *browser_test,
    pytest.mark.corpus,
    pytest.mark.skipif(not NEWS.is_dir(), reason="the corpus ../shared/corpus is not beside this clone"),
]

PASSWORD = "a-long-test-password"
# Appended to the sentence being corrected: a pure insertion, so the word diff is one <ins> and no <del>.
INSERTED = ", as the corrected record shows"
NOTE = "Restored a clause the first transcript left out."

TRANSCRIPT_ON_PAGE = """() => [...document.querySelectorAll(".transcript > [id]")].map((p) => ({
  id: p.id,
  text: p.textContent,
  speakers: [...p.querySelectorAll("b.speaker a")].map((a) => [a.textContent, a.getAttribute("href")]),
}))"""


@cache
def longest_record():
    """(paragraph count, file, place in the file) of the corpus transcript with the most paragraphs."""
    found = []
    for path in [*sorted(NEWS.glob("*.html")), *([CSV] if CSV.is_file() else [])]:
        for record in read_source(path.read_bytes(), name=str(path)):
            if isinstance(record, ParsedSpeech):
                found.append((len(record.paragraphs), path, record.where))
    return max(found, key=lambda item: item[0])


def import_longest_speech():
    count, path, where = longest_record()
    report = import_paths([path])
    # A CSV file holds many speeches; the one wanted is known by its row.
    (outcome,) = [o for o in report.outcomes if o.where == where]
    speech = Speech.objects.get(pk=outcome.speech_id)
    assert (outcome.result, speech.paragraphs.count(), speech.status) == ("created", count, Speech.Status.PUBLISHED)
    return speech


def sentence_to_correct(paragraphs):
    """A spoken paragraph from the second half and one of its sentences that occurs nowhere else in the speech."""
    whole = "\n".join(p.text for p in paragraphs)
    middle = len(paragraphs) // 2
    for paragraph in paragraphs[middle:] + paragraphs[:middle]:
        if paragraph.kind != Paragraph.Kind.SPEECH or paragraph.speaker_id is None:
            continue
        for sentence in re.split(r"(?<=\.)\s+", paragraph.text):
            if sentence.endswith(".") and len(sentence.split()) >= 8 and whole.count(sentence) == 1:
                return paragraph, sentence
    raise AssertionError("no spoken paragraph has a sentence of its own")


def local(moment, pattern):
    return format_date(timezone.localtime(moment), pattern)


@pytest.fixture
def longest_speech(transactional_db):
    return import_longest_speech()


def test_editor_publishes_a_one_paragraph_correction_to_the_longest_transcript(page, live_server, longest_speech):
    speech = longest_speech
    paragraphs = list(speech.paragraphs.order_by("position"))
    count = len(paragraphs)
    target, sentence = sentence_to_correct(paragraphs)
    n = target.position
    corrected = sentence[:-1] + INSERTED + "."
    public_url = live_server.url + speech.get_absolute_url()
    change_path = f"/admin/speeches/speech/{speech.pk}/change/"

    page.goto(public_url)
    before = page.evaluate(TRANSCRIPT_ON_PAGE)
    assert [p["id"] for p in before] == [f"p{k}" for k in range(1, count + 1)]
    assert page.locator("#corrected").count() == 0

    # Through the admin's own login form.
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    page.goto(f"{live_server.url}/admin/login/?next={change_path}")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{change_path}")
    row = page.locator(".field-transcript .readonly")
    assert row.inner_text() == f"Edit transcript {count:,} paragraphs · Versions (0)"
    # The transcript is one text on its own page, not a form field per paragraph.
    assert page.locator("textarea[name^='paragraphs-']").count() == 0

    page.get_by_role("link", name="Edit transcript").click()
    page.wait_for_url(f"**/admin/speeches/speech/{speech.pk}/transcript/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Edit transcript: {speech.title}"
    textarea = page.locator("#id_transcript")
    text = textarea.input_value()
    assert text.count(sentence) == 1
    textarea.fill(text.replace(sentence, corrected))
    with page.expect_navigation():
        page.get_by_role("button", name="Show changes").click()

    assert page.locator("#changes-summary").inner_text() == "1 paragraph differs."
    change = page.locator("#changes .change")
    assert change.count() == 1
    assert change.locator(".where").inner_text() == f"Paragraph {n}"
    assert change.locator("ins").all_text_contents() == [INSERTED]
    assert change.locator("del").count() == 0
    assert corrected in change.inner_text()
    assert page.get_by_role("button", name="Save as a revision to review").is_visible()
    page.get_by_label("Note on the change").fill(NOTE)
    page.get_by_role("button", name="Publish this correction").click()

    page.wait_for_url(f"**{change_path}")
    assert page.locator(".messagelist .success").inner_text() == "The correction is published."
    assert row.inner_text() == f"Edit transcript {count:,} paragraphs · Versions (2)"

    page.goto(public_url)
    after = page.evaluate(TRANSCRIPT_ON_PAGE)
    assert [p["id"] for p in after] == [p["id"] for p in before]
    assert [p["speakers"] for p in after] == [p["speakers"] for p in before]
    assert after[n - 1]["text"] == before[n - 1]["text"].replace(sentence, corrected)
    assert [p["text"] for p in after if p["id"] != f"p{n}"] == [p["text"] for p in before if p["id"] != f"p{n}"]
    anchors = page.locator(".transcript a.anchor")
    assert anchors.count() == count - sum(p.kind == Paragraph.Kind.SEPARATOR for p in paragraphs)
    assert page.locator(f"#p{n} a.anchor").get_attribute("href") == f"#p{n}"
    assert page.locator(f"#p{count}").count() == 1

    speech.refresh_from_db()
    assert page.locator("#corrected").inner_text() == (
        f"Corrected on {local(speech.corrected, 'j F Y')} · See every version and what changed"
    )
    page.get_by_role("link", name="See every version and what changed").click()
    page.wait_for_url(f"**{speech.get_absolute_url()}versions/")

    correction, first = history.versions(speech)
    headings = page.locator(".version h2").all_inner_texts()
    assert headings == [
        f"Corrected on {local(correction.revision.date_created, 'j F Y, H:i')}",
        f"First published in the archive on {local(first.revision.date_created, 'j F Y, H:i')}",
    ]
    assert page.locator(".version__note").all_inner_texts() == [NOTE]
    listed = page.locator(".version__change")
    assert listed.count() == 1
    assert listed.locator(".version__where").inner_text() == f"Paragraph {n}:"
    assert listed.locator("ins").all_text_contents() == [INSERTED]
    assert listed.locator("del").count() == 0

    listed.get_by_role("link", name=f"Paragraph {n}").click()
    page.wait_for_url(f"**{speech.get_absolute_url()}#p{n}")
    assert page.locator(f"#p{n}").evaluate("(p) => p.matches(':target')")
    assert corrected in page.locator(f"#p{n}").inner_text()
