"""The forms of the movie and genre pages. They only parse: the rules are the catalog services'."""

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import AgeRating, Genre, Movie
from marquee.catalog.posters import POSTER_FORMATS, POSTER_MAX_BYTES
from marquee.catalog.selectors import genres_by_name
from marquee.core.errors import DomainError
from marquee.settlement.models import Distributor
from marquee.settlement.selectors import distributors_to_choose


def _poster_help_text() -> str:
    return gettext("JPEG, PNG or WebP, at most %(mb)d MB.") % {"mb": POSTER_MAX_BYTES // (1024 * 1024)}


# Filled in when shown, in the reader's language (a lazy string's % would fix it at import).
_poster_help = lazy(_poster_help_text, str)

LISTED_CHOICES = [("", _("All")), ("yes", _("Listed")), ("no", _("Not listed"))]
# What the catalog services call a field → the form's.
SERVICE_FIELDS = {"title": "title_en", "genre_ids": "genres", "name": "name_en"}


def add_service_error(form: forms.Form, error: DomainError) -> None:
    """The service's refusal on the form: each field's message on its field, the rest on top."""
    placed = False
    for key, problems in (error.fields or {}).items():
        name = SERVICE_FIELDS.get(key, key)
        for problem in problems:
            if name in form.fields:
                form.add_error(name, problem)
                placed = True
            else:
                form.add_error(None, problem)
    if not placed:
        form.add_error(None, error.detail)


class MovieSearchForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=200, label=_("Title"), widget=forms.TextInput(attrs={"type": "search"})
    )
    listed = forms.ChoiceField(required=False, choices=LISTED_CHOICES, label=_("Shown to customers"))

    def listed_value(self) -> bool | None:
        value = self.cleaned_data.get("listed") if self.is_valid() else ""
        return {"yes": True, "no": False}.get(value or "")


class GenreChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class DistributorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MovieForm(forms.Form):
    title_en = forms.CharField(max_length=200, required=False, label=_("Title in English"))
    title_uk = forms.CharField(max_length=200, required=False, label=_("Title in Ukrainian"))
    description_en = forms.CharField(
        max_length=10000, required=False, label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 5})
    )
    description_uk = forms.CharField(
        max_length=10000, required=False, label=_("Description in Ukrainian"), widget=forms.Textarea(attrs={"rows": 5})
    )
    genres = GenreChoices(
        queryset=Genre.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Genres")
    )
    duration_min = forms.IntegerField(min_value=1, max_value=1000, label=_("Runtime (minutes)"))
    age_rating = forms.TypedChoiceField(choices=AgeRating.choices, coerce=int, label=_("Age limit"))
    release_year = forms.IntegerField(min_value=1888, max_value=2200, label=_("Year"))
    is_listed = forms.BooleanField(required=False, initial=True, label=_("Listed (shown to customers)"))
    poster = forms.FileField(
        required=False,
        label=_("Poster"),
        help_text=_poster_help(),
        widget=forms.FileInput(attrs={"accept": ",".join(f"image/{k.lower()}" for k in POSTER_FORMATS)}),
    )
    remove_poster = forms.BooleanField(required=False, label=_("Remove the poster"))
    distributor = DistributorChoice(
        queryset=Distributor.objects.none(),
        required=False,
        label=_("Distributor"),
        empty_label=_("No distributor"),
        help_text=_(
            "Who supplies the film and takes a share of its box office; its terms are on the distributor's page."
        ),
    )

    def __init__(self, *args: Any, movie: Movie | None = None, **kwargs: Any) -> None:
        if movie is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title_en": movie.title_en,
                "title_uk": movie.title_uk,
                "description_en": movie.description_en,
                "description_uk": movie.description_uk,
                "genres": [g.pk for g in movie.genres.all()],
                "duration_min": movie.duration_min,
                "age_rating": movie.age_rating,
                "release_year": movie.release_year,
                "is_listed": movie.is_listed,
                "distributor": movie.distributor_id,
            }
        super().__init__(*args, **kwargs)
        self.had_distributor = movie is not None and movie.distributor_id is not None
        distributor = self.fields["distributor"]
        assert isinstance(distributor, forms.ModelChoiceField)
        # Active distributors, and the movie's own even if it is no longer active.
        distributor.queryset = distributors_to_choose(keep_id=movie.distributor_id if movie is not None else None)
        genres = self.fields["genres"]
        assert isinstance(genres, forms.ModelMultipleChoiceField)
        genres.queryset = genres_by_name()
        if movie is None or not movie.poster:
            del self.fields["remove_poster"]

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        values = {
            "title_en": d["title_en"],
            "title_uk": d["title_uk"],
            "description_en": d["description_en"],
            "description_uk": d["description_uk"],
            "genre_ids": [g.pk for g in d["genres"]],
            "duration_min": d["duration_min"],
            "age_rating": d["age_rating"],
            "release_year": d["release_year"],
            "is_listed": d["is_listed"],
            "poster": d.get("poster") or None,
        }
        if d.get("remove_poster"):
            values["remove_poster"] = True
        if d.get("distributor") is not None:
            values["distributor_id"] = d["distributor"].pk
        elif self.had_distributor:
            values["remove_distributor"] = True
        return values


class GenreForm(forms.Form):
    name_en = forms.CharField(max_length=60, required=False, label=_("Name in English"))
    name_uk = forms.CharField(max_length=60, required=False, label=_("Name in Ukrainian"))
