from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import ngettext

from .models import Paragraph, Speaker, SpeakerAlias, Speech, Venue


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    extra = 1
    fields = ["label"]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "speech_count"]
    search_fields = ["name", "role", "aliases__label"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpeakerAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(speech_count=Count("speeches", distinct=True))

    @admin.display(description="Speeches", ordering="speech_count")
    def speech_count(self, speaker):
        return speaker.speech_count


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "region", "speech_count"]
    search_fields = ["name", "city", "region"]
    ordering = ["name"]
    list_filter = ["region"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(speech_count=Count("speeches"))

    @admin.display(description="Speeches", ordering="speech_count")
    def speech_count(self, venue):
        return venue.speech_count


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    extra = 0
    ordering = ["position"]
    fields = ["position", "kind", "speaker_label", "speaker", "text"]
    autocomplete_fields = ["speaker"]


@admin.register(Speech)
class SpeechAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "kind", "language", "venue", "status"]
    list_filter = ["status", "kind", "language", "venue"]
    list_select_related = ["venue"]
    date_hierarchy = "date"
    search_fields = ["title", "lead", "paragraphs__text"]
    autocomplete_fields = ["venue", "speakers", "translation"]
    readonly_fields = ["created", "updated"]
    inlines = [ParagraphInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "time", "kind", "venue", "language", "lead", "status"]}),
        ("People", {"fields": ["speakers"]}),
        ("Source", {"fields": ["source_url", "source_id", "translation"]}),
        ("History", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The paragraphs say who speaks; editors may still add a speaker by hand.
        speech = form.instance
        attributed = set(speech.paragraphs.exclude(speaker=None).values_list("speaker_id", flat=True))
        speech.speakers.add(*attributed)

    def _set_status(self, request, queryset, status, verb):
        changed = 0
        for speech in queryset.exclude(status=status):
            speech.status = status
            speech.save(update_fields=["status", "updated"])
            changed += 1
        self.message_user(
            request,
            ngettext("%(n)d speech was %(verb)s.", "%(n)d speeches were %(verb)s.", changed)
            % {"n": changed, "verb": verb},
            messages.SUCCESS,
        )

    @admin.action(description="Publish the selected speeches", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Speech.Status.PUBLISHED, "published")

    @admin.action(description="Unpublish the selected speeches (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Speech.Status.DRAFT, "unpublished")
