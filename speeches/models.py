import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext_lazy

from . import page_cache

_SPACES = re.compile(r"\s+")


def normalize_label(value):
    """Collapse whitespace (non-breaking spaces and line breaks included) and strip a trailing colon."""
    value = unicodedata.normalize("NFKC", value or "")
    value = _SPACES.sub(" ", value).strip()
    return value.rstrip(":").strip()


# Script detection in one place: stemming, language guessing and name matching all ask it.
CYRILLIC = re.compile("[\u0400-\u04ff]")


def has_cyrillic(text):
    """Whether any letter of text is Cyrillic."""
    return bool(CYRILLIC.search(text))


def label_key(value):
    """Return the form under which two spellings of one label compare equal."""
    return normalize_label(value).casefold()


def unique_slug(queryset, value, *, max_length=200):
    """Slugify value, adding -2, -3 … where the slug is already taken in queryset."""
    base = (slugify(value, allow_unicode=True) or "untitled")[: max_length - 6].strip("-") or "untitled"
    slug, n = base, 1
    while queryset.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def check_slug(value):
    """Refuse a slug that cannot stand in a web address, whichever path tries to store it."""
    if not value:
        raise ValidationError("The slug is empty.", code="invalid")
    validate_unicode_slug(value)


def check_source_url(value):
    """Refuse a source address that is not a web page, such as javascript: or data: links."""
    if value and urlsplit(value).scheme.lower() not in {"http", "https"}:
        raise ValidationError("The source address must start with http:// or https://.", code="scheme")


class Speaker(models.Model):
    name = models.CharField(
        max_length=200, help_text="The person's name as the archive shows it, e.g. “Vladimir Putin”."
    )
    slug = models.SlugField(
        max_length=200, unique=True, allow_unicode=True, help_text="Used in the speaker's web address."
    )
    role = models.CharField(max_length=200, blank=True, help_text="Current role or title, e.g. “President of Russia”.")
    catalogue_id = models.CharField(
        max_length=50,
        blank=True,
        db_index=True,
        help_text="The person's entry in kremlin.ru's catalogue of persons (the number in /catalog/persons/…).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Speaker.objects.exclude(pk=self.pk), self.name)
        check_slug(self.slug)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("speaker_detail", kwargs={"slug": self.slug})


class SpeakerAlias(models.Model):
    """Another way a transcript prints a speaker's name ("V.Putin", "President of Russia Vladimir Putin")."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField(max_length=300, help_text="The label exactly as transcripts print it, without the colon.")
    key = models.CharField(max_length=300, unique=True, editable=False)

    class Meta:
        ordering = ["label"]
        verbose_name_plural = "speaker aliases"

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.label = normalize_label(self.label)
        self.key = label_key(self.label)
        super().save(*args, **kwargs)


class Venue(models.Model):
    name = models.CharField(max_length=300, help_text="The place as printed, e.g. “The Kremlin, Moscow”.")
    key = models.CharField(max_length=300, unique=True, editable=False)
    slug = models.SlugField(
        max_length=200, unique=True, allow_unicode=True, help_text="Used in the venue's web address."
    )
    city = models.CharField(max_length=200, blank=True, help_text="City, where known.")
    region = models.CharField(max_length=200, blank=True, help_text="Region or country, where known.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_label(self.name)
        self.key = label_key(self.name)
        if not self.slug:
            self.slug = unique_slug(Venue.objects.exclude(pk=self.pk), self.name)
        check_slug(self.slug)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("venue_detail", kwargs={"slug": self.slug})


class Tag(models.Model):
    """A subject the source files addresses under: a topic or a place, named in English and in Russian."""

    name = models.CharField(max_length=200, blank=True, help_text="The name as en.kremlin.ru prints it.")
    name_ru = models.CharField(max_length=200, blank=True, help_text="The name as kremlin.ru prints it, in Russian.")
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True, help_text="Used in the web address.")
    catalogue_id = models.CharField(
        max_length=50,
        blank=True,
        help_text="The entry's address in kremlin.ru's catalogue (the same on the English and the Russian site).",
    )

    class Meta:
        abstract = True
        ordering = ["name", "name_ru"]

    def __str__(self):
        return self.local_name

    def save(self, *args, **kwargs):
        self.name, self.name_ru = normalize_label(self.name), normalize_label(self.name_ru)
        if not self.slug:
            self.slug = unique_slug(type(self).objects.exclude(pk=self.pk), self.name or self.name_ru)
        check_slug(self.slug)
        super().save(*args, **kwargs)

    @property
    def local_name(self):
        """The name in the reader's interface language, else in the other one."""
        names = (self.name_ru, self.name) if (get_language() or "").startswith("ru") else (self.name, self.name_ru)
        return next((name for name in names if name), "")

    def clean(self):
        if not (normalize_label(self.name) or normalize_label(self.name_ru)):
            raise ValidationError("Give the name in English, in Russian, or in both.")


def _tag_constraints(name, *fields):
    return [
        models.UniqueConstraint(
            fields=[*fields, "catalogue_id"],
            condition=~models.Q(catalogue_id=""),
            name=f"{name}_unique_catalogue_entry",
            violation_error_message="Another record already stands for this catalogue entry.",
        ),
        models.CheckConstraint(condition=~models.Q(name="", name_ru=""), name=f"{name}_has_a_name"),
    ]


class Topic(Tag):
    """A subject such as “Foreign policy” or “Armed Forces”."""

    class Meta(Tag.Meta):
        constraints = _tag_constraints("topic")

    def get_absolute_url(self):
        return reverse("topic_detail", kwargs={"slug": self.slug})


class Place(Tag):
    """A country or a region of Russia an address is about."""

    class Kind(models.TextChoices):
        COUNTRY = "country", pgettext_lazy("kind of place", "Country")
        REGION = "region", pgettext_lazy("kind of place", "Region of Russia")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COUNTRY)

    class Meta(Tag.Meta):
        # Countries and regions are two catalogues of the source, each numbering its own entries.
        constraints = _tag_constraints("place", "kind")

    def get_absolute_url(self):
        return reverse("place_detail", kwargs={"slug": self.slug})


