"""Web UI views of the agreement register; thin: querysets restricted, rules in services and lifecycle."""

import copy
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from kerjasama.agreements import facets, imports, lifecycle, services
from kerjasama.agreements.choices import (
    Category,
    ChangeKind,
    DocumentType,
    FundingSource,
    PartyRole,
    ServiceRole,
    Stage,
)
from kerjasama.agreements.exports import CONTENT_TYPES, empty_template, export_agreements
from kerjasama.agreements.filtersets import AgreementFilterSet
from kerjasama.agreements.forms import (
    AgreementEditor,
    ArchiveForm,
    ImportSizeLimitHandler,
    ImportUploadForm,
    TransitionForm,
    agreement_label,
    agreement_reference,
    in_region_select,
    prepare_filter_form,
)
from kerjasama.agreements.models import Agreement, AgreementParty
from kerjasama.agreements.template import COLUMNS
from kerjasama.core.cache import ConditionalPageMixin
from kerjasama.core.changelog import history_for
from kerjasama.core.choices import ChangeAction, Source
from kerjasama.core.models import ObjectChange
from kerjasama.core.querysets import CHANGE, DELETE, VIEW
from kerjasama.regions.models import Region
from kerjasama.users.roles import actor_for

PAGE_SIZE = 50
HISTORY_LIMIT = 200
IMPORT_SESSION_KEY = "kerjasama_import"
# Uploads nobody confirmed are removed after this long.
IMPORT_MAX_AGE_SECONDS = 24 * 3600


def _parties_prefetch() -> Prefetch:
    return Prefetch("parties", queryset=AgreementParty.objects.select_related("pihak"))


def _require_can_add(user) -> None:
    if not Agreement.can_add(actor_for(user)):
        raise PermissionDenied(_("Only the province admin and operators may do this."))


# List, filters and export ------------------------------------------------------------------------


# Filters inside the "More filters" box; it opens when one of them is in use.
MORE_FILTERS = (
    "pihak", "partner_type", "urusan", "on", "source", "is_public", "ordering", "category", "document_type", "stage",
)  # fmt: skip


def filter_data(request):
    """The list filters from the query string; the free region code field overrides the region select."""
    data = request.GET.copy()
    code = data.get("region_code", "").strip()
    if code:
        data["region"] = code
    for key in ("region_code", "page"):
        data.pop(key, None)
    return data


def filtered(request) -> AgreementFilterSet:
    """The agreements the user may see, filtered as the list page and the API filter them."""
    return AgreementFilterSet(filter_data(request), queryset=Agreement.objects.restrict(request.user, VIEW))


def _validity_day(filterset: AgreementFilterSet) -> dt.date:
    cleaned = getattr(filterset.form, "cleaned_data", {}) or {}
    return cleaned.get("on") or timezone.localdate()


class AgreementListView(ConditionalPageMixin, View):
    """The filterable list with facet counts; htmx requests get only the results (and the facets, out of
    band), so filtering does not reload the page. Anonymous pages come from the page cache while the
    register is unchanged (``ConditionalPageMixin``)."""

    def get(self, request):
        filterset = filtered(request)
        prepare_filter_form(filterset, show_public=request.user.is_authenticated)
        queryset = filterset.qs
        day = _validity_day(filterset)
        facet_data = facets.facet_counts(filterset, request.user, day)
        queryset = queryset.with_validity(day).prefetch_related(_parties_prefetch())
        paginator = Paginator(queryset, PAGE_SIZE)
        # Counted with the facets (and cached with them): the list's most expensive query on large registers.
        paginator.count = facet_data["total"]
        page = paginator.get_page(request.GET.get("page"))
        data = filter_data(request)
        region_code = request.GET.get("region_code", "").strip()
        context = {
            "filterset": filterset,
            "form": filterset.form,
            "facets": facets.build_facets(facet_data, filterset, data, request.path),
            "page": page,
            "agreements": page.object_list,
            "day": day,
            "is_today": day == timezone.localdate(),
            "more_filters_used": any(any(data.getlist(name)) for name in MORE_FILTERS),
            # The code field stays filled only when the region select cannot show the code itself.
            "region_code": "" if in_region_select(region_code) else region_code,
            "export_query": data.urlencode(),
        }
        partial = bool(request.htmx and not request.htmx.history_restore_request)
        context["partial"] = partial
        template = "agreements/_results.html" if partial else "agreements/list.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


class AgreementExportView(View):
    """The current filter's agreements as XLSX, CSV or JSON (the import template's columns)."""

    def get(self, request, fmt: str):
        queryset = filtered(request).qs
        # Spills to disk for large exports instead of holding them in memory.
        stream = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115  (FileResponse closes it)
        export_agreements(queryset, stream, fmt)
        stream.seek(0)
        filename = f"kerjasama-{timezone.localdate():%Y%m%d}.{fmt}"
        return FileResponse(stream, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])


