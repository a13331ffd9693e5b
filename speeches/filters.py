import functools
import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Subquery
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from .models import CHRONOLOGICAL, Place, Speaker, SpeakerAlias, Speech, Topic, Venue, has_cyrillic, label_key
from .names import feminine_pair, fold, one_edit_apart

SORT_CHOICES = [
    ("relevance", gettext_lazy("Relevance")),
    ("newest", gettext_lazy("Newest first")),
    ("oldest", gettext_lazy("Oldest first")),
]

SUGGESTIONS = 10  # names offered as one types
CHOICES = 10  # records listed when a name fits several, or none
FREQUENT = 20  # names a page offers before anything is typed
RECENT_SPEECHES = 200  # the addresses whose speakers and venues count as frequent
# A name of one or two letters can fit thousands of records; only this many, best matches first, are ranked.
MAX_CANDIDATES = 2000

# Runs of letters and runs of digits: "V.Putin" is two words and "G20" keeps its number.
_WORDS = re.compile(r"\d+|[^\W\d_]+")
_APOSTROPHES = re.compile("['’ʼ`]")


@dataclass(frozen=True)
class _Spelling:
    key: str  # label_key: the spelling as printed, whatever its case and spacing
    words: tuple  # folded: Cyrillic and Latin letters, and romanisation variants, compare alike
    # The words between spaces, so that a word or the start of one is found by a plain substring test.
    spaced: str
    sorted_words: tuple  # the same words in any order are the same name


# Pure, and asked for every name in the archive on each lookup: worth remembering between requests.
@functools.lru_cache(maxsize=1 << 16)
def _spelling(text):
    key = label_key(text)
    words = []
    for token in _WORDS.findall(_APOSTROPHES.sub("", key)):
        words.extend([token] if token.isdigit() else fold(token).replace("-", " ").split())
    return _Spelling(key, tuple(words), f" {' '.join(words)} ", tuple(sorted(words)))


def _nearly_the_word(typed, own):
    # Romanisations that fold cannot reconcile (Aleksandr, Alexander) are a letter apart; Ivanov and Ivanova are
    # two people.
    if typed == own or (len(typed) == 1 and own.startswith(typed)):
        return True
    return (
        min(len(typed), len(own)) >= 5
        and typed[0] == own[0]
        and one_edit_apart(typed, own)
        and not feminine_pair(typed, own)
    )


class _Typed:
    """A name as a reader typed it, ready to be compared with every spelling in the archive."""

    def __init__(self, text):
        spelling = _spelling(text)
        self.key, self.words, self.sorted_words = spelling.key, spelling.words, spelling.sorted_words
        # A single letter stands for any word it starts: "V. Putin".
        self.whole_words = tuple(f" {word}" if len(word) == 1 else f" {word} " for word in spelling.words)
        self.word_starts = tuple(f" {word}" for word in spelling.words)
        self.start = f" {' '.join(spelling.words)}"

    def closeness(self, spelling):
        """Rank the fit: 0 for the same spelling, 1 for the same words in any order, 2 for some of its words."""
        if spelling.key == self.key:
            return 0
        if spelling.sorted_words == self.sorted_words:
            return 1
        if all(map(spelling.spaced.__contains__, self.whole_words)):
            return 2
        return None

    def nearly(self, spelling):
        """Tell whether each typed word is, or is a letter away from, one of the spelling's words; one exactly."""
        if not any(map(spelling.spaced.__contains__, self.whole_words)):
            return False
        return all(any(_nearly_the_word(word, own) for own in spelling.words) for word in self.words)

    def beginning(self, spelling):
        """Rank the fit: 0 where the spelling starts as typed, 1 where each typed word starts one of its words."""
        if spelling.spaced.startswith(self.start):
            return 0
        if all(map(spelling.spaced.__contains__, self.word_starts)):
            return 1
        return None


@dataclass(frozen=True)
class NameChoice:
    """A record a typed name may mean, with the address of the search narrowed to it."""

    name: str
    detail: str
    addresses: int
    url: str


