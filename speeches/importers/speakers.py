"""Find the speaker behind a printed label, and the venue behind a printed place.

Labels compare by `label_key` (whitespace, non-breaking spaces, line breaks and the trailing colon do not count,
nor does case). A label is looked up among the known aliases; a label that is a role followed by a name
("President of Russia Vladimir Putin") is split where the rest of the transcript, or a known alias, shows the
name alone, so one person keeps one record and the role is kept on it. Anonymous turns ("Question", "Remark")
stay labels without a speaker. Every lookup is cached for the run.
"""

import re
from collections import defaultdict

from django.utils.text import slugify

from speeches.models import Speaker, SpeakerAlias, Venue, label_key, normalize_label
from speeches.names import fold, parse_name, same_first_name, same_surname


def _words(text):
    return frozenset(text.split())


ANONYMOUS_WORDS = _words(
    """question questions remark remarks reply replies answer answers response responses voice voices comment comments
    audience participant participants interjection unidentified вопрос вопросы реплика реплики ответ ответы голос
    голоса комментарий участник участники"""
)

_LEADING_WORD = re.compile(r"[\w-]+")
_MAX_LABEL = 300
_MAX_NAME = 200


def is_anonymous(label):
    match = _LEADING_WORD.search(label_key(label))
    return bool(match) and match[0] in ANONYMOUS_WORDS


class _Slugs:
    """Hand out slugs not yet used in a model's table without asking the database each time."""

    def __init__(self, model):
        self.model = model
        self.taken = None

    def new(self, value):
        if self.taken is None:
            self.taken = set(self.model.objects.values_list("slug", flat=True))
        base = (slugify(value, allow_unicode=True) or "untitled")[:194].strip("-") or "untitled"
        slug, n = base, 1
        while slug in self.taken:
            n += 1
            slug = f"{base}-{n}"
        self.taken.add(slug)
        return slug