class AgreementSuggestView(View):
    """``<option>`` elements for the "changes agreement" and parent fields: visible agreements by number or title."""

    def get(self, request):
        text = (request.GET.get("amends") or request.GET.get("parent") or request.GET.get("q") or "").strip()
        agreements = []
        if len(text) >= 2:
            queryset = Agreement.objects.restrict(request.user, VIEW).filter(archived_at__isnull=True)
            if request.GET.get("kb"):
                queryset = queryset.filter(document_type=DocumentType.KB)
            filterset = AgreementFilterSet({"q": text}, queryset=queryset)
            agreements = list(filterset.qs.prefetch_related("parties")[:10])
        options = [(agreement_reference(a), agreement_label(a)) for a in agreements]
        return render(request, "agreements/_suggestions.html", {"options": options})


# Detail ------------------------------------------------------------------------------------------


CHOICE_LABELS = {
    "document_type": DocumentType,
    "category": Category,
    "stage": Stage,
    "funding_source": FundingSource,
    "change_kind": ChangeKind,
    "source": Source,
    "role": PartyRole,
    "service_role": ServiceRole,
}


def _field_label(model, key: str) -> str:
    name = key.removesuffix("_id") if key.endswith("_id") else key
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))
    except Exception:  # a snapshot key that is not a model field (e.g. "pihak" as a name)
        return key


def _display(key: str, value):
    choices = CHOICE_LABELS.get(key)
    if choices is not None and value:
        try:
            return str(choices(value).label)
        except ValueError:
            return value
    return value


def describe_change(change: ObjectChange) -> dict:
    """A change-log row for the "Riwayat" list: the changed fields with readable labels and values."""
    model = change.changed_object_type.model_class() or Agreement
    fields = []
    if change.action not in (ChangeAction.CREATE, ChangeAction.DELETE):
        for key, before, after in change.diff():
            if key in ("updated_at", "pihak_id"):
                continue
            fields.append(
                {
                    "key": key,
                    "label": _field_label(model, key),
                    "before": _display(key, before),
                    "after": _display(key, after),
                }
            )
    is_party = model is AgreementParty
    # Records of other kinds that belong to the agreement (monitoring: activities, reports...) are named.
    part = "" if model in (Agreement, AgreementParty) else capfirst(model._meta.verbose_name)
    return {"change": change, "fields": fields, "is_party": is_party, "part": part}


def stage_moves(agreement: Agreement, user, today: dt.date) -> list[dict]:
    """The stage buttons: each allowed move with the reasons it is blocked and the date it asks for."""
    actor = actor_for(user)
    moves = []
    for rule, reasons in lifecycle.available(agreement, user):
        signing = rule.target == Stage.PELAKSANAAN and agreement.signed_on is None
        if signing and reasons:
            # The signing button carries the signing date (``transition`` records it), so judge the
            # move as it will be made: with that date.
            probe = copy.copy(agreement)
            probe.signed_on = today
            probe.start_on = agreement.start_on or today
            reasons = lifecycle.problems(probe, rule.target, actor, note="-")
        moves.append(
            {
                "rule": rule,
                "reasons": reasons,
                "needs_date": signing or rule.target == Stage.DIAKHIRI,
                "date_required": signing,
            }
        )
    return moves


class AgreementDetailView(View):
    """Everything about one agreement: fields, parties, links, validity, timeline, stage buttons, history."""

    def get(self, request, pk: int):
        visible = Agreement.objects.restrict(request.user, VIEW)
        queryset = visible.select_related("perangkat_daerah").prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("pihak__partner", "pihak__region")),
            "urusan",
            "service_types",
            Prefetch("service_areas", queryset=Region.objects.select_related("parent")),
        )
        agreement = get_object_or_404(queryset, pk=pk)
        today = timezone.localdate()
        user = request.user
        linked = visible.prefetch_related("parties")
        context = {
            "agreement": agreement,
            "today": today,
            "validity": agreement.validity_on(today),
            "days_left": agreement.days_left(today),
            "parent": linked.filter(pk=agreement.parent_id).first() if agreement.parent_id else None,
            "amends": linked.filter(pk=agreement.amends_id).first() if agreement.amends_id else None,
            "children": list(linked.filter(parent=agreement)),
            "amended_by": list(linked.filter(amends=agreement)),
            "transitions": list(agreement.transitions.order_by("at", "id")),
            "can_change": Agreement.objects.restrict(user, CHANGE).filter(pk=pk).exists(),
            "can_delete": Agreement.objects.restrict(user, DELETE).filter(pk=pk).exists(),
            "is_synthetic": agreement.source == Source.SINTETIS,
        }
        if user.is_authenticated:
            context["moves"] = stage_moves(agreement, user, today)
            changes = list(history_for(agreement)[: HISTORY_LIMIT + 1])
            context["history"] = [describe_change(change) for change in changes[:HISTORY_LIMIT]]
            context["history_truncated"] = len(changes) > HISTORY_LIMIT
        return render(request, "agreements/detail.html", context)


