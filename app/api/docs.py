"""The API's browsable docs: Swagger UI, served from the vendored files (no CDN)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("api_docs_page", __name__, template_folder="templates")


@bp.get("/api/v1/docs")
def page():
    return render_template("api/docs.html")