class Names:
    """Find the speakers or venues a name typed by a reader means, and suggest names as one types."""

    model = None
    noun = ""

    def __deepcopy__(self, memo):
        # Forms copy their fields for every request; the finder holds no state to copy.
        return self

    @property
    def list_id(self):
        """Return the id of the datalist that offers these names in a page."""
        return f"{self.noun}-names"

    def spellings(self):
        """Return (pk, spelling) for every way the archive writes a record's name."""
        return self.model.objects.values_list("pk", "name")

    def by_slug(self, value):
        """Return the record at this address name, current or merged away, or None."""
        current = self.model.objects.filter(slug=value).order_by()
        merged = self.model.objects.filter(redirects__slug=value).order_by()
        records = list(current.union(merged))
        return next((r for r in records if r.slug == value), records[0] if records else None)

    def detail(self, record):
        return ""

    def ambiguous(self, count, listed_all):
        """The sentence for a name that fits `count` records; `listed_all` when every one of them is offered."""
        raise NotImplementedError

    def unknown(self, suggested):
        """The sentence for a name that fits no record; `suggested` when names that begin like it are offered."""
        raise NotImplementedError

    def resolve(self, typed):
        """Return the one record typed means, by address name or by name; raise ValidationError otherwise."""
        record = self.by_slug(typed)
        if record is not None:
            return record
        records = self._with_addresses(self._matches(typed))
        # A record without published addresses could only empty the results: it does not make a name ambiguous.
        with_addresses = [r for r in records if r.addresses]
        records = with_addresses or records
        if len(records) == 1:
            return records[0]
        if records:
            message = self.ambiguous(len(records), listed_all=len(records) <= CHOICES)
            choices = records[:CHOICES]
            code = "ambiguous"
        else:
            choices = [record for _, record in self._suggestions(typed, CHOICES)]
            message = self.unknown(suggested=bool(choices))
            code = "unknown"
        raise ValidationError(message, code=code, params={"value": typed, "count": len(records), "choices": choices})

    def suggest(self, typed, limit=SUGGESTIONS):
        """Return up to `limit` names that begin like typed, best match and most addresses first."""
        # Two people of one name are one suggestion; the name then asks which one is meant.
        names = {}
        for name, _ in self._suggestions(typed):
            names.setdefault(name.casefold(), name)
        return list(names.values())[:limit]

    def frequent(self, limit=FREQUENT):
        """Return the names that come up most in the latest addresses, for a page to offer before anything is typed."""
        recent = Speech.objects.published().order_by("-date", "-id").values("id")[:RECENT_SPEECHES]
        return list(
            self.model.objects.filter(speeches__in=Subquery(recent))
            .annotate(n=Count("speeches"))
            .order_by("-n", "name")
            .values_list("name", flat=True)[:limit]
        )

    def _matches(self, typed):
        """Return the pks of the records typed fits best: its spelling, its words, some of them, or nearly those."""
        wanted = _Typed(typed)
        if not wanted.words:
            return []
        found = ([], [], [])
        spellings = list(self.spellings())
        for pk, text in spellings:
            closeness = wanted.closeness(_spelling(text))
            if closeness is not None:
                found[closeness].append(pk)
        closest = next((pks for pks in found if pks), None)
        if closest is None:
            closest = [pk for pk, text in spellings if wanted.nearly(_spelling(text))]
        return list(dict.fromkeys(closest))[:MAX_CANDIDATES]

    def _with_addresses(self, pks):
        """Return the records, each with its number of published addresses, most first."""
        if not pks:
            return []
        published = Q(speeches__status=Speech.Status.PUBLISHED)
        records = self.model.objects.filter(pk__in=pks).annotate(addresses=Count("speeches", filter=published))
        return sorted(records, key=lambda r: (-r.addresses, r.name.casefold(), r.pk))

    def _suggestions(self, typed, limit=None):
        """Return (name to show, record) for the records with published addresses whose names begin like typed.

        All of them by default: every one is ranked anyway, and many may share a name.
        """
        wanted = _Typed(typed)
        if not wanted.words:
            return []
        found = {}  # pk -> (tier, matching spellings)
        for pk, text in self.spellings():
            tier = wanted.beginning(_spelling(text))
            if tier is not None:
                best, texts = found.get(pk, (tier, []))
                found[pk] = (min(best, tier), [*texts, text])
        ranked = sorted(found, key=lambda pk: (found[pk][0], pk))[:MAX_CANDIDATES]
        cyrillic = has_cyrillic(typed)
        rows = []
        for record in self._with_addresses(ranked):
            if record.addresses:
                tier, texts = found[record.pk]
                rows.append((tier, -record.addresses, self._shown(record, texts, cyrillic), record))
        rows.sort(key=lambda row: (row[0], row[1], row[2].casefold(), row[3].pk))
        return [(name, record) for _, _, name, record in rows[:limit]]

    def _shown(self, record, texts, cyrillic):
        # In the script the reader types, where the archive has that spelling: a browser shows only the options
        # that contain what is typed, and every spelling the archive keeps finds its record again.
        if has_cyrillic(record.name) == cyrillic:
            return record.name
        return next((text for text in texts if has_cyrillic(text) == cyrillic), record.name)