# Create and edit ---------------------------------------------------------------------------------


class AgreementCreateView(LoginRequiredMixin, View):
    """Register an agreement through ``services.create_agreement``."""

    template_name = "agreements/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_can_add(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(AgreementEditor(request.user))

    def post(self, request):
        editor = AgreementEditor(request.user, data=request.POST)
        result = editor.save()
        if result is None:
            return self._render(editor, status=400)
        messages.success(request, _("The agreement was registered."))
        _warn(request, editor, result)
        return redirect("kerjasama-detail", pk=result.agreement.pk)

    def _render(self, editor: AgreementEditor, status: int = 200):
        return render(self.request, self.template_name, {"editor": editor, "agreement": None}, status=status)


class AgreementUpdateView(LoginRequiredMixin, View):
    """Edit an agreement through ``services.update_agreement``; the stage is not editable here."""

    template_name = "agreements/form.html"

    def get_agreement(self, pk: int) -> Agreement:
        agreement = get_object_or_404(Agreement.objects.restrict(self.request.user, VIEW), pk=pk)
        if not Agreement.objects.restrict(self.request.user, CHANGE).filter(pk=pk).exists():
            raise PermissionDenied(_("You may not change this agreement."))
        return agreement

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            agreement = self.get_agreement(kwargs["pk"])
            if agreement.is_archived:
                messages.error(request, _("The agreement is archived; restore it first."))
                return redirect("kerjasama-detail", pk=agreement.pk)
            self.agreement = agreement
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int):
        return self._render(AgreementEditor(request.user, agreement=self.agreement))

    def post(self, request, pk: int):
        editor = AgreementEditor(request.user, agreement=self.agreement, data=request.POST)
        result = editor.save()
        if result is None:
            return self._render(editor, status=400)
        messages.success(request, _("The changes were saved."))
        _warn(request, editor, result)
        return redirect("kerjasama-detail", pk=result.agreement.pk)

    def _render(self, editor: AgreementEditor, status: int = 200):
        context = {"editor": editor, "agreement": self.agreement}
        return render(self.request, self.template_name, context, status=status)


def _warn(request, editor: AgreementEditor, result: services.SaveResult) -> None:
    for problem in result.warnings:
        label = editor.warning_label(problem)
        messages.warning(request, f"{label}: {problem.message}" if label else problem.message)


# Lifecycle, archive and restore ------------------------------------------------------------------


class AgreementTransitionView(LoginRequiredMixin, View):
    """POST a stage button: ``lifecycle.transition`` decides; its reasons come back as messages."""

    def post(self, request, pk: int):
        agreement = get_object_or_404(Agreement.objects.restrict(request.user, VIEW), pk=pk)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(reverse("kerjasama-detail", args=[pk]) + "#tahap")
        target = form.cleaned_data["to"]
        try:
            lifecycle.transition(
                agreement,
                target,
                user=request.user,
                note=form.cleaned_data["note"],
                on_date=form.cleaned_data["date"],
            )
        except lifecycle.TransitionError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The stage is now “%(stage)s”.") % {"stage": Stage(target).label})
        return redirect(reverse("kerjasama-detail", args=[pk]) + "#tahap")


class AgreementArchiveView(LoginRequiredMixin, View):
    """Archive (or, as :class:`AgreementRestoreView`, restore) after a confirmation page. Nothing is deleted."""

    archive = True
    template_name = "agreements/confirm_archive.html"

    def get_agreement(self, pk: int) -> Agreement:
        agreement = get_object_or_404(Agreement.objects.restrict(self.request.user, VIEW), pk=pk)
        if not Agreement.objects.restrict(self.request.user, DELETE).filter(pk=pk).exists():
            raise PermissionDenied(_("You may not archive or restore this agreement."))
        return agreement

    def get(self, request, pk: int):
        agreement = self.get_agreement(pk)
        return render(
            request, self.template_name, {"agreement": agreement, "form": ArchiveForm(), "archive": self.archive}
        )

    def post(self, request, pk: int):
        agreement = self.get_agreement(pk)
        form = ArchiveForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        action = services.archive_agreement if self.archive else services.restore_agreement
        try:
            action(agreement, user=request.user, message=note)
        except services.PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        if self.archive:
            messages.success(request, _("The agreement was archived. It no longer appears in lists."))
        else:
            messages.success(request, _("The agreement was restored."))
        return redirect("kerjasama-detail", pk=pk)


