from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from . import curation, diffs, history
from .forms import TranscriptEditForm
from .importers import CREATED, UNCHANGED, UPDATED
from .importers.forms import TranscriptForm
from .importers.speakers import SpeakerResolver
from .importers.text import read_transcript, transcript_text
from .importers.writer import WriteError, Writer, ensure_identity
from .merging import (
    MergeError,
    merge_places,
    merge_speakers,
    merge_topics,
    merge_venues,
    possible_duplicate_places,
    possible_duplicate_speakers,
    possible_duplicate_topics,
    possible_duplicate_venues,
)
from .models import PendingRevision, Place, Speaker, SpeakerAlias, Speech, Topic, Venue, label_key


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the one to keep.",
            "invalid_choice": "The one chosen to keep is not among those selected.",
        },
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(record.pk, str(record)) for record in records]


class MergeAdmin:
    """An admin action that merges the selected records, and a page of pairs that may be one.

    The model admin sets `merge_records` and `find_duplicates` (as static methods: merge_speakers and
    possible_duplicate_speakers, say) and annotates its queryset with `speech_count`.
    """

    actions = ["merge_selected"]
    change_list_template = "admin/speeches/merge_change_list.html"
    merge_records = None
    find_duplicates = None

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "duplicates/",
                self.admin_site.admin_view(self.duplicates_view),
                name=f"{opts.app_label}_{opts.model_name}_duplicates",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_merge": self.has_change_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def duplicates_view(self, request):
        """List pairs that may be one record, each with a button to merge them."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Possible duplicates",
            "pairs": self.find_duplicates(),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/speeches/possible_duplicates.html", context)

    @admin.action(description="Merge selected %(verbose_name_plural)s…", permissions=["change"])
    def merge_selected(self, request, queryset):
        opts = self.model._meta
        records = sorted(queryset, key=lambda record: (-record.speech_count, record.name, record.pk))
        if len(records) < 2:
            self.message_user(
                request,
                f"Select at least two {opts.verbose_name_plural} to merge: one to keep, and others to merge into it.",
                messages.WARNING,
            )
            return None
        form = MergeForm(request.POST if "post" in request.POST else None, records=records)
        if form.is_valid():
            kept = next(record for record in records if record.pk == form.cleaned_data["keep"])
            others = [record for record in records if record is not kept]
            try:
                with transaction.atomic():
                    merged = self.merge_records(kept, others)
                    self.log_change(request, kept, _merge_note(others, "this " + opts.verbose_name, merged, slugs=True))
            except MergeError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(request, _merge_note(others, f"“{kept}”", merged), messages.SUCCESS)
            if request.POST.get("from_duplicates"):
                return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_duplicates"))
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"Merge {opts.verbose_name_plural}",
            "records": records,
            "form": form,
            # By default the record with the most speeches is kept.
            "chosen": form.data.get("keep") if form.is_bound else str(records[0].pk),
            "action": "merge_selected",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "from_duplicates": request.POST.get("from_duplicates", ""),
        }
        return TemplateResponse(request, "admin/speeches/merge_confirmation.html", context)


def _merge_note(others, into, merged, *, slugs=False):
    names = ", ".join(f"“{other}” ({other.slug})" if slugs else f"“{other}”" for other in others)
    changed = ngettext("%(n)d speech", "%(n)d speeches", merged.speeches) % {"n": merged.speeches}
    if merged.paragraphs:
        changed += " and " + ngettext("%(n)d paragraph", "%(n)d paragraphs", merged.paragraphs) % {
            "n": merged.paragraphs
        }
    verb = "was" if merged.speeches + merged.paragraphs == 1 else "were"
    return f"Merged {names} into {into}; {changed} {verb} updated."


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    extra = 1
    fields = ["label"]


@admin.register(Speaker)
class SpeakerAdmin(MergeAdmin, admin.ModelAdmin):
    list_display = ["name", "role", "speech_count"]
    search_fields = ["name", "role", "aliases__label"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpeakerAliasInline]
    merge_records = staticmethod(merge_speakers)
    find_duplicates = staticmethod(possible_duplicate_speakers)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(speech_count=Count("speeches", distinct=True))

    @admin.display(description="Speeches", ordering="speech_count")
    def speech_count(self, speaker):
        return speaker.speech_count


class TagAdmin(MergeAdmin, admin.ModelAdmin):
    list_display = ["name", "name_ru", "catalogue_id", "speech_count"]
    search_fields = ["name", "name_ru", "catalogue_id"]
    ordering = ["name", "name_ru"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(speech_count=Count("speeches"))

    @admin.display(description="Speeches", ordering="speech_count")
    def speech_count(self, tag):
        return tag.speech_count


@admin.register(Topic)
class TopicAdmin(TagAdmin):
    merge_records = staticmethod(merge_topics)
    find_duplicates = staticmethod(possible_duplicate_topics)


@admin.register(Place)
class PlaceAdmin(TagAdmin):
    list_display = ["name", "name_ru", "kind", "catalogue_id", "speech_count"]
    list_filter = ["kind"]
    merge_records = staticmethod(merge_places)
    find_duplicates = staticmethod(possible_duplicate_places)


@admin.register(Venue)
class VenueAdmin(MergeAdmin, admin.ModelAdmin):
    list_display = ["name", "city", "region", "speech_count"]
    search_fields = ["name", "city", "region"]
    ordering = ["name"]
    list_filter = ["region"]
    merge_records = staticmethod(merge_venues)
    find_duplicates = staticmethod(possible_duplicate_venues)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(speech_count=Count("speeches"))

    @admin.display(description="Speeches", ordering="speech_count")
    def speech_count(self, venue):
        return venue.speech_count


class SpeechStatusFilter(admin.SimpleListFilter):
    """Statuses, and the speeches with a revision waiting for review."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Speech.Status.choices, ("pending", "With a revision to review")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(pending_revisions__status=PendingRevision.Status.PENDING).distinct()
        if self.value() in Speech.Status.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Speech)
class SpeechAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "kind", "language", "venue", "status"]
    list_filter = [SpeechStatusFilter, "kind", "language", "venue"]
    list_select_related = ["venue"]
    date_hierarchy = "date"
    search_fields = ["title", "lead", "paragraphs__text"]
    autocomplete_fields = ["venue", "speakers", "translation", "topics", "places", "people"]
    # Paragraphs are edited as one text on their own page: a form field per paragraph property does not scale
    # to transcripts of a thousand paragraphs.
    readonly_fields = ["transcript", "first_published", "corrected", "created", "updated"]
    actions = ["publish", "unpublish", "withdraw"]
    fieldsets = [
        ("Transcript", {"fields": ["transcript"]}),
        (
            "Details",
            {
                "fields": [
                    "title",
                    "slug",
                    "date",
                    "time",
                    "kind",
                    "venue",
                    "language",
                    "lead",
                    "status",
                    "withdrawal_note",
                ]
            },
        ),
        ("People", {"fields": ["speakers"]}),
        ("Filed under", {"fields": ["topics", "places", "people"]}),
        ("Source", {"fields": ["source_url", "source_id", "translation"]}),
        ("History", {"fields": ["first_published", "corrected", "created", "updated"], "classes": ["collapse"]}),
    ]

    def has_publish_permission(self, request):
        return request.user.has_perm("speeches.publish_speech")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if self.has_publish_permission(request) else [*fields, "status"]

    @admin.display(description="Transcript")
    def transcript(self, speech):
        if speech.pk is None:
            return "Save the details first; then the transcript can be written or pasted."
        count = speech.paragraphs.count()
        versions = history.versions(speech).count()
        pending = speech.pending_revisions.filter(status=PendingRevision.Status.PENDING).count()
        links = [
            format_html(
                '<a class="button" href="{}">Edit transcript</a> {} paragraph{}',
                reverse("admin:speeches_speech_transcript", args=[speech.pk]),
                f"{count:,}",
                pluralize(count),
            ),
            format_html(
                '<a href="{}">Versions ({})</a>', reverse("admin:speeches_speech_versions", args=[speech.pk]), versions
            ),
        ]
        if pending:
            links.append(
                format_html(
                    '<a href="{}?speech__id__exact={}&amp;status=pending">{} revision{} to review</a>',
                    reverse("admin:speeches_pendingrevision_changelist"),
                    speech.pk,
                    pending,
                    pluralize(pending),
                )
            )
        return format_html_join(" · ", "{}", ((link,) for link in links))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("add-transcript/", view(self.add_transcript_view), name="speeches_speech_add_transcript"),
            path("<int:speech_id>/transcript/", view(self.transcript_view), name="speeches_speech_transcript"),
            path("<int:speech_id>/versions/", view(self.versions_view), name="speeches_speech_versions"),
            path(
                "<int:speech_id>/versions/<int:version_id>/",
                view(self.version_view),
                name="speeches_speech_version",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "has_view_permission": self.has_view_permission(request),
            **context,
        }

    def _speech(self, request, speech_id):
        speech = get_object_or_404(Speech.objects.select_related("venue", "translation"), pk=speech_id)
        if not self.has_change_permission(request, speech):
            raise PermissionDenied
        return speech

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None or request.method != "POST" or not str(object_id).isdigit():
            return super().changeform_view(request, object_id, form_url, extra_context)
        # The details form is one more way a speech changes: it is kept as a version like the others.
        with history.recorded_change(int(object_id), user=request.user, note="Details edited"):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def add_transcript_view(self, request):
        """Paste or upload a transcript, preview what would be stored, and save it as a draft or a revision."""
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
                    if existing is not None:
                        preview.changes = diffs.paragraph_changes(
                            existing.paragraphs.order_by("position"), preview.paragraphs
                        )
                    form = TranscriptForm(form.detected(), known_label=writer.speakers.known)
                    form.is_valid()
        else:
            form = TranscriptForm(known_label=writer.speakers.known)
        context = self._context(request, "Add transcript", form=form, preview=preview, parsed=form.parsed)
        return TemplateResponse(request, "admin/speeches/speech/add_transcript.html", context)

    def _save_transcript(self, request, form):
        parsed = form.parsed
        ensure_identity(parsed)
        existing = Writer(dry_run=True).find_existing(parsed)
        if existing is not None and existing.is_published:
            # The public text changes only when an editor publishes the revision after reviewing it.
            revision = curation.propose(existing, parsed, user=request.user, note=form.cleaned_data.get("note", ""))
            self.message_user(
                request,
                f"“{existing.title}” is published: the transcript was saved as a revision to review. "
                "The public text has not changed.",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:speeches_pendingrevision_change", args=[revision.pk]))
        try:
            outcome, speech = Writer(status=Speech.Status.DRAFT, user=request.user, note="Transcript added").write(
                parsed
            )
        except WriteError as exc:
            form.add_error(None, str(exc))
            return None
        text = {
            CREATED: "The transcript “{}” was saved as a draft.",
            UNCHANGED: "The transcript “{}” is already in the archive, unchanged.",
        }.get(outcome, "The transcript “{}” was already in the archive as an unpublished speech and has been updated.")
        if outcome == CREATED:
            self.log_addition(request, speech, "Added from a transcript")
        elif outcome == UPDATED:
            self.log_change(request, speech, "Transcript replaced from Add transcript")
        self.message_user(request, text.format(speech.title), messages.SUCCESS)
        return redirect(reverse("admin:speeches_speech_change", args=[speech.pk]))

    def transcript_view(self, request, speech_id):
        """Edit the whole transcript as one text, see the differences paragraph by paragraph, then save."""
        speech = self._speech(request, speech_id)
        stored = list(speech.paragraphs.order_by("position"))
        known = _label_checker(stored)
        changes = None
        if request.method == "POST":
            form = TranscriptEditForm(request.POST)
            if form.is_valid():
                paragraphs = read_transcript(form.cleaned_data["transcript"], known)
                changes = diffs.paragraph_changes(stored, paragraphs)
                action = next((a for a in ("_save", "_publish", "_propose") if a in request.POST), None)
                if not paragraphs:
                    form.add_error("transcript", "The transcript is empty: a speech needs at least one paragraph.")
                elif action and changes:
                    response = self._save_edited_transcript(request, speech, paragraphs, form, action)
                    if response is not None:
                        return response
                elif action:
                    self.message_user(request, "The transcript is unchanged; nothing was saved.", messages.INFO)
        else:
            form = TranscriptEditForm(initial={"transcript": transcript_text(stored, known)})
        context = self._context(
            request,
            f"Edit transcript: {speech.title}",
            speech=speech,
            form=form,
            changes=changes,
            paragraph_count=len(stored),
            can_publish=self.has_publish_permission(request),
        )
        return TemplateResponse(request, "admin/speeches/speech/transcript.html", context)

    def _save_edited_transcript(self, request, speech, paragraphs, form, action):
        note = form.cleaned_data["note"]
        parsed = curation.as_parsed(speech, paragraphs)
        if action == "_propose" or (speech.is_published and action != "_publish"):
            revision = curation.propose(speech, parsed, user=request.user, note=note)
            self.message_user(request, "The new transcript was saved as a revision to review.", messages.SUCCESS)
            return redirect(reverse("admin:speeches_pendingrevision_change", args=[revision.pk]))
        if action == "_publish" and not self.has_publish_permission(request):
            raise PermissionDenied
        try:
            curation.revise(speech, parsed, user=request.user, note=note or "Transcript edited")
        except WriteError as exc:
            form.add_error(None, str(exc))
            return None
        self.log_change(request, speech, f"Transcript edited{': ' + note if note else ''}")
        done = "The correction is published." if speech.is_published else "The transcript was saved."
        self.message_user(request, done, messages.SUCCESS)
        return redirect(reverse("admin:speeches_speech_change", args=[speech.pk]))

    def versions_view(self, request, speech_id):
        speech = self._speech(request, speech_id)
        context = self._context(
            request, f"Versions of “{speech.title}”", speech=speech, versions=history.versions(speech)
        )
        return TemplateResponse(request, "admin/speeches/speech/versions.html", context)

    def version_view(self, request, speech_id, version_id):
        """One version against the speech as it stands, and a button that restores it."""
        speech = self._speech(request, speech_id)
        version = get_object_or_404(history.versions(speech), pk=version_id)
        if request.method == "POST":
            outcome = curation.restore(speech, version, user=request.user)
            if outcome == UNCHANGED:
                self.message_user(request, "The speech already stands as in that version.", messages.INFO)
            else:
                self.log_change(
                    request, speech, f"Restored the version of {version.revision.date_created:%Y-%m-%d %H:%M}"
                )
                self.message_user(request, "The version was restored, as a new version.", messages.SUCCESS)
            return redirect(reverse("admin:speeches_speech_versions", args=[speech.pk]))
        old = history.Snapshot.from_revision(version.revision)
        current = history.Snapshot.of(speech)
        context = self._context(
            request,
            f"Version of {version.revision.date_created:%Y-%m-%d %H:%M}",
            speech=speech,
            version=version,
            fields=diffs.field_changes(current.fields, old.fields, FIELD_LABELS),
            changes=diffs.paragraph_changes(current.paragraphs, old.paragraphs),
        )
        return TemplateResponse(request, "admin/speeches/speech/version.html", context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The paragraphs say who speaks; editors may still add a speaker by hand.
        speech = form.instance
        attributed = set(speech.paragraphs.exclude(speaker=None).values_list("speaker_id", flat=True))
        speech.speakers.add(*attributed)

    def _set_status(self, request, queryset, status, verb):
        changed = 0
        for speech in queryset.exclude(status=status):
            if curation.set_status(speech, status, user=request.user, note=verb.capitalize()):
                self.log_change(request, speech, verb.capitalize())
                changed += 1
        self.message_user(
            request,
            ngettext("%(n)d speech was %(verb)s.", "%(n)d speeches were %(verb)s.", changed)
            % {"n": changed, "verb": verb},
            messages.SUCCESS,
        )

    @admin.action(description="Publish the selected speeches", permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Speech.Status.PUBLISHED, "published")

    @admin.action(description="Unpublish the selected speeches (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Speech.Status.DRAFT, "unpublished")

    @admin.action(
        description="Withdraw the selected speeches (a notice stays at their address)", permissions=["publish"]
    )
    def withdraw(self, request, queryset):
        self._set_status(request, queryset, Speech.Status.WITHDRAWN, "withdrawn")


FIELD_LABELS = {
    "title": "Title",
    "slug": "Slug",
    "date": "Date",
    "time": "Time",
    "kind": "Kind",
    "venue": "Venue",
    "language": "Language",
    "lead": "Lead",
    "source_url": "Source address",
    "status": "Status",
}


def _label_checker(paragraphs):
    """Treat the labels a transcript already has as labels when it is read back, whatever their shape."""
    known = {label_key(p.speaker_label) for p in paragraphs if p.speaker_label}
    resolver = SpeakerResolver(save=False)
    return lambda label: label_key(label) in known or resolver.known(label) is not None


@admin.register(PendingRevision)
class PendingRevisionAdmin(admin.ModelAdmin):
    """Revisions of published speeches waiting for review: see the differences, then publish or discard."""

    list_display = ["speech", "status", "created", "created_by", "note"]
    list_filter = ["status"]
    list_select_related = ["speech", "created_by"]
    search_fields = ["speech__title", "note"]
    fields = ["speech", "note", "status", "created", "created_by", "decided", "decided_by"]
    readonly_fields = fields
    change_form_template = "admin/speeches/pendingrevision/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_publish_permission(self, request):
        return request.user.has_perm("speeches.publish_speech")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, unquote(object_id))
        if revision is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if request.method == "POST" and ("_publish" in request.POST or "_discard" in request.POST):
            return self._decide(request, revision)
        speech, paragraphs, _ = curation.preview(revision)
        current = Speech.objects.get(pk=revision.speech_id)
        extra_context = {
            **(extra_context or {}),
            "revision": revision,
            "is_pending": revision.status == PendingRevision.Status.PENDING,
            "can_publish": self.has_publish_permission(request),
            "fields": diffs.field_changes(
                curation_fields(current),
                curation_fields(speech),
                {k: v for k, v in FIELD_LABELS.items() if k != "status"},
            ),
            "changes": diffs.paragraph_changes(current.paragraphs.order_by("position"), paragraphs),
            "preview_url": revision.get_absolute_url(),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _decide(self, request, revision):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        try:
            if "_publish" in request.POST:
                curation.publish_revision(revision, user=request.user)
                self.log_change(
                    request, revision.speech, f"Published a revision{': ' + revision.note if revision.note else ''}"
                )
                self.message_user(request, "The revision is published.", messages.SUCCESS)
            else:
                curation.discard_revision(revision, user=request.user)
                self.message_user(request, "The revision was discarded; the speech is unchanged.", messages.SUCCESS)
        except (ValueError, WriteError) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(reverse("admin:speeches_pendingrevision_change", args=[revision.pk]))
        return redirect(reverse("admin:speeches_speech_change", args=[revision.speech_id]))


def curation_fields(speech):
    """The details of a speech, stored or as a revision would make them, by field name."""
    return {
        "title": speech.title,
        "slug": speech.slug,
        "date": speech.date,
        "time": speech.time,
        "kind": speech.get_kind_display(),
        "venue": speech.venue.name if speech.venue else "",
        "language": speech.get_language_display(),
        "lead": speech.lead,
        "source_url": speech.source_url,
    }
