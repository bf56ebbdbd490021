"""The open-data page, the dataset files, the OCDS package and the machine-readable descriptions.

Everything here is public and the same for every reader (files are made from what an anonymous
visitor may see, in the site's default language), so answers are ``Cache-Control: public``, carry
an ETag and Last-Modified, answer 304 to conditional requests and allow any origin (CORS).
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from kerjasama.agreements.exports import CONTENT_TYPES
from kerjasama.core.api.conditional import set_validators, timestamp
from kerjasama.core.choices import Source
from kerjasama.opendata import files, ocds
from kerjasama.opendata.datasets import DATASETS, TYPES, Context, Dataset, public_agreements
from kerjasama.opendata.writers import csv_chunks, dictionary_rows, json_chunks, text_value, write_xlsx

FORMATS = ("csv", "xlsx", "json")
TYPES_FOR_FORMAT = {
    "csv": "text/csv; charset=utf-8; header=present",
    "json": "application/json",
    "xlsx": CONTENT_TYPES["xlsx"],
}
# Seconds a cache may reuse a file or a description without asking again.
MAX_AGE = 300
SCHEMA_FOLDER = Path(__file__).resolve().parent / "schema"


def base_url(request) -> str:
    """The site's address for absolute links: ``KERJASAMA["SITE_URL"]``, else the request's own."""
    return settings.KERJASAMA.get("SITE_URL") or f"{request.scheme}://{request.get_host()}"


def licence() -> dict:
    return settings.KERJASAMA["OPEN_DATA_LICENCE"]


def _public_headers(response, etag: str | None = None, last_modified=None) -> None:
    set_validators(response, etag, last_modified)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Disposition"


def _not_modified(request, etag: str, last_modified) -> HttpResponse | None:
    """The 304 answer when the client's copy is current, else None."""
    probe = HttpResponse()
    _public_headers(probe, etag, last_modified)
    answer = get_conditional_response(request, etag=etag, last_modified=timestamp(last_modified), response=probe)
    return None if answer is probe else answer


def _in_language(make: Callable[[], Iterator[bytes]]) -> Iterator[bytes]:
    """Run a chunk generator in the site's default language, one chunk at a time (the request's own
    language override has ended by the time a streamed body is read)."""
    with translation.override(settings.LANGUAGE_CODE):
        chunks = make()
    while True:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def metadata(dataset: Dataset, ctx: Context) -> dict:
    """The header of a JSON file and the footer of the XLSX dictionary."""
    index = ctx.url(reverse("opendata-index"))
    return {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "row": str(dataset.row_unit),
        "url": ctx.url(reverse("opendata-file", args=[dataset.slug, "json"])),
        "dictionary": f"{index}#kamus-{dataset.slug}",
        "datapackage": ctx.url(reverse("opendata-datapackage")),
        "licence": {"name": licence()["name"], "url": licence()["url"]},
        "publisher": licence()["attribution"],
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "validity_as_of": ctx.today.isoformat(),
        "note": _(
            "Rows whose sumber is “contoh_sintetis” are synthetic example data made for demonstration: "
            "they are not real agreements, parties, activities or indicators."
        ),
        "columns": [
            {"name": column.name, "type": column.type, "description": str(column.description)}
            for column in dataset.columns
        ],
    }


def _attachment(response, filename: str, inline: bool = False) -> None:
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'


def serve(request, name: str, fmt: str, version: files.Version, chunks=None, write=None) -> HttpResponse:
    """Answer a request for a published file: 304, the stored file, or the file made now.

    ``chunks()`` streams the body (CSV, JSON), ``write(path)`` writes it whole (XLSX).
    """
    etag = version.etag(name, fmt)
    unchanged = _not_modified(request, etag, version.last_modified)
    if unchanged is not None:
        return unchanged
    path = files.stored_path(name, fmt, version)
    content_type = TYPES_FOR_FORMAT[fmt]
    response = None
    if path.exists():
        try:
            response = FileResponse(path.open("rb"), content_type=content_type)
        except FileNotFoundError:  # replaced by a newer version between the two calls
            response = None
    if response is None:
        if request.method == "HEAD":
            response = HttpResponse(content_type=content_type)
        elif write is not None:
            with translation.override(settings.LANGUAGE_CODE):
                files.build(path, write)
            response = FileResponse(path.open("rb"), content_type=content_type)
        else:
            response = StreamingHttpResponse(files.teed(_in_language(chunks), path), content_type=content_type)
    _attachment(response, f"{name}.{fmt}", inline=fmt == "json")
    _public_headers(response, etag, version.last_modified)
    return response