class SpeakerNames(Names):
    model = Speaker
    noun = "speaker"

    def spellings(self):
        names = Speaker.objects.order_by().values_list("pk", "name")
        return names.union(SpeakerAlias.objects.order_by().values_list("speaker_id", "label"), all=True)

    def detail(self, record):
        return record.role

    def ambiguous(self, count, listed_all):
        if listed_all:
            return ngettext(
                "“%(value)s” fits %(count)s speaker: which one do you mean?",
                "“%(value)s” fits %(count)s speakers: which one do you mean?",
                count,
            )
        return ngettext(
            "“%(value)s” fits %(count)s speaker: type more of the name, or choose one of these with the most "
            "addresses.",
            "“%(value)s” fits %(count)s speakers: type more of the name, or choose one of these with the most "
            "addresses.",
            count,
        )

    def unknown(self, suggested):
        if suggested:
            return gettext("No speaker is known as “%(value)s”; these names begin like it:")
        return gettext("No speaker is known as “%(value)s”; check the spelling.")


class VenueNames(Names):
    model = Venue
    noun = "venue"

    def detail(self, record):
        return ", ".join(part for part in (record.city, record.region) if part)

    def ambiguous(self, count, listed_all):
        if listed_all:
            return ngettext(
                "“%(value)s” fits %(count)s venue: which one do you mean?",
                "“%(value)s” fits %(count)s venues: which one do you mean?",
                count,
            )
        return ngettext(
            "“%(value)s” fits %(count)s venue: type more of the name, or choose one of these with the most addresses.",
            "“%(value)s” fits %(count)s venues: type more of the name, or choose one of these with the most addresses.",
            count,
        )

    def unknown(self, suggested):
        if suggested:
            return gettext("No venue is known as “%(value)s”; these names begin like it:")
        return gettext("No venue is known as “%(value)s”; check the spelling.")


SPEAKER_NAMES = SpeakerNames()
VENUE_NAMES = VenueNames()


class NameField(forms.CharField):
    """A speaker or venue as a reader types it: an address name, or a name in any spelling the archive knows."""

    def __init__(self, *, names, **kwargs):
        self.names = names
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.names.resolve(value) if value else None


class NameFilter(django_filters.Filter):
    field_class = NameField


def _name_widget(names, url_name, placeholder):
    return forms.TextInput(
        attrs={
            "placeholder": placeholder,
            "list": names.list_id,
            "data-suggest": reverse_lazy(url_name),
            # The datalist offers the names; the browser's memory of past entries would only crowd it.
            "autocomplete": "off",
            "spellcheck": "false",
        }
    )


