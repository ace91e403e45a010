"""The shared documentation's pages (``/documentation/…``): the guides of resources, the mediation
toolbox, the gallery of projects, their files and the search. Views parse, call a rule, commit
once and render; the rules are in ``guides``, ``toolbox``, ``gallery``, ``files`` and ``search``."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import format_decimal
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.core.refusals import Refusal
from app.core.responses import add_errors, form_page, list_page, page
from app.documentation import access, files, gallery, guides, search, toolbox
from app.documentation.forms import (
    FileForm,
    GuideForm,
    ModerationForm,
    PreviewForm,
    ProjectForm,
    ReuseForm,
    SearchForm,
    ToolFilterForm,
    ToolForm,
)
from app.documentation.labels import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    LANGUAGE_LABELS,
    LICENCE_URLS,
    STATUS_LABELS,
    VISIBILITY_LABELS,
    licence_label,
)
from app.documentation.models import (
    DocumentFile,
    Guide,
    Language,
    Licence,
    Project,
    ProjectStatus,
    Tool,
    ToolAudience,
    Visibility,
)
from app.documentation.text import excerpt, render
from app.extensions import db
from app.models import Resource, ResourceKind, Theme, Venue
from app.models.labels import RESOURCE_KIND_LABELS

bp = Blueprint("documentation", __name__, template_folder="templates", url_prefix="/documentation")

# The files' own answer: nothing in them runs, whatever a browser thinks they are.
FILE_CSP = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"


@bp.app_context_processor
def _documentation_helpers():
    """``resource_documentation(resource)``: a resource's guides and the projects made with it, for
    its page in the catalogue; ``markdown(text)``: sanitised HTML."""

    def resource_documentation(resource: Resource) -> dict:
        return {
            "guides": guides.guide_titles(resource.id, current_language()),
            "projects": gallery.published_titles(resource.id, limit=12),
            "can_write": access.can_write_guides(current_user, resource),
            "language_labels": LANGUAGE_LABELS,
        }

    return {"resource_documentation": resource_documentation, "markdown": render}


def _labels() -> dict:
    return {
        "language_labels": LANGUAGE_LABELS,
        "audience_labels": AUDIENCE_LABELS,
        "visibility_labels": VISIBILITY_LABELS,
        "status_labels": STATUS_LABELS,
        "kind_labels": KIND_LABELS,
        "resource_kind_labels": RESOURCE_KIND_LABELS,
        "licence_label": licence_label,
        "licence_urls": LICENCE_URLS,
        "excerpt": excerpt,
        "file_size": _file_size,
    }


def _file_size(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(size)s ko", size=format_decimal(max(1, round(size / 1024))))
    return _("%(size)s Mo", size=format_decimal(round(size / 1024 / 1024, 1)))


def _commit_or_discard(stored: list[DocumentFile]) -> None:
    """Commit; on failure the files just written are removed, and the error goes on."""
    names = [files.stored_name(row) for row in stored]
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        files.discard(files.folder(current_app), names)
        raise


# --- The hub and the search ------------------------------------------------------------------------


def _hit_url(hit: search.Hit) -> str:
    endpoint = {"guide": "documentation.guide", "tool": "documentation.tool", "project": "documentation.project"}
    argument = {"guide": "guide_id", "tool": "tool_id", "project": "project_id"}
    return url_for(endpoint[hit.kind], **{argument[hit.kind]: hit.item_id})


@bp.get("/")
def index():
    """The documentation's home: the search over guides, tools and projects."""
    form = SearchForm(formdata=request.args)
    query = form.q.data or "" if form.validate() else ""
    hits = search.search(query, members=access.is_member(current_user)) if query.strip() else None
    context = {"form": form, "query": query, "hits": hits, "hit_url": _hit_url, **_labels()}
    return list_page("documentation/index.html", "documentation/_hits.html", "resultats", **context)


# --- Guides -----------------------------------------------------------------------------------------


def _resource_or_404(resource_id: int) -> Resource:
    resource = db.session.get(Resource, resource_id)
    if resource is None or not (resource.is_active or access.can_write_guides(current_user, resource)):
        abort(404)
    return resource


def _guide_or_404(guide_id: int) -> Guide:
    guide = db.session.scalar(
        select(Guide)
        .where(Guide.id == guide_id)
        .options(selectinload(Guide.versions), selectinload(Guide.files), selectinload(Guide.resource))
    )
    if guide is None or not (guide.resource.is_active or access.can_write_guides(current_user, guide.resource)):
        abort(404)
    return guide


@bp.get("/ressources/<int:resource_id>/guides")
def resource_guides(resource_id: int):
    """A resource's guides: where the booking confirmation and the kit hand-over lead."""
    resource = _resource_or_404(resource_id)
    return page(
        "documentation/resource_guides.html",
        resource=resource,
        guides=guides.guides_of(resource.id, current_language()),
        can_write=access.can_write_guides(current_user, resource),
        **_labels(),
    )