class SpeakerRedirect(models.Model):
    """The web address name of a speaker merged into another, kept so that old links still lead somewhere."""

    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="redirects")

    def __str__(self):
        return f"{self.slug} → {self.speaker.slug}"


class VenueRedirect(models.Model):
    """The web address name of a venue merged into another."""

    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="redirects")

    def __str__(self):
        return f"{self.slug} → {self.venue.slug}"


class SpeechQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Speech.Status.PUBLISHED)

    def public(self):
        """Speeches that have a public page: published ones, and withdrawn ones with their notice."""
        return self.filter(status__in=[Speech.Status.PUBLISHED, Speech.Status.WITHDRAWN])

    def for_listing(self):
        return self.select_related("venue").prefetch_related("speakers")


# Within a day, speeches without a time come first, then by time, then in the order they were added; the same on
# every database (PostgreSQL would otherwise put missing times last going up).
CHRONOLOGICAL = [models.F("date").asc(), models.F("time").asc(nulls_first=True), models.F("id").asc()]
CHRONOLOGICAL_DESC = [models.F("date").desc(), models.F("time").desc(nulls_last=True), models.F("id").desc()]


class Speech(models.Model):
    class Kind(models.TextChoices):
        ADDRESS = "address", pgettext_lazy("kind of address", "Address")
        SPEECH = "speech", pgettext_lazy("kind of address", "Speech")
        MEETING = "meeting", pgettext_lazy("kind of address", "Meeting")
        INTERVIEW = "interview", pgettext_lazy("kind of address", "Interview")
        NEWS_CONFERENCE = "news-conference", pgettext_lazy("kind of address", "News conference")
        STATEMENT = "statement", pgettext_lazy("kind of address", "Statement")
        MESSAGE = "message", pgettext_lazy("kind of address", "Message")
        OTHER = "other", pgettext_lazy("kind of address", "Other")

    class Language(models.TextChoices):
        ENGLISH = "en", pgettext_lazy("language of a transcript", "English")
        RUSSIAN = "ru", pgettext_lazy("language of a transcript", "Russian")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("status of an address", "Draft")
        PUBLISHED = "published", pgettext_lazy("status of an address", "Published")
        # Taken down after publication: the address keeps its page, with a notice instead of the text.
        WITHDRAWN = "withdrawn", pgettext_lazy("status of an address", "Withdrawn")

    title = models.CharField(max_length=500, help_text="The title as the source prints it.")
    slug = models.SlugField(
        max_length=200,
        allow_unicode=True,
        blank=True,
        help_text="Used in the web address; filled from the title when left empty.",
    )
    date = models.DateField(db_index=True, help_text="The day the address was given.")
    time = models.TimeField(null=True, blank=True, help_text="Local time (Moscow) when known.")
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.SPEECH, help_text="What sort of address this is."
    )
    venue = models.ForeignKey(
        Venue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="speeches",
        help_text="Where it was given, if known.",
    )
    language = models.CharField(
        max_length=5, choices=Language.choices, default=Language.ENGLISH, help_text="The language of this transcript."
    )
    lead = models.TextField(blank=True, help_text="A short summary shown above the transcript.")
    source_url = models.URLField(
        max_length=500, blank=True, validators=[check_source_url], help_text="Where the transcript was published."
    )
    source_id = models.CharField(
        max_length=100, blank=True, help_text="The source's own identifier, e.g. the kremlin.ru document number."
    )
    translation = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The same address in another language; the link is kept on both sides.",
    )
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="speeches", help_text="Everyone who speaks in the transcript."
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="speeches", help_text="The subjects the source files the address under."
    )
    places = models.ManyToManyField(
        Place, blank=True, related_name="speeches", help_text="The countries and regions the address is about."
    )
    people = models.ManyToManyField(
        Speaker,
        blank=True,
        related_name="tagged_speeches",
        help_text="The people the source files the address under, whether they speak in it or not.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published speeches are read and searched; a withdrawn one shows a notice at its address.",
    )
    withdrawal_note = models.TextField(
        blank=True, help_text="Shown at the address of a withdrawn speech: why it was taken down."
    )
    first_published = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the speech was first made public."
    )
    corrected = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When its public text or details last changed after first publication.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = SpeechQuerySet.as_manager()

    class Meta:
        # Newest first; within a day, untimed speeches after timed ones on every database.
        ordering = CHRONOLOGICAL_DESC
        get_latest_by = ["date", "time"]
        verbose_name_plural = "speeches"
        constraints = [
            models.UniqueConstraint(
                fields=["source_url", "source_id"],
                condition=~models.Q(source_id=""),
                name="speech_unique_source",
                violation_error_message="A speech from this source is already in the archive.",
            ),
            models.UniqueConstraint(fields=["date", "slug"], name="speech_unique_slug_per_day"),
            models.CheckConstraint(
                condition=~models.Q(translation=models.F("id")), name="speech_not_its_own_translation"
            ),
        ]
        indexes = [models.Index(fields=["status", "-date"], name="speech_status_date")]
        permissions = [("publish_speech", "Can publish, unpublish and withdraw speeches")]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Speech.objects.filter(date=self.date).exclude(pk=self.pk), self.title)
        check_slug(self.slug)
        check_source_url(self.source_url)
        if self.status == self.Status.PUBLISHED and self.first_published is None:
            self.first_published = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "first_published"}
        super().save(*args, **kwargs)
        placed, self._placed = getattr(self, "_placed", None), self._placement()
        was_public = placed is not None and placed[0] == self.Status.PUBLISHED
        if placed != self._placed and (was_public or self.is_published):
            page_cache.changed(page_cache.PUBLIC_SET)
        if self.translation_id:
            # Keep the link symmetric without touching `updated` on the other side.
            unlinked = list(
                Speech.objects.filter(translation_id=self.pk)
                .exclude(pk=self.translation_id)
                .values_list("pk", flat=True)
            )
            # The old partner lets go first: a translation link is one to one, and two speeches may not both name
            # this one at any moment.
            Speech.objects.filter(pk__in=unlinked).update(translation=None)
            Speech.objects.filter(pk=self.translation_id).exclude(translation_id=self.pk).update(translation=self.pk)
            # Each side's page links to the other.
            page_cache.changed(*map(page_cache.speech_tag, [self.translation_id, *unlinked]))

    def get_absolute_url(self):
        return reverse(
            "speech_detail",
            kwargs={"year": self.date.year, "month": f"{self.date:%m}", "day": f"{self.date:%d}", "slug": self.slug},
        )

    def transcript(self):
        """The paragraphs in order, each with its speaker, every speaker loaded once.

        select_related would build one speaker per paragraph: over a thousand on the longest addresses, which
        have a few dozen speakers at most.
        """
        paragraphs = list(self.paragraphs.all())
        # The speech's own list of speakers holds them all as a rule, and pages load it with the speech anyway.
        speakers = {speaker.pk: speaker for speaker in self.speakers.all()}
        missing = {paragraph.speaker_id for paragraph in paragraphs} - speakers.keys() - {None}
        if missing:
            speakers.update(Speaker.objects.in_bulk(missing))
        field = Paragraph._meta.get_field("speaker")
        for paragraph in paragraphs:
            field.set_cached_value(paragraph, speakers.get(paragraph.speaker_id))
        return paragraphs

    @classmethod
    def from_db(cls, db, field_names, values):
        speech = super().from_db(db, field_names, values)
        speech._placed = speech._placement()
        return speech

    def _placement(self):
        """What decides whether and where the speech appears among the public ones (None where not loaded)."""
        return tuple(self.__dict__.get(name) for name in ("status", "date", "time"))

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_withdrawn(self):
        return self.status == self.Status.WITHDRAWN

    def refresh_speakers(self):
        """Set the speech's speakers from who is attributed in its paragraphs."""
        ids = set(self.paragraphs.exclude(speaker=None).values_list("speaker_id", flat=True))
        self.speakers.set(ids)


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        SPEECH = "speech", pgettext_lazy("kind of paragraph", "Speech")
        HEADING = "heading", pgettext_lazy("kind of paragraph", "Heading")
        STAGE = "stage", pgettext_lazy("kind of paragraph", "Stage direction")
        SEPARATOR = "separator", pgettext_lazy("kind of paragraph", "Separator")

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField(
        help_text="Order within the speech, from 1; also the paragraph's anchor (#p1)."
    )
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paragraphs",
        help_text="Who says this paragraph; empty for anonymous turns such as “Question”.",
    )
    speaker_label = models.CharField(
        max_length=300,
        blank=True,
        help_text="The speaker label exactly as printed where a turn begins; empty where the same speaker goes on.",
    )
    text = models.TextField(help_text="The paragraph's text, without the speaker label.")
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.SPEECH, help_text="What this paragraph is."
    )

    class Meta:
        ordering = ["speech", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["speech", "position"],
                name="paragraph_unique_position",
                violation_error_message="Two paragraphs of one speech cannot share a position.",
            ),
            models.CheckConstraint(condition=models.Q(position__gte=1), name="paragraph_position_from_one"),
        ]

    def __str__(self):
        return f"¶{self.position} {self.text[:60]}"

    def get_absolute_url(self):
        return f"{self.speech.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"p{self.position}"


