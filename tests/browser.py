"""
Shared set-up of the browser tests: Debian's Chromium driven by Playwright, never a downloaded browser.

Where no Chromium is installed (a reader's own machine), the browser tests skip and say why; `.ci/run`
installs it, so CI always runs them.
"""

import datetime
import os
from pathlib import Path

import pytest

from speeches import curation, reading, search
from speeches.importers.base import ParsedParagraph
from speeches.models import Paragraph, Place, Speaker, Speech, Topic
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_speaker, make_speech, make_venue

# Playwright's sync API runs an event loop in the test thread, which Django would otherwise take for async
# code and refuse database access to; the tests stay synchronous, so the check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the test extra is not installed
    sync_playwright = None


def _missing():
    if sync_playwright is None:
        return "the Python package playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) or set CHROMIUM"
    return None


MISSING = _missing()
# CI installs Chromium, so there a missing browser fails the run instead of skipping it.
browser_test = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None and not os.environ.get("CI"), reason=f"browser test: {MISSING}"),
]

TEXT_SPACING_CSS = (
    # WCAG 2.2 success criterion 1.4.12: content must survive these overrides without loss.
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }"
    " p { margin-bottom: 2em !important; }"
)

OVERFLOW_REPORT = """() => {
  const root = document.documentElement;
  const clipped = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest(".visually-hidden, .skip-link")) continue;
    const style = getComputedStyle(element);
    if (style.display === "none") continue;
    const hides = ["hidden", "clip"];
    if ((hides.includes(style.overflowX) && element.scrollWidth > element.clientWidth + 1)
        || (hides.includes(style.overflowY) && element.scrollHeight > element.clientHeight + 1)) {
      clipped.push(element.tagName.toLowerCase() + "." + element.className);
    }
  }
  // A data table may scroll inside its own box (WCAG 1.4.10 exempts two-dimensional content); the page may not.
  const inScroller = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 0.5)
    .filter((e) => !e.closest(".visually-hidden, .skip-link") && !inScroller(e))
    .map((e) => `${e.tagName.toLowerCase()}.${e.className}[${e.getAttribute("href") || ""}]`);
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, clipped, wide: wide.slice(0, 10)};
}"""


@pytest.fixture(scope="session")
def browser():
    if MISSING is not None:
        pytest.fail(f"browser test: {MISSING}")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def watch_policy(context):
    """The messages of everything the Content-Security-Policy blocks in this browser context, as they come."""
    blocked = []
    context.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return blocked


@pytest.fixture
def browser_context(browser):
    """A browser context; the test fails if the Content-Security-Policy blocked anything a page tried to use."""
    instance = browser.new_context(viewport={"width": 1024, "height": 800})
    blocked = watch_policy(instance)
    yield instance
    instance.close()
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


def set_reading_cookie(context, base_url, **settings):
    value = reading.cookie_value({**reading.DEFAULTS, **settings})
    context.add_cookies([{"name": reading.COOKIE_NAME, "value": value, "url": base_url}])


def html_settings(page):
    return page.evaluate(
        "() => Object.fromEntries(['size','colours','spacing','line','font','images','language']"
        ".map((n) => [n, document.documentElement.getAttribute('data-' + n)]))"
    )


@pytest.fixture
def archive(transactional_db):
    """A small archive: an address with a translation, a speaker, a venue, and enough text to scroll."""
    putin = make_speaker()
    moderator = Speaker.objects.create(name="Fyodor Lukyanov", role="Moderator")
    ufa = make_venue("Ufa, Republic of Bashkortostan")
    forum = make_speech(
        "Video address to the final session of the 10th Forum of Russian and Belarusian Regions",
        datetime.date(2023, 6, 28),
        kind=Speech.Kind.ADDRESS,
        venue=ufa,
        slug="forum",
        lead="The President addressed the forum by video.",
        source_url="http://en.kremlin.ru/events/president/news/71541",
    )
    rows = [(moderator, "Fyodor Lukyanov", "Good afternoon. The floor goes to the President.", "speech")]
    rows += [
        (
            putin,
            "Vladimir Putin" if n == 2 else "",
            f"Paragraph {n}: regional cooperation grows stronger every year.",
            "speech",
        )
        for n in range(2, 61)
    ]
    rows.insert(30, (None, "", "Applause.", "stage"))
    Paragraph.objects.bulk_create(
        Paragraph(speech=forum, position=n, speaker=who, speaker_label=label, text=text, kind=kind)
        for n, (who, label, text, kind) in enumerate(rows, start=1)
    )
    forum.refresh_speakers()
    russian = make_speech(
        "Видеообращение к участникам Форума регионов России и Беларуси",
        datetime.date(2023, 6, 28),
        language="ru",
        slug="forum-ru",
        paragraphs=[("Владимир Путин", "Уважаемые друзья!"), "Рад приветствовать участников форума."],
        speaker=putin,
    )
    forum.translation = russian
    forum.save()
    forum.topics.set([Topic.objects.create(name="Regions", name_ru="Регионы", catalogue_id="19")])
    forum.places.set(
        [
            Place.objects.create(name="Republic of Bashkortostan", kind=Place.Kind.REGION, catalogue_id="BA"),
            Place.objects.create(name="Belarus", name_ru="Беларусь", catalogue_id="BY"),
        ]
    )
    forum.people.set([putin])
    make_speech("An earlier address", datetime.date(2023, 6, 12), speaker=putin, paragraphs=["Text."])
    withdrawn = make_speech("A withdrawn address", datetime.date(2023, 6, 12), slug="withdrawn", paragraphs=["Text."])
    Speech.objects.filter(pk=withdrawn.pk).update(
        status=Speech.Status.WITHDRAWN, withdrawal_note="It was published in error."
    )
    # One public correction, so the speech page says so and its versions page has a change to show.
    corrected = [
        ParsedParagraph(
            text=p.text.replace("goes to the President", "goes to the President of Russia"),
            speaker_label=p.speaker_label,
            kind=p.kind,
        )
        for p in forum.paragraphs.order_by("position")
    ]
    curation.revise(forum, curation.as_parsed(forum, corrected), note="Full title, as spoken")
    forum.refresh_from_db()
    # The index a new installation's rebuild_index makes: serving code never creates one.
    search.rebuild()
    return forum