def _guide_form_page(form: GuideForm, resource: Resource, guide: Guide | None):
    preview = render(form.body.data or "") if form.body.data else None
    return form_page(
        "documentation/guide_form.html", form, resource=resource, guide=guide, preview=preview, **_labels()
    )


def _save_guide(form: GuideForm, resource: Resource, guide: Guide | None):
    if request.method == "POST" and request.form.get("action") == "apercu":
        form.validate()  # the messages show, nothing is written
        return _guide_form_page(form, resource, guide)
    if not form.validate_on_submit():
        return _guide_form_page(form, resource, guide)
    fields = {
        "title": form.title.data,
        "body": form.body.data,
        "language": Language(form.language.data),
        "note": form.note.data or "",
    }
    try:
        if guide is None:
            guide = guides.create(resource, current_user, **fields)
        else:
            guides.revise(guide, current_user, **fields)
    except Refusal as refusal:
        db.session.rollback()
        add_errors(form, refusal)
        return _guide_form_page(form, resource, guide)
    db.session.commit()
    flash(_("Le guide est enregistré (version %(number)d).", number=guide.current.number), "success")
    return redirect(url_for("documentation.guide", guide_id=guide.id), code=303)


@bp.route("/ressources/<int:resource_id>/guides/nouveau", methods=["GET", "POST"])
@login_required
def new_guide(resource_id: int):
    resource = _resource_or_404(resource_id)
    if not access.can_write_guides(current_user, resource):
        abort(403)
    form = GuideForm()
    if request.method == "GET":
        form.body.data = guides.TEMPLATE_FR
    return _save_guide(form, resource, None)


@bp.route("/guides/<int:guide_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_guide(guide_id: int):
    guide = _guide_or_404(guide_id)
    if not access.can_write_guides(current_user, guide.resource):
        abort(403)
    form = GuideForm()
    if request.method == "GET":
        form.title.data = guide.current.title
        form.body.data = guide.current.body
        form.language.data = guide.language.value
    return _save_guide(form, guide.resource, guide)


@bp.post("/apercu")
def preview():
    """The preview while writing (htmx): the text rendered and sanitised, nothing written."""
    form = PreviewForm()
    if not form.validate():
        return page("documentation/_preview.html", 422, preview=None, errors=form.body.errors)
    return page("documentation/_preview.html", preview=render(form.body.data or ""), errors=[])


@bp.get("/guides/<int:guide_id>")
def guide(guide_id: int):
    guide = _guide_or_404(guide_id)
    number = request.args.get("version", "")
    version = guide.current
    if number.isdigit():
        version = next((v for v in guide.versions if v.number == int(number)), None) or abort(404)
    can_write = access.can_write_guides(current_user, guide.resource)
    return page(
        "documentation/guide.html",
        guide=guide,
        version=version,
        can_write=can_write,
        file_form=FileForm() if can_write else None,
        **_labels(),
    )


@bp.post("/guides/<int:guide_id>/fichiers")
@login_required
def add_guide_file(guide_id: int):
    guide = _guide_or_404(guide_id)
    if not access.can_write_guides(current_user, guide.resource):
        abort(403)
    form = FileForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            row = files.store(
                upload.stream if upload else None,
                upload.filename if upload else "",
                {"guide_id": guide.id},
                current_user,
                files.folder(current_app),
                files.max_bytes(current_app),
                description=form.description.data or "",
            )
        except Refusal as refusal:
            db.session.rollback()
            add_errors(form, refusal)
        else:
            _commit_or_discard([row])
            flash(_("Le fichier « %(name)s » est joint au guide.", name=row.original_name), "success")
            return redirect(url_for("documentation.guide", guide_id=guide.id), code=303)
    return form_page(
        "documentation/guide.html",
        form,
        guide=guide,
        version=guide.current,
        can_write=True,
        file_form=form,
        **_labels(),
    )


# --- Files ------------------------------------------------------------------------------------------


def _may_see_file(row: DocumentFile) -> bool:
    if row.guide_id is not None:
        resource = db.session.get(Guide, row.guide_id).resource
        return resource.is_active or access.can_write_guides(current_user, resource)
    if row.tool_id is not None:
        return access.can_see_tool(current_user, db.session.get(Tool, row.tool_id))
    return access.can_see_project(current_user, db.session.get(Project, row.project_id))


@bp.get("/fichiers/<token>")
def file(token: str):
    """A file, served as what its content is, never run: images inline, the rest downloaded."""
    row = db.session.scalar(select(DocumentFile).where(DocumentFile.token == token))
    if row is None or not _may_see_file(row):
        abort(404)
    path = files.folder(current_app) / files.stored_name(row)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=row.content_type,
        as_attachment=not row.is_image,
        download_name=row.original_name,
        max_age=3600,
    )
    if row.is_image:  # send_file says "inline" without the name; keep the name for "save as"
        response.headers.set("Content-Disposition", "inline", filename=row.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


# --- The toolbox ------------------------------------------------------------------------------------


def _themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)))