class PendingRevision(models.Model):
    """A new text or new details for a speech, waiting for an editor to review and publish them.

    The proposal is kept in the archive's JSON record form, so publishing it goes through the same writer as
    an import, and nothing public changes until an editor publishes it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="pending_revisions")
    record = models.JSONField(help_text="The whole speech as proposed, in the archive's JSON form.")
    note = models.TextField(blank=True, help_text="What the revision changes and why, for the reviewer.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Revision of “{self.speech.title}” ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        """The speech's public address showing this revision, for staff only."""
        return f"{self.speech.get_absolute_url()}?revision={self.pk}"


class SimilarSpeech(models.Model):
    """An address that a speech's page suggests under "More like this", in order of likeness.

    Found by the search index when the speech is indexed, not on every visit: on the longest transcripts that
    search takes longer than the rest of the page.
    """

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="similar_speeches")
    similar = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="suggested_with")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["speech", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["speech", "rank"], name="similar_speech_rank_unique"),
            models.UniqueConstraint(fields=["speech", "similar"], name="similar_speech_once"),
        ]

    def __str__(self):
        return f"{self.similar_id} is like {self.speech_id} (#{self.rank})"


class IndexUpdate(models.Model):
    """A speech whose search index entry must be brought up to date.

    Written in the same transaction as the change, so a process that dies after committing leaves the work
    recorded; whoever drains the queue next (the same process, the next import, check_index) does it.
    """

    speech_id = models.BigIntegerField(db_index=True)
    queued = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Index speech {self.speech_id}"