class SpeakerResolver:
    """Resolve labels to speakers; with `save=False` new speakers stay unsaved (for previews and dry runs)."""

    def __init__(self, *, save=True):
        self.save = save
        self.forget()

    def forget(self):
        """Drop the caches, e.g. after a transaction that created speakers was rolled back."""
        self._by_key = None
        self._by_slug = None
        self._by_entry = None
        self._by_surname = None
        self._by_words = None
        self._slugs = _Slugs(Speaker)

    def _load(self):
        if self._by_key is None:
            speakers = Speaker.objects.in_bulk()
            self._by_slug = {speaker.slug: speaker for speaker in speakers.values()}
            self._by_key = {
                key: speakers[speaker_id]
                for key, speaker_id in SpeakerAlias.objects.values_list("key", "speaker_id")
                # Aliases of a speaker another importer stored after the first query wait for the next load.
                if speaker_id in speakers
            }
            for speaker in speakers.values():
                self._by_key.setdefault(label_key(speaker.name), speaker)

    def known(self, label):
        """The speaker already known under this label, or None."""
        self._load()
        return self._by_key.get(label_key(label))

    def attribute(self, labels, preferred=None):
        """Map each label printed in one transcript to its speaker (None for anonymous turns).

        `preferred` maps label keys to the speaker (or None) a speech already attributes them to, so that an
        edited transcript keeps the attributions an editor made.
        """
        self._load()
        preferred = preferred or {}
        keys = {label_key(label) for label in labels}
        result = {}
        for label in labels:
            if label in result:
                continue
            key = label_key(label)
            if key in preferred:
                result[label] = preferred[key]
            else:
                result[label] = None if is_anonymous(label) else self._resolve(label, keys)
        return result

    def by_record(self, name, *, role="", slug="", aliases=()):
        """The speaker a JSON record names, found by slug or name, created (with its aliases) if new."""
        self._load()
        speaker = self._by_slug.get(slug) if slug else None
        if speaker is None:
            speaker = self._by_key.get(label_key(name))
        if speaker is None:
            speaker = self._create(name, role, slug=slug)
        if role and not speaker.role:
            self._set_role(speaker, role)
        # The name itself is looked up without an alias; only the spellings the record lists are stored.
        self._add_aliases(speaker, aliases)
        self._by_key.setdefault(label_key(name), speaker)
        return speaker

    def by_tag(self, name, *, catalogue_id="", slug="", speaking=()):
        """The speaker a person tag names ("Lukashenko Alexander", surname first), created if none fits.

        Found by slug (the archive's own records), by the source's catalogue entry, by the name as printed, then
        by first name and surname among every name and alias the archive keeps, in either script: one of those
        `speaking` in the address first, then one written in the tag's script, then a full name before an initial.
        The printed name becomes an alias of the speaker found, so the next tag and the duplicate suggestions know
        it.
        """
        self._load()
        if self._by_entry is None:
            self._by_entry = {s.catalogue_id: s for s in self._by_slug.values() if s.catalogue_id}
        speaker = self._by_slug.get(slug) if slug else None
        if speaker is None and catalogue_id:
            speaker = self._by_entry.get(catalogue_id)
        # The archive's own records name the speaker as the archive shows it; the source prints surname first.
        shown = name if slug else name_in_order(name)
        if speaker is None:
            speaker = self._by_key.get(label_key(name)) or self._by_key.get(label_key(shown))
        if speaker is None:
            speaker = self._person(shown, speaking)
        if speaker is None:
            speaker = self._create(shown, "", slug=slug)
        if catalogue_id and not speaker.catalogue_id and catalogue_id not in self._by_entry:
            speaker.catalogue_id = catalogue_id
            if self.save and speaker.pk:
                speaker.save(update_fields=["catalogue_id"])
        if speaker.catalogue_id:
            self._by_entry.setdefault(speaker.catalogue_id, speaker)
        # A transcript that names the person later finds them under the name the archive shows.
        self._by_key.setdefault(label_key(speaker.name), speaker)
        if not slug:
            self._add_aliases(speaker, [name])
        self._surnames_add(label_key(shown), speaker)
        return speaker

    def _surnames(self):
        if self._by_surname is None:
            self._by_surname, self._by_words = defaultdict(list), defaultdict(list)
            for key, speaker in self._by_key.items():
                self._surnames_add(key, speaker)
        return self._by_surname

    def _surnames_add(self, spelling, speaker):
        if self._by_surname is None:
            return
        parsed = parse_name(spelling)
        if parsed is not None:
            self._by_surname[parsed.surname].append((parsed, speaker))
            self._by_words[_words_in_any_order(spelling)].append((parsed, speaker))

    def _person(self, name, speaking=()):
        """The speaker whose first name and surname are the name's, in the order of preference of `by_tag`."""
        wanted = parse_name(name)
        if wanted is None:
            return None
        # Compared by primary key, else by identity: a dry run's new speakers have no key yet.
        speaking = {speaker.pk or id(speaker) for speaker in speaking}
        fitting = {}
        by_surname = self._surnames().get(wanted.surname, [])
        # The same words in another order are the same name: "Erdogan Recep Tayyip", "Recep Tayyip Erdogan".
        reordered = self._by_words.get(_words_in_any_order(name), [])
        candidates = [(False, *entry) for entry in by_surname] + [(True, *entry) for entry in reordered]
        for alike, parsed, speaker in candidates:
            if alike or (same_surname(parsed.surname, wanted.surname) and same_first_name(parsed, wanted)):
                rank = (
                    (speaker.pk or id(speaker)) not in speaking,
                    parsed.cyrillic != wanted.cyrillic,
                    parsed.initial,
                    speaker.pk or 0,
                )
                if id(speaker) not in fitting or rank < fitting[id(speaker)][0]:
                    fitting[id(speaker)] = rank, speaker
        if not fitting:
            return None
        return min(fitting.values(), key=lambda item: item[0])[1]

    def _slugs_taken(self):
        if self._slugs.taken is None:
            self._slugs.taken = set(self._by_slug)
        return self._slugs.taken

    def _resolve(self, label, keys_in_transcript):
        key = label_key(label)
        speaker = self._by_key.get(key)
        if speaker is not None:
            return speaker
        role, name = split_role(label, lambda k: k in keys_in_transcript or k in self._by_key)
        speaker = self._by_key.get(label_key(name))
        if speaker is None:
            speaker = self._create(name, role)
        elif role and not speaker.role:
            self._set_role(speaker, role)
        self._add_aliases(speaker, [label, name])
        return speaker

    def _create(self, name, role, *, slug=""):
        """A new speaker, with `slug` if it is still free."""
        name = normalize_label(name)[:_MAX_NAME]
        speaker = Speaker(name=name, role=normalize_label(role)[:_MAX_NAME])
        taken = self._slugs_taken()
        speaker.slug = slug if slug and slug not in taken else self._slugs.new(name)
        taken.add(speaker.slug)
        if self.save:
            speaker.save()
        self._by_slug[speaker.slug] = speaker
        return speaker

    def _set_role(self, speaker, role):
        speaker.role = normalize_label(role)[:_MAX_NAME]
        if self.save and speaker.pk:
            speaker.save(update_fields=["role"])

    def _add_aliases(self, speaker, labels):
        new = []
        for label in labels:
            label = normalize_label(label)
            key = label_key(label)
            if not key or len(label) > _MAX_LABEL or key in self._by_key:
                continue
            self._by_key[key] = speaker
            new.append(SpeakerAlias(speaker=speaker, label=label, key=key))
        if new and self.save:
            SpeakerAlias.objects.bulk_create(new, ignore_conflicts=True)


# Russian patronymics (Григорьевич, Ивановна, Ильич, Кузьминична) and their romanisations (Grigoryevich).
_PATRONYMIC = re.compile(r"(?:vich|vna|ich|ichna|ична|вич|вна|ич)$", re.IGNORECASE)


def _words_in_any_order(name):
    return tuple(sorted(fold(name).replace("-", " ").split()))


