import re
from pathlib import Path

import pytest
from django.core.management import call_command

from speeches.models import Paragraph, Speech

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_f4946fa41d8de7af.txt"

pytestmark = pytest.mark.django_db


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def demo():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    return Speech.objects.get()


def test_demo_fixture_holds_the_seed_address_published(client, demo):
    assert (
        squash(demo.title) == "Video address to the final session of the 10th Forum of Russian and Belarusian Regions"
    )
    assert demo.date.isoformat() == "2023-06-28"
    assert demo.is_published
    assert [s.name for s in demo.speakers.all()] == ["Vladimir Putin"]
    for url in ("/", "/speeches/2023/", "/speeches/2023/06/", "/speeches/2023/06/28/", demo.get_absolute_url()):
        assert client.get(url).status_code == 200, url


def test_demo_fixture_loads_twice_without_duplicates(demo):
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    assert Speech.objects.count() == 1
    assert Paragraph.objects.count() == 20


@pytest.mark.skipif(not SEED.exists(), reason="the seed transcript ../shared/seed is not beside this clone")
def test_demo_paragraphs_are_the_seed_text_word_for_word(demo):
    seed = SEED.read_text(encoding="utf-8")
    blocks = [squash(b) for b in re.split(r"\n\s*\n", seed) if b.strip()]
    start = blocks.index("President of Russia Vladimir Putin: Ms Valentina Matviyenko, Ms Natalya Kochanova, friends,")
    body = blocks[start : blocks.index("Thank you for your attention.") + 1]
    paragraphs = list(demo.paragraphs.select_related("speaker"))
    shown = [squash(f"{p.speaker_label}: {p.text}" if p.speaker_label else p.text) for p in paragraphs]
    assert shown == body
    assert all(p.speaker.name == "Vladimir Putin" for p in paragraphs)