def _venues() -> list[Venue]:
    return list(db.session.scalars(select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.name)))


def _theme_name(theme: Theme) -> str:
    return theme.name_en if current_language() == "en" else theme.name_fr


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


@bp.get("/boite-a-outils/")
def toolbox_index():
    form = ToolFilterForm(formdata=request.args)
    themes, venues = _themes(), _venues()
    form.theme.choices = [("", _("Toutes les thématiques"))] + [(str(t.id), _theme_name(t)) for t in themes]
    form.audience.choices = [("", _("Tous les publics"))] + [(a.value, label) for a, label in AUDIENCE_LABELS.items()]
    form.venue.choices = [("", _("Tous les lieux"))] + [(str(v.id), v.name) for v in venues]
    valid = form.validate()
    audience = form.audience.data if form.audience.data in set(ToolAudience) else None
    filters = toolbox.ToolFilters(
        query=(form.q.data or "") if valid else "",
        theme_id=_int_or_none(form.theme.data),
        audience=ToolAudience(audience) if audience else None,
        venue_id=_int_or_none(form.venue.data),
    )
    context = {
        "form": form,
        "tools": toolbox.tools(current_user, filters),
        "can_share": bool(access.sharing_venues(current_user, venues)),
        "theme_name": _theme_name,
        **_labels(),
    }
    return list_page("documentation/toolbox.html", "documentation/_tools.html", "outils", **context)


def _tool_or_404(tool_id: int) -> Tool:
    tool = db.session.scalar(
        select(Tool)
        .where(Tool.id == tool_id)
        .options(selectinload(Tool.themes), selectinload(Tool.resources), selectinload(Tool.files))
    )
    if tool is None:
        abort(404)
    return tool


@bp.get("/boite-a-outils/<int:tool_id>")
def tool(tool_id: int):
    tool = _tool_or_404(tool_id)
    if not access.can_see_tool(current_user, tool):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        abort(404)
    reuse_venues = [v for v in access.sharing_venues(current_user, _venues()) if v.id != tool.venue_id]
    form = None
    if reuse_venues:
        form = ReuseForm()
        form.venue.choices = [(v.id, v.name) for v in reuse_venues]
    return page("documentation/tool.html", tool=tool, reuse_form=form, theme_name=_theme_name, **_labels())


def _needed_resources() -> list[Resource]:
    return list(
        db.session.scalars(
            select(Resource)
            .where(Resource.is_active.is_(True), Resource.kind.in_(toolbox.NEEDED_KINDS))
            .options(selectinload(Resource.venue))
            .order_by(Resource.name)
        )
    )


@bp.route("/boite-a-outils/nouveau", methods=["GET", "POST"])
@login_required
def new_tool():
    venues = access.sharing_venues(current_user, _venues())
    if not venues:
        abort(403)
    form = ToolForm()
    themes, resources = _themes(), _needed_resources()
    form.venue.choices = [(v.id, v.name) for v in venues]
    form.themes.choices = [(t.id, _theme_name(t)) for t in themes]
    form.resources.choices = [(r.id, f"{r.name} ({r.venue.name})") for r in resources]
    if form.validate_on_submit():
        by_id = {r.id: r for r in resources}
        draft = toolbox.ToolDraft(
            title=form.title.data,
            summary=form.summary.data or "",
            body=form.body.data or "",
            audience=ToolAudience(form.audience.data),
            visibility=Visibility(form.visibility.data),
            themes=[t for t in themes if t.id in set(form.themes.data or [])],
            resources=[by_id[i] for i in form.resources.data or [] if i in by_id],
        )
        venue = next((v for v in venues if v.id == form.venue.data), None)
        upload = form.file.data
        try:
            if venue is None:
                raise toolbox.ToolRefused(_("Choisissez un lieu que vous gérez."), field="venue")
            shared = toolbox.share(venue, current_user, draft)
            stored = []
            if upload and upload.filename:
                stored.append(
                    files.store(
                        upload.stream,
                        upload.filename,
                        {"tool_id": shared.id},
                        current_user,
                        files.folder(current_app),
                        files.max_bytes(current_app),
                    )
                )
        except Refusal as refusal:
            db.session.rollback()
            add_errors(form, refusal)
        else:
            _commit_or_discard(stored)
            flash(_("L'outil est partagé dans la boîte à outils."), "success")
            return redirect(url_for("documentation.tool", tool_id=shared.id), code=303)
    return form_page("documentation/tool_form.html", form, **_labels())


