"""Find the topic or place behind a tag the source files an address under, creating the ones the archive lacks.

A tag is found by its entry in the source's catalogue where the source gives one (the English and the Russian site
share them), else by its name in either language. A tag met in one language names its record in that language,
so an English page and its Russian translation fill in both names of one record. Lists the source printed run
together ("Госслужба Регионы") are split where the names the archive already knows show how.
"""

import re

from speeches.models import Place, Speech, label_key, normalize_label

from .speakers import _Slugs

TOPICS = "keywords"
COUNTRIES, REGIONS, PLACES = "countries", "regions", "places"  # places: a country or a region, the source not saying
PERSONS = "persons"
PLACE_KINDS = {COUNTRIES: Place.Kind.COUNTRY, REGIONS: Place.Kind.REGION}

_MAX_NAME = 200
# Russian regions are named with their kind: "Курская область", "Красноярский край", "Ямало-Ненецкий автономный округ".
_REGION_NAME = re.compile(r"(?:^| )(?:область|край|округ|автономная область)$|^(?:Москва|Санкт-Петербург|Севастополь)$")


def of_kind(tags, *catalogues):
    """The tags of a parsed speech from the given catalogues, in the order printed."""
    return [tag for items in (tags or {}).values() for tag in items if tag.catalogue in catalogues]


class TagResolver:
    """Resolve tags to Topic or Place records; with `save=False` new ones stay unsaved (for previews and dry runs)."""

    def __init__(self, model, *, save=True):
        self.model = model
        self.save = save
        self.forget()

    def forget(self):
        self._by_entry = None
        self._by_name = None
        self._slugs = _Slugs(self.model)

    def _load(self):
        if self._by_name is None:
            records = list(self.model.objects.all())
            self._by_entry = {_entry(record): record for record in records if record.catalogue_id}
            self._by_name = {}
            for record in records:
                self._remember(record)

    def _remember(self, record):
        for name in (record.name, record.name_ru):
            if name:
                self._by_name.setdefault(label_key(name), record)

    def get(self, tag, language, *, kind=""):
        """The record for one tag met on an address in `language`, created if new."""
        self._load()
        names = {
            field: normalize_label(name)[:_MAX_NAME]
            for field, name in _named(tag, language).items()
            if normalize_label(name)
        }
        entry = (kind, tag.catalogue_id)
        record = self._by_entry.get(entry) if tag.catalogue_id else None
        if record is None:
            record = next(filter(None, (self._by_name.get(label_key(name)) for name in names.values())), None)
            if record is not None and tag.catalogue_id and record.catalogue_id and _entry(record) != entry:
                record = None  # the same name for another entry of the catalogue: a record of its own
        if record is None:
            record = self.model(**names, catalogue_id=tag.catalogue_id)
            if kind:
                record.kind = kind
            record.slug = self._slugs.new(record.name or record.name_ru)
            self._store(record)
        else:
            missing = {field: name for field, name in names.items() if not getattr(record, field)}
            if tag.catalogue_id and not record.catalogue_id and entry not in self._by_entry:
                missing["catalogue_id"] = tag.catalogue_id
            if missing:
                for attribute, value in missing.items():
                    setattr(record, attribute, value)
                self._store(record, fields=list(missing))
        if record.catalogue_id:
            self._by_entry.setdefault(_entry(record), record)
        self._remember(record)
        return record

    def _store(self, record, fields=None):
        if self.save and (record.pk or fields is None):
            record.save(update_fields=fields)

    def split(self, text):
        """Split names printed run together: at the names the archive knows, then where Russian names end."""
        self._load()
        return split_known(text, lambda name: label_key(name) in self._by_name, cut=cut_russian_names)


def _named(tag, language):
    """The tag's names by the record field that keeps each: a page prints the name in its own language."""
    if tag.names:
        return {"name": tag.names.get("en", ""), "name_ru": tag.names.get("ru", "")}
    return {"name_ru" if language == Speech.Language.RUSSIAN else "name": tag.name}


def _entry(record):
    # A place's kind says which of the source's catalogues its entry is in.
    return getattr(record, "kind", ""), record.catalogue_id


def split_known(text, is_known, *, cut=lambda name: [name]):
    """Cut a run of names where known names stand: the fewest words left in unknown pieces, then the fewest pieces.

    Names are cut only before a capitalised word: the source capitalises the first word of every tag. `cut` splits
    what is left between the known names.
    """
    words = normalize_label(text).split(" ")
    n = len(words)
    # best[i]: (words in unknown pieces, pieces, where they end) for words[i:]
    best = [None] * n + [(0, 0, [])]
    for start in range(n - 1, -1, -1):
        for end in range(start + 1, n + 1):
            if end < n and not words[end][:1].isupper():
                continue
            rest = best[end]
            unknown = 0 if is_known(" ".join(words[start:end])) else end - start
            candidate = (rest[0] + unknown, rest[1] + 1, [end, *rest[2]])
            if best[start] is None or candidate[:2] < best[start][:2]:
                best[start] = candidate
    pieces, start = [], 0
    for end in best[0][2]:
        piece = " ".join(words[start:end])
        pieces += [piece] if is_known(piece) else cut(piece)
        start = end
    return pieces


# Russian names of subjects and places are written in sentence case: a capitalised word inside a name follows an
# adjective ("Великая Отечественная война", "Объединённые Арабские Эмираты"), a small word ("Босния и
# Герцеговина") or a noun that takes a name ("Республика Беларусь", "Соединённые Штаты Америки").
# Adjectives' endings, but not the nouns in -ние and -тие ("Здравоохранение", "Развитие").
_ADJECTIVE = re.compile(r"(?:ая|яя|ое|ее|ые|ий|ый|ой|(?<![нт])ие)$")
_SMALL_WORD = 3
# Such a noun takes a name after it where it starts a name: "Республика Беларусь", not "Донецкая Народная Республика".
_TAKES_A_NAME = {"республика", "королевство", "княжество", "содружество", "остров", "острова"}
_STATES = "штаты"  # "Соединённые Штаты Америки"


def cut_russian_names(text):
    """Cut Russian names run together where one name ends and the next begins, as far as their form shows."""
    names, current = [], []
    for word in text.split(" "):
        previous = current[-1] if current else ""
        continues = (
            not word[:1].isupper()
            or not previous
            or _ADJECTIVE.search(previous.casefold())
            or (previous.islower() and len(previous) <= _SMALL_WORD)
            or not previous[-1:].isalpha()
            or (len(current) == 1 and previous.casefold() in _TAKES_A_NAME)
            or previous.casefold() == _STATES
        )
        if not continues:
            names.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        names.append(" ".join(current))
    return names


def place_kind(tag):
    """Whether a place tag is a country or a region of Russia."""
    if tag.catalogue in PLACE_KINDS:
        return PLACE_KINDS[tag.catalogue]
    return Place.Kind.REGION if _REGION_NAME.search(normalize_label(tag.name)) else Place.Kind.COUNTRY
