import re
import unicodedata

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

_SPACES = re.compile(r"\s+")


def normalize_label(value):
    """Collapse whitespace (non-breaking spaces and line breaks included) and strip a trailing colon."""
    value = unicodedata.normalize("NFKC", value or "")
    value = _SPACES.sub(" ", value).strip()
    return value.rstrip(":").strip()


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


class Speaker(models.Model):
    name = models.CharField(
        max_length=200, help_text="The person's name as the archive shows it, e.g. “Vladimir Putin”."
    )
    slug = models.SlugField(
        max_length=200, unique=True, allow_unicode=True, help_text="Used in the speaker's web address."
    )
    role = models.CharField(max_length=200, blank=True, help_text="Current role or title, e.g. “President of Russia”.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Speaker.objects.exclude(pk=self.pk), self.name)
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("venue_detail", kwargs={"slug": self.slug})


class SpeechQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Speech.Status.PUBLISHED)

    def for_listing(self):
        return self.select_related("venue").prefetch_related("speakers")


class Speech(models.Model):
    class Kind(models.TextChoices):
        ADDRESS = "address", "Address"
        SPEECH = "speech", "Speech"
        MEETING = "meeting", "Meeting"
        INTERVIEW = "interview", "Interview"
        NEWS_CONFERENCE = "news-conference", "News conference"
        STATEMENT = "statement", "Statement"
        MESSAGE = "message", "Message"
        OTHER = "other", "Other"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        RUSSIAN = "ru", "Russian"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

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
    source_url = models.URLField(max_length=500, blank=True, help_text="Where the transcript was published.")
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
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published speeches are public.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = SpeechQuerySet.as_manager()

    class Meta:
        # Newest first; within a day, untimed speeches after timed ones on every database.
        ordering = [models.F("date").desc(), models.F("time").desc(nulls_last=True), models.F("id").desc()]
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

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Speech.objects.filter(date=self.date).exclude(pk=self.pk), self.title)
        super().save(*args, **kwargs)
        if self.translation_id:
            # Keep the link symmetric without touching `updated` on the other side.
            Speech.objects.filter(pk=self.translation_id).exclude(translation_id=self.pk).update(translation=self.pk)
            Speech.objects.filter(translation_id=self.pk).exclude(pk=self.translation_id).update(translation=None)

    def get_absolute_url(self):
        return reverse(
            "speech_detail",
            kwargs={"year": self.date.year, "month": f"{self.date:%m}", "day": f"{self.date:%d}", "slug": self.slug},
        )

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def refresh_speakers(self):
        """Set the speech's speakers from who is attributed in its paragraphs."""
        ids = set(self.paragraphs.exclude(speaker=None).values_list("speaker_id", flat=True))
        self.speakers.set(ids)


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        SPEECH = "speech", "Speech"
        HEADING = "heading", "Heading"
        STAGE = "stage", "Stage direction"
        SEPARATOR = "separator", "Separator"

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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["speech", "position"], name="paragraphsearch_unique")]

    def __str__(self):
        return f"{self.speech_id} ¶{self.position}"


class SearchWord(models.Model):
    """A word seen in the indexed texts, for "did you mean" suggestions on PostgreSQL."""

    word = models.CharField(max_length=100, unique=True)

    def __str__(self):
        return self.word