class AgreementRestoreView(AgreementArchiveView):
    """Undo an archive, after a confirmation page."""

    archive = False


class ArchiveListView(LoginRequiredMixin, View):
    """Archived agreements the user may restore: operators their own, admins all."""

    def get(self, request):
        _require_can_add(request.user)
        queryset = (
            Agreement.objects.restrict(request.user, DELETE)
            .archived()
            .order_by("-archived_at", "-id")
            .prefetch_related(_parties_prefetch())
        )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "agreements/archive_list.html", {"page": page, "agreements": page.object_list})


# Import ------------------------------------------------------------------------------------------


def import_dir() -> Path:
    """Where uploads wait for confirmation (outside the web root)."""
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pending_path(pending: dict) -> Path | None:
    """The stored upload named by the session; built from a UUID and a known suffix, never from client input."""
    try:
        token = uuid.UUID(str(pending.get("token")))
    except (ValueError, AttributeError):
        return None
    ext = pending.get("ext")
    if ext not in ("xlsx", "csv"):
        return None
    return import_dir() / f"{token}.{ext}"


def _discard_pending(request) -> None:
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if pending:
        path = _pending_path(pending)
        if path is not None:
            path.unlink(missing_ok=True)


def _remove_stale_uploads() -> None:
    limit = time.time() - IMPORT_MAX_AGE_SECONDS
    for path in import_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


@method_decorator(csrf_exempt, name="dispatch")
class ImportView(LoginRequiredMixin, View):
    """Upload a spreadsheet and show a dry run: every problem by row and column, and a preview."""

    template_name = "agreements/import.html"

    def dispatch(self, request, *args, **kwargs):
        # The size limit must be in place before the body is read, which CSRF checking would do:
        # so CSRF is exempted for the handler to be added, then checked right after.
        if request.method == "POST":
            request.upload_handlers.insert(0, ImportSizeLimitHandler(request))
        return csrf_protect(self._dispatch)(request, *args, **kwargs)

    def _dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_can_add(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(ImportUploadForm())

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES, too_large=getattr(request, "import_too_large", False))
        if not form.is_valid():
            return self._render(form, status=400)
        upload = form.cleaned_data["file"]
        _discard_pending(request)
        _remove_stale_uploads()
        token = uuid.uuid4()
        ext = Path(upload.name).suffix.lower().lstrip(".")
        pending = {"token": str(token), "ext": ext, "filename": Path(upload.name).name[:200]}
        path = _pending_path(pending)
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        report = imports.import_agreements(
            path.read_bytes(), pending["filename"], actor=actor_for(request.user), user=request.user, dry_run=True
        )
        if report.ok and report.rows:
            request.session[IMPORT_SESSION_KEY] = pending
        else:
            path.unlink(missing_ok=True)
        return render(
            request,
            "agreements/import_preview.html",
            {"report": report, "filename": pending["filename"], "token": pending["token"]},
        )

    def _render(self, form, status: int = 200):
        context = {"form": form, "columns": COLUMNS, "max_size": filesizeformat(settings.IMPORT_MAX_BYTES)}
        return render(self.request, self.template_name, context, status=status)


class ImportConfirmView(LoginRequiredMixin, View):
    """Run the previewed import for real from the stored upload, or cancel it; the upload is then deleted."""

    def post(self, request):
        _require_can_add(request.user)
        pending = request.session.get(IMPORT_SESSION_KEY)
        token = request.POST.get("token", "")
        if not pending or pending.get("token") != token:
            messages.error(request, _("This upload is no longer available; upload the file again."))
            return redirect("kerjasama-import")
        if "cancel" in request.POST:
            _discard_pending(request)
            messages.info(request, _("The import was cancelled; nothing was saved."))
            return redirect("kerjasama-import")
        path = _pending_path(pending)
        if path is None or not path.is_file():
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.error(request, _("This upload is no longer available; upload the file again."))
            return redirect("kerjasama-import")
        content = path.read_bytes()
        report = imports.import_agreements(
            content, pending["filename"], actor=actor_for(request.user), user=request.user
        )
        _discard_pending(request)
        if not report.ok:
            # Something changed since the preview (e.g. a number was taken): show why, nothing was saved.
            return render(
                request,
                "agreements/import_preview.html",
                {"report": report, "filename": pending["filename"], "token": "", "confirmed": True},
                status=400,
            )
        messages.success(
            request,
            _("%(count)s agreements were imported from %(file)s.")
            % {"count": report.created, "file": pending["filename"]},
        )
        return redirect("kerjasama-list")


class ImportTemplateView(View):
    """The empty import template (XLSX with a column guide sheet, or CSV)."""

    def get(self, request, fmt: str):
        response = HttpResponse(empty_template(fmt), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="templat-kerjasama.{fmt}"'
        return response