class IndexView(View):
    """/data/: the datasets with formats, rows, last change and licence; the OCDS profile; the dictionary."""

    def get(self, request):
        version = files.current_version(base_url(request))
        stats = files.dataset_stats(version)
        datasets = []
        for slug, dataset in DATASETS.items():
            rows, changed = stats[slug]
            datasets.append(
                {
                    "dataset": dataset,
                    "rows": rows,
                    "changed": changed,
                    "files": [
                        {
                            "format": fmt,
                            "url": reverse("opendata-file", args=[slug, fmt]),
                            "size": files.stored_size(slug, fmt, version),
                        }
                        for fmt in FORMATS
                    ],
                    "columns": [(column, column.allowed(), text_value(column.example)) for column in dataset.columns],
                }
            )
        published = public_agreements()
        context = {
            "datasets": datasets,
            "version": version,
            "licence": licence(),
            "synthetic": published.filter(source=Source.SINTETIS).count(),
            "ocid_prefix": ocds.ocid_prefix(),
            "example_id": published.order_by("pk").values_list("pk", flat=True).first(),
            "ocds_size": files.stored_size("ocds", "json", version),
            "types": [(name, label) for name, label in TYPES.items()],
            "base": base_url(request),
            "json_ld": json_ld(base_url(request)),
        }
        return render(request, "opendata/index.html", context)


def json_ld(base: str) -> str:
    """The catalogue as schema.org JSON-LD, so dataset search engines find and describe the files."""
    publisher = {"@type": "GovernmentOrganization", "name": licence()["attribution"]}
    index = base + reverse("opendata-index")
    catalogue = {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": _("Inter-regional cooperation agreements of East Kalimantan"),
        "url": index,
        "license": licence()["url"],
        "publisher": publisher,
        "dataset": [
            {
                "@type": "Dataset",
                "name": str(dataset.title),
                "description": str(dataset.description),
                "url": f"{index}#kamus-{slug}",
                "license": licence()["url"],
                "isAccessibleForFree": True,
                "creator": publisher,
                "variableMeasured": dataset.column_names,
                "distribution": [
                    {
                        "@type": "DataDownload",
                        "encodingFormat": TYPES_FOR_FORMAT[fmt].split(";")[0],
                        "contentUrl": base + reverse("opendata-file", args=[slug, fmt]),
                    }
                    for fmt in FORMATS
                ],
            }
            for slug, dataset in DATASETS.items()
        ],
    }
    # Inside <script>: "<" escaped so no text can close the element.
    return mark_safe(json.dumps(catalogue, ensure_ascii=False).replace("<", "\\u003c"))  # noqa: S308


class DatasetFileView(View):
    """/data/<dataset>.<csv|xlsx|json>: one dataset, made once per version of the data."""

    def get(self, request, slug: str, fmt: str):
        dataset = DATASETS.get(slug)
        if dataset is None or fmt not in FORMATS:
            raise Http404
        version = files.current_version(base_url(request))
        ctx = Context(base_url(request), version.today)
        if fmt == "xlsx":
            return serve(
                request,
                slug,
                fmt,
                version,
                write=lambda path: write_xlsx(dataset, metadata(dataset, ctx), dataset.rows(ctx), path),
            )
        if fmt == "csv":
            return serve(request, slug, fmt, version, chunks=lambda: csv_chunks(dataset, dataset.rows(ctx)))
        return serve(
            request,
            slug,
            fmt,
            version,
            chunks=lambda: json_chunks(metadata(dataset, ctx), dataset.column_names, dataset.rows(ctx)),
        )


class OcdsPackageView(View):
    """/data/ocds.json: every public agreement as a release of one OCDS release package."""

    def get(self, request):
        version = files.current_version(base_url(request))
        ctx = Context(base_url(request), version.today)
        uri = ctx.url(reverse("opendata-ocds"))

        def chunks():
            return ocds.package_chunks(ocds.package_head(ctx, version.last_modified, uri), ocds.releases(ctx))

        return serve(request, "ocds", "json", version, chunks=chunks)


