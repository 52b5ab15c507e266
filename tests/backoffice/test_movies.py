"""Movies and genres in the staff pages: both languages, posters checked, every change audited,
for Admin and the Content role only."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from marquee.audit.models import AuditEntry
from marquee.catalog.models import Genre, Movie
from marquee.catalog.posters import POSTER_MAX_BYTES
from marquee.staff.roles import CONTENT
from tests import factories as f

pytestmark = pytest.mark.django_db


def png(size=(20, 30), kind="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture
def content_client(db) -> Client:
    user = User.objects.create_user("vira", password="pw-unused-0123", is_staff=True)
    user.groups.add(Group.objects.get(name=CONTENT))
    client = Client()
    client.force_login(user)
    return client


def movie_form(**changes):
    drama = Genre.objects.filter(name_en="Drama").first() or f.genre("Drama", name_uk="Драма")
    return {
        "title_en": "The Last Tram to Podil",
        "title_uk": "Останній трамвай на Поділ",
        "description_en": "Two strangers walk the city until dawn.",
        "description_uk": "Двоє незнайомців гуляють містом до світанку.",
        "genres": [str(drama.pk)],
        "duration_min": "104",
        "age_rating": "12",
        "release_year": "2024",
        "is_listed": "on",
        **changes,
    }


def test_content_staff_add_a_movie_with_a_poster_in_both_languages(content_client):
    poster = SimpleUploadedFile("tram.png", png(), content_type="image/png")
    response = content_client.post(reverse("backoffice:movie_new"), {**movie_form(), "poster": poster})
    assert response.status_code == 302
    movie = Movie.objects.get()
    assert response["Location"] == reverse("backoffice:movie", args=[movie.pk])
    assert (movie.title_en, movie.title_uk) == ("The Last Tram to Podil", "Останній трамвай на Поділ")
    assert movie.description_uk.startswith("Двоє")
    assert (movie.duration_min, movie.age_rating, movie.release_year, movie.is_listed) == (104, 12, 2024, True)
    assert [g.name_en for g in movie.genres.all()] == ["Drama"]
    assert movie.poster.name.endswith(".png")
    with movie.poster.open("rb") as stored:
        assert Image.open(stored).size == (20, 30)
    entry = AuditEntry.objects.get(action="movie.create")
    assert entry.actor.username == "vira"
    assert entry.target_id == str(movie.pk)
    assert entry.changes["title_uk"] == [None, "Останній трамвай на Поділ"]
    assert entry.changes["genres"] == [None, ["Drama"]]


def test_edit_a_movie_records_before_and_after(content_client):
    movie = f.movie(title="Paper Foxes", genres=[f.genre("Animation")], release_year=2025)
    page = content_client.get(reverse("backoffice:movie", args=[movie.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["title_en"] == "Paper Foxes"
    response = content_client.post(
        reverse("backoffice:movie", args=[movie.pk]),
        movie_form(title_en="Paper Foxes", title_uk="Паперові лисиці", is_listed="", duration_min="88"),
    )
    assert response.status_code == 302
    movie.refresh_from_db()
    assert (movie.title_uk, movie.is_listed, movie.duration_min) == ("Паперові лисиці", False, 88)
    entry = AuditEntry.objects.get(action="movie.update")
    assert entry.changes["title_uk"] == ["", "Паперові лисиці"]
    assert entry.changes["is_listed"] == [True, False]
    assert entry.changes["duration_min"] == [100, 88]
    assert entry.changes["genres"] == [["Animation"], ["Drama"]]
    assert "title_en" not in entry.changes


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title_en": "", "title_uk": ""}, "title_en", "This field is required."),
        ({"genres": []}, "genres", "A movie needs at least one genre."),
        ({"duration_min": "0"}, "duration_min", None),
        ({"release_year": "1700"}, "release_year", None),
        ({"age_rating": "7"}, "age_rating", None),
    ],
)
def test_an_invalid_movie_is_shown_on_its_field_and_not_saved(content_client, changes, field, message):
    response = content_client.post(reverse("backoffice:movie_new"), movie_form(**changes))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert not Movie.objects.exists()
    assert not AuditEntry.objects.filter(target_type="movie").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"this is no image", "The poster must be a JPEG, PNG or WebP image."),
        ("anim.gif", None, "The poster must be a JPEG, PNG or WebP image."),
        ("huge.png", b"\x89PNG" + b"0" * (POSTER_MAX_BYTES + 1), "The poster is larger than 5 MB."),
    ],
)
def test_a_poster_must_be_a_small_enough_image(content_client, name, content, message):
    if content is None:
        content = png(kind="GIF")
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = content_client.post(reverse("backoffice:movie_new"), {**movie_form(), "poster": upload})
    assert response.status_code == 422
    assert response.context["form"].errors["poster"] == [message]
    assert not Movie.objects.exists()


def test_a_jpeg_poster_replaces_the_old_and_can_be_removed(content_client):
    movie = f.movie(title="Copper Sky")
    jpeg = SimpleUploadedFile("sky.jpg", png(kind="JPEG"), content_type="image/jpeg")
    assert (
        content_client.post(reverse("backoffice:movie", args=[movie.pk]), {**movie_form(), "poster": jpeg}).status_code
        == 302
    )
    movie.refresh_from_db()
    assert movie.poster.name.endswith(".jpg")
    response = content_client.post(
        reverse("backoffice:movie", args=[movie.pk]), {**movie_form(), "remove_poster": "on"}
    )
    assert response.status_code == 302
    movie.refresh_from_db()
    assert not movie.poster


def test_list_search_filter_and_pages(content_client):
    drama = f.genre("Drama", name_uk="Драма")
    f.movie(title="Salt and Static", genres=[drama])
    hidden = f.movie(title="Hollow Pines", genres=[drama], is_listed=False)
    from marquee.catalog.services import movie_update

    movie_update(movie_id=hidden.pk, title_uk="Порожні сосни")
    url = reverse("backoffice:movies")
    page = content_client.get(url)
    assert [m.title_en for m in page.context["found"].results] == ["Hollow Pines", "Salt and Static"]
    assert "Порожні сосни" in page.content.decode()
    assert [m.pk for m in content_client.get(url, {"q": "сосни"}).context["found"].results] == [hidden.pk]
    assert [m.pk for m in content_client.get(url, {"listed": "no"}).context["found"].results] == [hidden.pk]
    assert [m.title_en for m in content_client.get(url, {"listed": "yes"}).context["found"].results] == [
        "Salt and Static"
    ]
    for n in range(25):
        f.movie(title=f"Extra {n:02d}", genres=[drama])
    first = content_client.get(url)
    assert first.context["has_next"] and len(first.context["found"].results) == 25
    second = content_client.get(url, {"page": "2"})
    assert len(second.context["found"].results) == 2 and not second.context["has_next"]
    assert content_client.get(url, {"page": "99999999999999999999"}).status_code == 200
    assert content_client.get(url, {"listed": "maybe"}).status_code == 200


def test_a_movie_with_showtimes_is_not_deleted(content_client):
    show = f.showtime()
    response = content_client.post(reverse("backoffice:movie_delete", args=[show.movie_id]), follow=True)
    assert "unlist it instead" in response.content.decode()
    assert Movie.objects.filter(pk=show.movie_id).exists()
    assert not AuditEntry.objects.filter(action="movie.delete").exists()


def test_a_movie_without_showtimes_is_deleted_and_recorded(content_client):
    movie = f.movie(title="Small Hours")
    response = content_client.post(reverse("backoffice:movie_delete", args=[movie.pk]))
    assert response.status_code == 302
    assert not Movie.objects.exists()
    entry = AuditEntry.objects.get(action="movie.delete")
    assert (entry.target_label, entry.actor.username) == ("Small Hours (2024)", "vira")


def test_genres_add_rename_and_delete_in_both_languages(content_client):
    AuditEntry.objects.all().delete()
    url = reverse("backoffice:genres")
    response = content_client.post(url, {"new-name_en": "Western", "new-name_uk": "Вестерн"})
    assert response.status_code == 302
    genre = Genre.objects.get()
    assert (genre.name_en, genre.name_uk) == ("Western", "Вестерн")
    response = content_client.post(url, {"new-name_en": "western", "new-name_uk": ""})
    assert response.status_code == 422
    assert response.context["new_form"].errors["name_en"] == ["A genre with this name exists."]
    response = content_client.post(url, {"new-name_en": "", "new-name_uk": "вестерн"})
    assert response.status_code == 422
    assert response.context["new_form"].errors["name_uk"] == ["A genre with this name exists."]
    prefix = f"g{genre.pk}"
    edit = reverse("backoffice:genre", args=[genre.pk])
    assert (
        content_client.post(edit, {f"{prefix}-name_en": "Westerns", f"{prefix}-name_uk": "Вестерн"}).status_code == 302
    )
    genre.refresh_from_db()
    assert genre.name_en == "Westerns"
    assert content_client.post(edit, {f"{prefix}-name_en": "", f"{prefix}-name_uk": ""}).status_code == 422
    assert content_client.post(reverse("backoffice:genre_delete", args=[genre.pk])).status_code == 302
    assert not Genre.objects.exists()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "changes"))
    assert actions == [
        ("genre.create", {"name_en": [None, "Western"], "name_uk": [None, "Вестерн"]}),
        ("genre.update", {"name_en": ["Western", "Westerns"]}),
        ("genre.delete", {"name_en": ["Westerns", None], "name_uk": ["Вестерн", None]}),
    ]
    assert {e.actor.username for e in AuditEntry.objects.all()} == {"vira"}


def test_a_genre_that_is_a_movies_only_one_stays(content_client):
    drama = f.genre("Drama")
    f.movie(title="Steel Choir", genres=[drama])
    response = content_client.post(reverse("backoffice:genre_delete", args=[drama.pk]), follow=True)
    assert "Steel Choir" in response.content.decode()
    assert Genre.objects.filter(pk=drama.pk).exists()


def test_box_office_may_not_open_the_movie_pages(box_client):
    movie = f.movie()
    for url in (
        reverse("backoffice:movies"),
        reverse("backoffice:movie_new"),
        reverse("backoffice:movie", args=[movie.pk]),
        reverse("backoffice:genres"),
    ):
        assert box_client.get(url).status_code == 403
    assert box_client.post(reverse("backoffice:movie_delete", args=[movie.pk])).status_code == 403
    assert Movie.objects.filter(pk=movie.pk).exists()


def test_anonymous_visitors_go_to_the_login(anon_client):
    response = anon_client.get(reverse("backoffice:movies"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_content_role_sees_only_the_movie_pages(content_client):
    assert content_client.get(reverse("backoffice:tariffs")).status_code == 403
    assert content_client.get(reverse("backoffice:bookings")).status_code == 403
    page = content_client.get(reverse("backoffice:dashboard"))
    assert reverse("backoffice:movies") in page.content.decode()


def test_admin_may_use_the_movie_pages(admin_client):
    assert admin_client.get(reverse("backoffice:movies")).status_code == 200
    assert admin_client.get(reverse("backoffice:genres")).status_code == 200


def test_unknown_ids_are_not_found(content_client):
    assert content_client.get(reverse("backoffice:movie", args=[424242])).status_code == 404
    assert content_client.get("/staff/movies/99999999999999999999/").status_code == 404
    assert content_client.post("/staff/genres/99999999999999999999/delete/").status_code == 404
    assert content_client.post(reverse("backoffice:genre", args=[424242]), {}).status_code in (404, 422)
