"""Reading the published files back, as a harvester would."""

import csv
import io
import json

from openpyxl import load_workbook


def body_of(response) -> bytes:
    """The whole body of a plain, file or streamed response."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def get(client, path: str, **headers):
    """GET ``path``; the response and its body."""
    response = client.get(path, **headers)
    return response, body_of(response)


def csv_rows(body: bytes) -> tuple[list[str], list[dict]]:
    """Header and rows of a CSV file (strict UTF-8, no BOM expected)."""
    text = body.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def json_document(body: bytes) -> dict:
    return json.loads(body.decode("utf-8"))


def workbook(body: bytes):
    return load_workbook(io.BytesIO(body))
