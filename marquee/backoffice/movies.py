"""Movies and genres (/staff/movies/, /staff/genres/): the listing as customers will see it, in
both site languages, written through the catalog services that the staff API uses, which
check every rule and leave the audit record. For Admin and the Content role."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marquee.backoffice.access import CATALOG, staff_page
from marquee.backoffice.catalog_forms import GenreForm, MovieForm, MovieSearchForm, add_service_error
from marquee.backoffice.feedback import say_error
from marquee.backoffice.query import MAX_ID, page_number
from marquee.catalog import services
from marquee.catalog.models import Movie
from marquee.core.errors import DomainError, NotFound
from marquee.staff import selectors

PAGE_SIZE = 25


def _check_id(value: int) -> None:
    """An id from the address that can name a row; anything else names nothing."""
    if not 0 < value <= MAX_ID:
        raise Http404


def _movie(movie_id: int) -> Movie:
    _check_id(movie_id)
    try:
        return selectors.movie_get(movie_id=movie_id)
    except NotFound:
        raise Http404 from None


@staff_page(CATALOG)
@require_http_methods(["GET", "HEAD"])
def movie_list(request: HttpRequest) -> HttpResponse:
    form = MovieSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = page_number(request)
    found = selectors.movies_page(
        listed=form.listed_value(), search=query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    context = {"form": form, "found": found, "page": page, "has_next": page * PAGE_SIZE < found.count}
    return render(request, "backoffice/movies.html", context)


@staff_page(CATALOG)
@require_http_methods(["GET", "HEAD", "POST"])
def movie_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "backoffice/movie_form.html", {"form": MovieForm(), "movie": None})
    form = MovieForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            movie = services.movie_create(**form.service_kwargs(), staff_user=request.user)
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Added the movie %(title)s.") % {"title": movie.title})
            return redirect("backoffice:movie", movie_id=movie.pk)
    return render(request, "backoffice/movie_form.html", {"form": form, "movie": None}, status=422)


@staff_page(CATALOG)
@require_http_methods(["GET", "HEAD", "POST"])
def movie_edit(request: HttpRequest, movie_id: int) -> HttpResponse:
    movie = _movie(movie_id)
    if request.method != "POST":
        return render(request, "backoffice/movie_form.html", {"form": MovieForm(movie=movie), "movie": movie})
    form = MovieForm(request.POST, request.FILES, movie=movie)
    if form.is_valid():
        kwargs: dict[str, Any] = form.service_kwargs()
        try:
            saved = services.movie_update(movie_id=movie.pk, **kwargs, staff_user=request.user)
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved the movie %(title)s.") % {"title": saved.title})
            return redirect("backoffice:movie", movie_id=movie.pk)
    return render(request, "backoffice/movie_form.html", {"form": form, "movie": movie}, status=422)


@staff_page(CATALOG)
@require_POST
def movie_remove(request: HttpRequest, movie_id: int) -> HttpResponse:
    movie = _movie(movie_id)
    try:
        services.movie_delete(movie_id=movie.pk, staff_user=request.user)
    except DomainError as error:
        say_error(request, error)
        return redirect("backoffice:movie", movie_id=movie.pk)
    messages.success(request, _("Deleted the movie %(title)s.") % {"title": movie.title})
    return redirect("backoffice:movies")


def _genre_page(
    request: HttpRequest, form: GenreForm, *, editing: int | None = None, status: int = 200
) -> HttpResponse:
    genres = selectors.genres_with_counts()
    rows = [(g, form if g.pk == editing else GenreForm(prefix=f"g{g.pk}", initial=_names(g))) for g in genres]
    new_form = GenreForm(prefix="new") if editing is not None else form
    context = {"rows": rows, "new_form": new_form, "editing": editing}
    return render(request, "backoffice/genres.html", context, status=status)


def _names(genre: Any) -> dict[str, str]:
    return {"name_en": genre.name_en, "name_uk": genre.name_uk}


@staff_page(CATALOG)
@require_http_methods(["GET", "HEAD", "POST"])
def genre_list(request: HttpRequest) -> HttpResponse:
    form = GenreForm(request.POST or None, prefix="new")
    if request.method != "POST":
        return _genre_page(request, form)
    if form.is_valid():
        try:
            genre = services.genre_create(**form.cleaned_data, staff_user=request.user)
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Added the genre %(name)s.") % {"name": genre.name})
            return redirect("backoffice:genres")
    return _genre_page(request, form, status=422)


@staff_page(CATALOG)
@require_POST
def genre_edit(request: HttpRequest, genre_id: int) -> HttpResponse:
    _check_id(genre_id)
    form = GenreForm(request.POST, prefix=f"g{genre_id}")
    if form.is_valid():
        try:
            genre = services.genre_update(genre_id=genre_id, **form.cleaned_data, staff_user=request.user)
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved the genre %(name)s.") % {"name": genre.name})
            return redirect("backoffice:genres")
    return _genre_page(request, form, editing=genre_id, status=422)


@staff_page(CATALOG)
@require_POST
def genre_remove(request: HttpRequest, genre_id: int) -> HttpResponse:
    _check_id(genre_id)
    try:
        services.genre_delete(genre_id=genre_id, staff_user=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        say_error(request, error)
    else:
        messages.success(request, _("Deleted the genre."))
    return redirect("backoffice:genres")