class OcdsReleaseView(View):
    """/data/ocds/<id>.json: one public agreement's release, in a package of its own."""

    def get(self, request, pk: int):
        queryset = public_agreements().filter(pk=pk)
        if not queryset.exists():
            raise Http404
        ctx = Context(base_url(request), timezone.localdate())
        uri = ctx.url(reverse("opendata-ocds-release", args=[pk]))
        with translation.override(settings.LANGUAGE_CODE):
            body = list(ocds.releases(ctx, queryset))
            head = ocds.package_head(ctx, None, uri)
        head["publishedDate"] = body[0]["date"]
        return _json_answer(request, {**head, "releases": body})


def _json_answer(request, document: dict) -> HttpResponse:
    content = json.dumps(document, ensure_ascii=False, indent=1).encode()
    etag = f'"{hashlib.sha256(content).hexdigest()[:40]}"'
    unchanged = _not_modified(request, etag, None)
    if unchanged is not None:
        return unchanged
    response = HttpResponse(content, content_type="application/json")
    _public_headers(response, etag)
    return response


class SchemaFileView(View):
    """The profile's JSON Schema and the OCDS extension (extension.json, release-schema.json)."""

    names = {
        "profile": "profile-schema.json",
        "extension": "extension.json",
        "extension-schema": "release-schema.json",
    }

    def get(self, request, name: str):
        document = json.loads((SCHEMA_FOLDER / self.names[name]).read_text(encoding="utf-8"))
        if name == "extension":
            document["documentationUrl"] = {"en": base_url(request) + reverse("opendata-index") + "#ocds"}
        return _json_answer(request, document)


FRICTIONLESS_TYPES = {"url": "string", "list": "list"}


def _field(column) -> dict:
    field = {
        "name": column.name,
        "type": FRICTIONLESS_TYPES.get(column.type, column.type),
        "description": str(column.description),
        "example": column.example,
    }
    if column.type == "url":
        field["format"] = "uri"
    if column.type == "list":
        field.update(delimiter=";", itemType="string")
    if column.choices:
        field["constraints"] = {"enum": [code for code, _label in column.allowed()]}
    return field


class DataPackageView(View):
    """/data/datapackage.json: a Frictionless Data Package describing the CSV files (the dictionary as data)."""

    def get(self, request):
        base = base_url(request)
        resources = []
        for slug, dataset in DATASETS.items():
            schema = {"fields": [_field(column) for column in dataset.columns], "missingValues": [""]}
            if dataset.primary_key:
                schema["primaryKey"] = list(dataset.primary_key)
            if dataset.foreign_keys:
                schema["foreignKeys"] = [
                    {"fields": column, "reference": {"resource": "" if target == slug else target, "fields": field}}
                    for column, target, field in dataset.foreign_keys
                ]
            resources.append(
                {
                    "name": slug,
                    "title": str(dataset.title),
                    "description": str(dataset.description),
                    "path": base + reverse("opendata-file", args=[slug, "csv"]),
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "header": True},
                    "schema": schema,
                }
            )
        package = {
            "profile": "tabular-data-package",
            "name": "kerjasama-daerah-kaltim",
            "title": _("Inter-regional cooperation agreements of East Kalimantan"),
            "homepage": base + reverse("opendata-index"),
            "licenses": [{"name": licence()["name"], "path": licence()["url"], "title": licence()["title"]}],
            "contributors": [{"title": licence()["attribution"], "role": "publisher"}],
            "resources": resources,
        }
        return _json_answer(request, package)


class DictionaryCsvView(View):
    """/data/kamus-data.csv: the data dictionary of every dataset as one CSV table."""

    def get(self, request):
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["dataset", "kolom", "tipe", "keterangan", "contoh", "kode_yang_mungkin"])
        for slug, dataset in DATASETS.items():
            for line in dictionary_rows(dataset):
                writer.writerow([slug, *line])
        content = buffer.getvalue().encode()
        etag = f'"{hashlib.sha256(content).hexdigest()[:40]}"'
        unchanged = _not_modified(request, etag, None)
        if unchanged is not None:
            return unchanged
        response = HttpResponse(content, content_type=TYPES_FOR_FORMAT["csv"])
        _attachment(response, "kamus-data.csv")
        _public_headers(response, etag)
        return response