@dataclass(frozen=True)
class FilterError:
    """One readable sentence about a parameter, with the records a reader can choose instead."""

    text: str
    choices: tuple = ()
    id: str = ""
    # The query parameter at fault, as the API names it.
    parameter: str = ""

    def __str__(self):
        return self.text


class SpeechFilter(django_filters.FilterSet):
    """Narrow speeches by who speaks, where, what kind, language and date; shared by search and lists."""

    # Text boxes for a name rather than menus of every speaker and venue: the datalist offers the likely ones.
    speaker = NameFilter(
        field_name="speakers",
        label=gettext_lazy("Speaker"),
        names=SPEAKER_NAMES,
        widget=_name_widget(SPEAKER_NAMES, "speaker_names", gettext_lazy("e.g. Putin")),
    )
    venue = NameFilter(
        label=gettext_lazy("Venue"),
        names=VENUE_NAMES,
        widget=_name_widget(VENUE_NAMES, "venue_names", gettext_lazy("e.g. Kremlin")),
    )
    # What the source files an address under: a few hundred entries at most, so a menu, by their web address names.
    topic = django_filters.ModelChoiceFilter(
        field_name="topics",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        label=gettext_lazy("Topic"),
        empty_label=gettext_lazy("Any topic"),
    )
    place = django_filters.ModelChoiceFilter(
        field_name="places",
        queryset=Place.objects.all(),
        to_field_name="slug",
        label=gettext_lazy("Country or region"),
        empty_label=gettext_lazy("Any country or region"),
    )
    kind = django_filters.ChoiceFilter(
        choices=Speech.Kind.choices, label=gettext_lazy("Kind"), empty_label=gettext_lazy("Any kind")
    )
    lang = django_filters.ChoiceFilter(
        field_name="language",
        choices=Speech.Language.choices,
        label=gettext_lazy("Language"),
        empty_label=gettext_lazy("Any language"),
    )
    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label=pgettext_lazy("start of a range of dates", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label=pgettext_lazy("end of a range of dates", "To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES,
        method="sort_speeches",
        label=pgettext_lazy("order of a list", "Order"),
        empty_label=None,
        null_value=None,
    )

    class Meta:
        model = Speech
        fields = ["speaker", "venue", "topic", "place", "kind", "lang", "date_from", "date_to", "sort"]

    def sort_speeches(self, queryset, name, value):
        # Lists have no relevance of their own: they stay newest first.
        if value == "oldest":
            return queryset.order_by(*CHRONOLOGICAL)
        return queryset

    def clean_form_errors(self):
        """Return one readable sentence per invalid field, with the records to choose from where a name was unclear."""
        errors = []
        for name, field_errors in self.form.errors.as_data().items():
            messages = [message for error in field_errors for message in error]
            records = [record for error in field_errors for record in (error.params or {}).get("choices", ())]
            errors.append(
                FilterError(
                    # Translators: a search option's label, then what is wrong with what was given for it.
                    gettext("%(field)s: %(errors)s")
                    % {"field": self.form.fields[name].label, "errors": " ".join(messages)},
                    tuple(self._choice(name, record) for record in records),
                    # The id the invalid input names in its aria-describedby.
                    f"{self.form[name].auto_id}_error",
                    name,
                )
            )
        return errors

    def name_lists(self, **names):
        """Pair the datalist of each name filter given with its names; None offers the most frequent ones."""
        lists = []
        for field, offered in names.items():
            finder = self.filters[field].extra["names"]
            offered = finder.frequent() if offered is None else offered
            lists.append((finder.list_id, list(dict.fromkeys(offered))))
        return lists

    def _choice(self, field, record):
        # The choice narrows the search by address name, which can never be unclear.
        query = QueryDict(mutable=True)
        query.update(self.data)
        query[field] = record.slug
        query.pop("page", None)
        detail = self.filters[field].extra["names"].detail(record)
        return NameChoice(record.name, detail, record.addresses, f"?{query.urlencode()}")
