from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import ngettext

from .importers import CREATED, UNCHANGED
from .importers.forms import TranscriptForm
from .importers.writer import WriteError, Writer, ensure_identity
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

    def get_urls(self):
        return [
            path(
                "add-transcript/",
                self.admin_site.admin_view(self.add_transcript_view),
                name="speeches_speech_add_transcript",
            ),
            *super().get_urls(),
        ]

    def add_transcript_view(self, request):
        """Paste or upload a transcript, preview what would be stored, and save it as a draft."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        writer = Writer(status=Speech.Status.DRAFT, dry_run=True)
        preview = None
        if request.method == "POST":
            form = TranscriptForm(request.POST, request.FILES, known_label=writer.speakers.known)
            if form.is_valid():
                if "_save" in request.POST:
                    response = self._save_transcript(request, form)
                    if response is not None:
                        return response
                else:
                    ensure_identity(form.parsed)
                    existing = writer.find_existing(form.parsed)
                    preview = writer.resolve(form.parsed)
                    preview.existing = existing
                    form = TranscriptForm(form.detected(), known_label=writer.speakers.known)
                    form.is_valid()
        else:
            form = TranscriptForm(known_label=writer.speakers.known)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Add transcript",
            "form": form,
            "preview": preview,
            "parsed": form.parsed,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/speeches/speech/add_transcript.html", context)

    def _save_transcript(self, request, form):
        try:
            outcome, speech = Writer(status=Speech.Status.DRAFT).write(form.parsed)
        except WriteError as exc:
            form.add_error(None, str(exc))
            return None
        text = {
            CREATED: "The transcript “{}” was saved as a draft.",
            UNCHANGED: "The transcript “{}” is already in the archive, unchanged.",
        }.get(outcome, "The transcript “{}” was already in the archive and has been updated.")
        self.message_user(request, text.format(speech.title), messages.SUCCESS)
        return redirect(reverse("admin:speeches_speech_change", args=[speech.pk]))

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