class ParagraphSearch(models.Model):
    """A paragraph as the PostgreSQL search backend indexes it (position 0 holds the title and lead).

    The table exists on every database; only the PostgreSQL backend fills it. Rows are derived from
    published speeches and can be rebuilt at any time.
    """

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    speaker = models.IntegerField(null=True)
    language = models.CharField(max_length=5)
    kind = models.CharField(max_length=20)
    date = models.DateField()
    venue = models.IntegerField(null=True)
    updated = models.DateTimeField(null=True, help_text="The speech's `updated` when indexed; set on position 0.")
    # Title A, lead and speaker label B, text C; stemmed with the speech's language.
    vector = SearchVectorField()
    # Unstemmed words ('simple' configuration) for the "exact words" option.
    exact = SearchVectorField()
    words = models.PositiveIntegerField(
        null=True, help_text="How many words the paragraph says, as the archive counts them; 0 for the title and lead."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["speech", "position"], name="paragraphsearch_unique")]
        # Rows indexed before words were counted: found at once, to rebuild them.
        indexes = [
            models.Index(fields=["speech"], condition=models.Q(words__isnull=True), name="paragraphsearch_uncounted")
        ]

    def __str__(self):
        return f"{self.speech_id} ¶{self.position}"


class SearchWord(models.Model):
    """A word seen in the indexed texts, for "did you mean" suggestions and prefix searches on PostgreSQL."""

    word = models.CharField(max_length=100, unique=True)
    documents = models.PositiveIntegerField(
        default=0,
        help_text="Paragraphs holding the word (exact after a rebuild); a prefix search keeps the most frequent words.",
    )

    def __str__(self):
        return self.word