def name_in_order(name):
    """A name the source prints surname first in the order the archive shows names.

    "Lukashenko Alexander" is "Alexander Lukashenko"; "Кадыров Рамзан Ахматович" is "Рамзан Ахматович Кадыров".
    Other names of three words, names with words in small letters ("Kirill Patriarch of Moscow and All Russia") and
    longer ones are kept as printed.
    """
    words = normalize_label(name).split(" ")
    if not 2 <= len(words) <= 3 or not all(word[:1].isupper() for word in words):
        return normalize_label(name)
    if len(words) == 2 or _PATRONYMIC.search(words[2]):
        return " ".join([*words[1:], words[0]])
    # Three words without a patronymic: two surnames and a given name ("Diaz-Canel Bermudez Miguel") or a surname
    # and two given names ("Erdogan Recep Tayyip") look alike.
    return normalize_label(name)


def split_people(text):
    """Split names printed run together, surname first, after each Russian patronymic that ends a name.

    "Володин Вячеслав Викторович Лукашенко Александр Григорьевич" is two people; names without a patronymic
    cannot be told apart and stay together.
    """
    names, current = [], []
    for word in normalize_label(text).split(" "):
        current.append(word)
        if len(current) >= 3 and _PATRONYMIC.search(word):
            # Surname, first name, patronymic: what comes before them is a name of its own.
            names += [" ".join(part) for part in (current[:-3], current[-3:]) if part]
            current = []
    if current:
        names.append(" ".join(current))
    return names


_NAME_PARTICLES = _words("""de da del la le von van der bin ibn al""")
# Words that announce a role before a name ("Prime Minister Dmitry Medvedev", "Journalist Mikhail Leontyev").
_ROLE_WORDS = _words(
    """president presidential prime minister ministry chairman chairwoman chair governor head director deputy chief
    secretary king queen emir crown prince sultan mayor ambassador journalist moderator ceo speaker senator general
    colonel major captain lieutenant commander member rector editor editor-in-chief correspondent professor
    academician patriarch metropolitan aide adviser advisor spokesman spokeswoman representative envoy acting first
    executive founder teacher doctor pilot officer commissioner ombudsman ombudsperson leader host anchor presenter
    partner manager owner student worker veteran hero senior junior sergeant corporal private admiral marshal lt-gen
    lt-col major-general colonel-general reporter"""
)
_ROLE_CONNECTORS = _words("""of the and for at in on to""")
# Small words that may stand inside a label: in roles ("Minister of Finance") or in names ("Ben van Beurden").
NAME_CONNECTORS = _ROLE_CONNECTORS | _NAME_PARTICLES
_NAME_WORDS = 2
_MAX_BARE_NAME_WORDS = 5


def split_role(label, is_known):
    """Split "Minister of Foreign Affairs Sergei Lavrov" into ("Minister of Foreign Affairs", "Sergei Lavrov").

    The name is the longest tail of the label that is known on its own (printed alone elsewhere in the same
    transcript, or an alias already in the archive); failing that, a label with role words ends with a
    two-word name, a label written "Name, role" or "Name (place)" starts with it, and a short label without
    role words is all name.
    """
    label = normalize_label(label)
    words = label.split(" ")
    for start in range(1, len(words)):
        tail = " ".join(words[start:])
        if tail[:1].isupper() and is_known(label_key(tail)):
            return _role(words[:start]), _name_case(tail)
    leading = _LEADING_NAME.match(label)
    if leading and not _has_role_words(leading["name"].split(" ")):
        return leading["role"].strip(" ()"), _name_case(leading["name"])
    count = _NAME_WORDS + (1 if len(words) > _NAME_WORDS and words[-2].casefold() in _NAME_PARTICLES else 0)
    head = words[:-count]
    name = " ".join(words[-count:])
    if head and name[:1].isupper() and (_has_role_words(head) or len(words) > _MAX_BARE_NAME_WORDS):
        return _role(head), _name_case(name)
    return "", _name_case(label)


# "Yevgeny Rozhkov, reporter at VGTRK", "Inna Sverdlyukovskaya (Krasnodar Territory)"
_LEADING_NAME = re.compile(r"^(?P<name>[^,()]+?)(?:, | \()(?P<role>.+)$")


def _has_role_words(words):
    return any(
        w.casefold().strip(",") in _ROLE_WORDS
        or w in _ROLE_CONNECTORS
        or (w[:1].islower() and w.casefold() not in _NAME_PARTICLES)
        or w.endswith(",")
        for w in words
    )


def _role(words):
    return " ".join(words).strip(" ,;–—-")


def _name_case(name):
    # Some transcripts print labels in capitals; the archive shows names as names.
    return name.title() if name.isupper() else name


class VenueResolver:
    """Resolve printed places to venues by `Venue.key`, creating the new ones."""

    def __init__(self, *, save=True):
        self.save = save
        self.forget()

    def forget(self):
        self._by_key = None
        self._slugs = _Slugs(Venue)

    def get(self, name, *, city="", region=""):
        name = normalize_label(name)
        if not name:
            return None
        if self._by_key is None:
            self._by_key = {venue.key: venue for venue in Venue.objects.all()}
        key = label_key(name)
        venue = self._by_key.get(key)
        if venue is None:
            venue = Venue(name=name[:300], key=key[:300], slug=self._slugs.new(name), city=city, region=region)
            if self.save:
                venue.save()
            self._by_key[key] = venue
        return venue