@bp.post("/boite-a-outils/<int:tool_id>/reutiliser")
@login_required
def reuse_tool(tool_id: int):
    tool = _tool_or_404(tool_id)
    if not access.can_see_tool(current_user, tool):
        abort(404)
    form = ReuseForm()
    venues = access.sharing_venues(current_user, _venues())
    form.venue.choices = [(v.id, v.name) for v in venues]
    venue = next((v for v in venues if v.id == form.venue.data), None) if form.validate_on_submit() else None
    if venue is None:
        flash(_("Choisissez un lieu que vous gérez."), "error")
        return redirect(url_for("documentation.tool", tool_id=tool.id), code=303)
    try:
        copy = toolbox.reuse(tool, venue, current_user)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("documentation.tool", tool_id=tool.id), code=303)
    db.session.commit()
    flash(_("L'outil est copié au nom de %(venue)s.", venue=venue.name), "success")
    return redirect(url_for("documentation.tool", tool_id=copy.id), code=303)


# --- The gallery of projects ------------------------------------------------------------------------


@bp.get("/projets/")
def gallery_index():
    return page("documentation/gallery.html", projects=gallery.published(), **_labels())


def _project_or_404(project_id: int) -> Project:
    project = db.session.scalar(
        select(Project)
        .where(Project.id == project_id)
        .options(selectinload(Project.resources), selectinload(Project.venues), selectinload(Project.files))
    )
    if project is None or not access.can_see_project(current_user, project):
        abort(404)
    return project


@bp.get("/projets/<int:project_id>")
def project(project_id: int):
    project = _project_or_404(project_id)
    moderation = (
        ModerationForm()
        if (project.status == ProjectStatus.SUBMITTED and access.can_moderate(current_user, project))
        else None
    )
    return page("documentation/project.html", project=project, moderation_form=moderation, **_labels())


def _usable_resources() -> list[Resource]:
    return list(
        db.session.scalars(
            select(Resource)
            .where(Resource.is_active.is_(True))
            .options(selectinload(Resource.venue))
            .order_by(Resource.kind, Resource.name)
        )
    )


@bp.route("/projets/nouveau", methods=["GET", "POST"])
@login_required
def new_project():
    form = ProjectForm()
    venues, resources = _venues(), _usable_resources()
    form.venues.choices = [(v.id, v.name) for v in venues]
    form.resources.choices = [(r.id, f"{r.name} ({RESOURCE_KIND_LABELS[r.kind]}, {r.venue.name})") for r in resources]
    if form.validate_on_submit():
        by_id = {r.id: r for r in resources}
        chosen = set(form.venues.data or [])
        draft = gallery.ProjectDraft(
            title=form.title.data,
            summary=form.summary.data or "",
            body=form.body.data,
            licence=Licence(form.licence.data),
            resources=[by_id[i] for i in form.resources.data or [] if i in by_id],
            venues=[v for v in venues if v.id in chosen],
        )
        stored: list[DocumentFile] = []
        try:
            created = gallery.submit(current_user, draft)
            for upload in form.photos.data or []:
                if upload and upload.filename:
                    stored.append(
                        files.store(
                            upload.stream,
                            upload.filename,
                            {"project_id": created.id},
                            current_user,
                            files.folder(current_app),
                            files.max_bytes(current_app),
                            images_only=True,
                        )
                    )
        except Refusal as refusal:
            db.session.rollback()
            files.discard(files.folder(current_app), [files.stored_name(row) for row in stored])
            add_errors(form, {"photos" if r.field == "file" else r.field: r.message for r in refusal.reasons})
        else:
            _commit_or_discard(stored)
            flash(_("Merci ! Votre projet sera publié dès qu'un·e gestionnaire l'aura relu."), "success")
            return redirect(url_for("documentation.project", project_id=created.id), code=303)
    return form_page("documentation/project_form.html", form, kinds=ResourceKind, **_labels())


@bp.get("/projets/moderation")
@login_required
def moderation():
    if not (current_user.is_coordinator or current_user.is_manager):
        abort(403)
    return page("documentation/moderation.html", projects=gallery.awaiting(current_user), **_labels())


@bp.post("/projets/<int:project_id>/moderer")
@login_required
def moderate(project_id: int):
    project = _project_or_404(project_id)
    form = ModerationForm()
    if not form.validate_on_submit():
        abort(400)
    publish = request.form.get("decision") == "publier"
    try:
        gallery.moderate(project, current_user, publish, form.note.data or "")
    except Refusal as refusal:
        db.session.rollback()
        add_errors(form, refusal)
        return form_page("documentation/project.html", form, project=project, moderation_form=form, **_labels())
    db.session.commit()
    flash(_("Le projet est publié.") if publish else _("Le projet est renvoyé à son auteur·e."), "success")
    return redirect(url_for("documentation.moderation"), code=303)
