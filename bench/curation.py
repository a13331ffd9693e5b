"""Time an editor's one-paragraph correction of the longest corpus transcript, request by request.

Run with `.venv/bin/python bench/curation.py [--repeat N]`. Imports the transcript with the most paragraphs in
../shared/corpus into a throwaway SQLite database unless DATABASE_URL is set (then it writes into that database:
use a scratch one), and times, through the test client as a logged-in superuser: the admin change page, the
transcript editor, "Show changes", "Publish this correction" (each run saves a real change to one paragraph),
saving the change page's details form (each run a new summary), then the public speech page as a reader gets it.
"""

import argparse
import html
import re
import time
from pathlib import Path

from _setup import ROOT, describe, setup_django

CORPUS = ROOT.parent / "shared" / "corpus"
NEWS = CORPUS / "kremlin-en-html" / "news"
CSV = CORPUS / "kremlin-ru-csv" / "kremlin_articles_ru_enhanced.csv"


def import_longest_speech():
    """Import only the corpus transcript with the most paragraphs; return the stored speech."""
    from speeches.importers import import_paths, read_source
    from speeches.importers.base import ParsedSpeech
    from speeches.models import Speech

    found = []
    for path in [*sorted(NEWS.glob("*.html")), *([CSV] if CSV.is_file() else [])]:
        for record in read_source(path.read_bytes(), name=str(path)):
            if isinstance(record, ParsedSpeech):
                found.append((len(record.paragraphs), path, record.where))
    count, path, where = max(found, key=lambda item: item[0])
    report = import_paths([path])
    # A CSV file holds many speeches; the one wanted is known by its row.
    (outcome,) = [o for o in report.outcomes if o.where == where]
    speech = Speech.objects.get(pk=outcome.speech_id)
    assert speech.paragraphs.count() == count and speech.is_published, (outcome, count)
    return speech, Path(path).name + (f" ({where})" if where else "")


def sentence_to_correct(speech):
    """A sentence from the middle of the speech that occurs once in it: the one each run rewrites."""
    paragraphs = list(speech.paragraphs.order_by("position"))
    whole = "\n".join(p.text for p in paragraphs)
    middle = len(paragraphs) // 2
    for paragraph in paragraphs[middle:] + paragraphs[:middle]:
        for sentence in re.split(r"(?<=\.)\s+", paragraph.text):
            if sentence.endswith(".") and len(sentence.split()) >= 8 and whole.count(sentence) == 1:
                return paragraph.position, sentence
    raise SystemExit("No sentence of the speech occurs only once.")


def textarea_value(page):
    """What a browser would submit from the transcript textarea of the editor page."""
    (raw,) = re.findall(r'<textarea[^>]*\bid="id_transcript"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    # HTML drops one newline right after the opening tag.
    return html.unescape(raw.removeprefix("\n"))


def timed(call):
    start = time.perf_counter()
    response = call()
    return time.perf_counter() - start, response


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if not NEWS.is_dir():
        print(f"Skipped: no corpus at {NEWS} (the benchmark needs ../shared/corpus beside this clone).")
        return
    setup_django()
    from django.contrib.auth.models import User
    from django.test import Client

    speech, source = import_longest_speech()
    position, sentence = sentence_to_correct(speech)
    editor = Client(HTTP_HOST="127.0.0.1")
    editor.force_login(User.objects.create_superuser("editor", "editor@example.org", "benchmark-password"))
    reader = Client(HTTP_HOST="127.0.0.1")
    change_url = f"/admin/speeches/speech/{speech.pk}/change/"
    editor_url = f"/admin/speeches/speech/{speech.pk}/transcript/"
    public_url = speech.get_absolute_url()

    response = editor.get(editor_url)
    assert response.status_code == 200, response.status_code
    transcript = textarea_value(response.content.decode())
    assert transcript.count(sentence) == 1

    print(f"“{speech.title}” ({speech.date:%Y-%m-%d}, {source}): {speech.paragraphs.count():,} paragraphs")
    print(f"Correcting paragraph {position}; {args.repeat} runs (after 2 untimed), each one a real, new correction")

    timings = {name: [] for name in ["change", "editor", "preview", "publish", "details", "public"]}

    def details(n):
        """The change page's form as an editor submits it, with a new summary."""
        speech.refresh_from_db()
        return {
            "title": speech.title,
            "slug": speech.slug,
            "date": speech.date.isoformat(),
            "time": speech.time.strftime("%H:%M") if speech.time else "",
            "kind": speech.kind,
            "venue": speech.venue_id or "",
            "language": speech.language,
            "lead": f"{speech.lead.split(' (summary')[0]} (summary {n})",
            "status": speech.status,
            "withdrawal_note": "",
            "speakers": list(speech.speakers.values_list("pk", flat=True)),
            "source_url": speech.source_url,
            "source_id": speech.source_id,
            "translation": speech.translation_id or "",
        }

    sizes = {}

    def run(n, record):
        # A different wording every run, so each "Show changes" finds one paragraph and each publish saves it.
        text = transcript.replace(sentence, f"{sentence[:-1]}, as correction {n} records.")
        steps = [
            ("change", lambda: editor.get(change_url), 200),
            ("editor", lambda: editor.get(editor_url), 200),
            ("preview", lambda: editor.post(editor_url, {"transcript": text, "note": "", "_preview": "1"}), 200),
            (
                "publish",
                lambda: editor.post(editor_url, {"transcript": text, "note": f"Correction {n}", "_publish": "1"}),
                302,
            ),
            ("details", lambda: editor.post(change_url, details(n)), 302),
            ("public", lambda: reader.get(public_url), 200),
        ]
        for name, call, status in steps:
            seconds, response = timed(call)
            assert response.status_code == status, (name, response.status_code)
            if name == "preview":
                assert b'<p id="changes-summary">1 paragraph differs.</p>' in response.content
            if name == "publish":
                assert response["Location"] == change_url, response["Location"]
            if record:
                timings[name].append(seconds)
                sizes[name] = len(response.content)

    for n in range(2):
        run(n, record=False)
    for n in range(2, args.repeat + 2):
        run(n, record=True)
    assert f"{sentence[:-1]}, as correction {args.repeat + 1} records." in reader.get(public_url).content.decode()

    labels = {
        "change": "admin change page",
        "editor": "transcript editor page",
        "preview": "Show changes (preview)",
        "publish": "Publish this correction (save)",
        "details": "Save the details form",
        "public": "public speech page",
    }
    for name, label in labels.items():
        size = f"  HTML {sizes[name] / 1024:8,.1f} KB" if name in ("change", "editor", "preview", "public") else ""
        print(describe(label, timings[name]) + size)


if __name__ == "__main__":
    main()
