"""Import the real saved kremlin.ru pages in ../shared/corpus."""

import re
from pathlib import Path

import lxml.html
import pytest

from speeches.importers import import_paths
from speeches.models import Paragraph, Speaker, SpeakerAlias, Speech, Venue

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
NEWS = CORPUS / "kremlin-en-html" / "news"
CSV = CORPUS / "kremlin-ru-csv" / "kremlin_articles_ru_enhanced.csv"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.django_db,
    pytest.mark.skipif(not NEWS.is_dir(), reason="the corpus ../shared/corpus is not beside this clone"),
]

CHROME = ["Publication status", "Published in sections", "See also", "Press Esc to close", "Play video", "Text version"]


def counts():
    return [m.objects.count() for m in (Speech, Paragraph, Speaker, SpeakerAlias, Venue)]


def squash(text):
    # Compare the words and their order; how a label's colon or spaces were set in bold does not matter.
    return re.sub(r"[\s:]+", "", text)


def visible_article_text(path):
    """The article text a reader sees on the page, worked out independently of the importer."""
    root = lxml.html.fromstring(path.read_bytes().decode("utf-8", errors="replace"))
    (body,) = root.find_class("read__internal_content")
    for hidden in body.xpath(".//*[contains(@class, 'masha-ignore') or contains(@class, 'read__bottommeta')]"):
        hidden.drop_tree()
    return squash(" ".join(p.text_content() for p in body.iter("p")))


def test_full_english_corpus_imports_once_then_stays_unchanged():
    report = import_paths([NEWS])
    assert report.summary() == "1136 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    assert Speech.objects.count() == 1136
    before = counts()

    again = import_paths([NEWS])

    assert again.summary() == "0 created, 0 updated, 1136 unchanged, 0 skipped, 0 failed"
    assert counts() == before

    # Every page's paragraphs are its visible article text, no more (tooltips, menus) and no less.
    texts = {}
    for speech_id, label, text in Paragraph.objects.order_by("speech", "position").values_list(
        "speech__source_id", "speaker_label", "text"
    ):
        texts.setdefault(speech_id, []).append(f"{label}: {text}" if label else text)
    mismatched = [
        path.name
        for path in sorted(NEWS.glob("*.html"))
        if squash(" ".join(texts[path.stem])) != visible_article_text(path)
    ]
    assert mismatched == []
    assert not Paragraph.objects.filter(text__regex="|".join(CHROME)).exists()

    putin = Speaker.objects.get(name="Vladimir Putin")
    assert putin.role == "President of Russia"
    assert {"President of Russia Vladimir Putin", "Vladimir Putin"} <= set(
        putin.aliases.values_list("label", flat=True)
    )
    assert not Paragraph.objects.filter(speaker_label__in=["Question", "Remark"]).exclude(speaker=None).exists()

    valdai = Speech.objects.get(source_id="55882")
    assert (valdai.title, str(valdai.date), str(valdai.time), valdai.venue.name, valdai.kind) == (
        "Meeting of\xa0the\xa0Valdai International Discussion Club",
        "2017-10-19",
        "20:10:00",
        "Sochi",
        "meeting",
    )
    # Exactly as the page prints them, non-breaking spaces (\xa0) included.
    assert [(p.kind, p.speaker_label, p.text) for p in valdai.paragraphs.all()[3:7]] == [
        (
            "speech",
            "",
            "Alongside the\xa0President of\xa0Russia the\xa0speakers at\xa0the\xa0final session included former "
            "President of\xa0the\xa0Islamic Republic of\xa0Afghanistan Hamid Karzai, Research Director at\xa0the"
            "\xa0Norwegian Nobel Institute\xa0Asle Toje, and\xa0Executive Chairman of\xa0Alibaba Group Jack Ma.",
        ),
        ("separator", "", "* * *"),
        (
            "speech",
            "Research Director of\xa0the\xa0Foundation for\xa0Development and\xa0Support of\xa0the\xa0Valdai "
            "Discussion Club, moderator Fyodor Lukyanov",
            "Friends, guests,",
        ),
        (
            "speech",
            "",
            "I\xa0am pleased to\xa0welcome you to\xa0the\xa0final plenary session of\xa0the\xa014th Valdai Club "
            "conference.",
        ),
    ]
    assert valdai.paragraphs.get(position=7).speaker.name == "Fyodor Lukyanov"

    navy = Speech.objects.get(source_id="62558")
    assert [(p.kind, p.speaker_label, p.text[:40]) for p in navy.paragraphs.all()[:4]] == [
        ("speech", "", "Vladimir Putin held a\xa0meeting with the\xa0D"),
        ("separator", "", "* * *"),
        ("heading", "", "Beginning of\xa0meeting with Defence Minist"),
        ("speech", "President of\xa0Russia Vladimir Putin", "Good afternoon, comrade officers,"),
    ]


@pytest.mark.skipif(not CSV.exists(), reason="the Russian CSV in ../shared/corpus is not beside this clone")
def test_russian_csv_imports_with_undated_rows_skipped():
    report = import_paths([CSV])
    # 200 items: 9 announcements of future events are skipped, each with its reason.
    assert report.summary() == "191 created, 0 updated, 0 unchanged, 9 skipped, 0 failed"
    assert set(Speech.objects.values_list("language", flat=True)) == {"ru"}
    assert Paragraph.objects.count() == 2515
    assert Paragraph.objects.filter(speaker_label="В.Путин").count() == 1084
    assert not Paragraph.objects.filter(text__contains="Статус материала").exists()
    assert import_paths([CSV]).counts["unchanged"] == report.counts["created"]
