"""What every Marquee admin page shares: it writes through the domain services.

The admin's own save and delete would write rows past the rules (overlapping showtimes,
a movie without a genre, a hall whose capacity lies). So each admin here names a service
for saving and one for deleting, and:

* the form's `clean()` runs the save service in a savepoint that is then rolled back, so
  whatever the service refuses appears on the form, against the field it concerns, and
  nothing is written;
* `save_model` runs the service for real (the admin's request is one transaction, so on
  SQLite nothing can change in between; on PostgreSQL a concurrent writer could, and then
  the service's refusal rolls the request back and comes back as a message);
* deleting goes through the delete service, and a refusal is a message, not a 500;
* the signed-in user reaches the services as `staff_user` (the audit's actor): on a save
  as `form.staff_user`, on a delete as `service_delete(obj, staff_user=...)`.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from marquee.core.errors import DomainError, in_language


class _DryRun(Exception):
    """Raised to roll back the savepoint of a trial save."""


def add_domain_error(form: forms.BaseForm, error: DomainError, field_map: Mapping[str, str] = {}) -> None:
    """Show a service's refusal on the form: field messages on their fields, the detail on top."""
    for key, field_messages in (error.fields or {}).items():
        name = field_map.get(key, key)
        target = name if name in form.fields else None
        for message in field_messages:
            if message != error.detail:
                form.add_error(target, in_language(message))
    form.add_error(None, in_language(error.detail))


class ServiceModelForm(forms.ModelForm):
    # Set on each form class by ServiceAdmin.get_form.
    service_admin: ClassVar["ServiceAdmin | None"] = None
    staff_user: ClassVar[Any] = None  # the signed-in user, who the services record as the actor

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        service_admin = type(self).service_admin
        if self.errors or service_admin is None:
            return cleaned
        try:
            with transaction.atomic():
                service_admin.service_save(self)
                raise _DryRun
        except _DryRun:
            pass
        except DomainError as error:
            add_domain_error(self, service_admin.describe_error(error), service_admin.service_field_map)
        return cleaned


class ServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes are the domain services'."""

    form = ServiceModelForm
    # The service's field names (in DomainError.fields) → the form's.
    service_field_map: ClassVar[dict[str, str]] = {}

    def service_save(self, form: Any) -> models.Model:
        """Create (form.instance.pk is None) or change the object from form.cleaned_data,
        passing `staff_user=form.staff_user` to the service."""
        raise NotImplementedError

    def service_delete(self, obj: Any, *, staff_user: Any = None) -> str | None:
        """Delete through the service as `staff_user`; a returned string is shown as a message."""
        raise NotImplementedError

    def describe_error(self, error: DomainError) -> DomainError:
        """A chance to make the service's message more specific (naming conflicts, say)."""
        return error

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        if issubclass(form_class, ServiceModelForm):
            form_class.service_admin = self  # a fresh class per call: nothing is shared
            form_class.staff_user = request.user
        return form_class

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = self.service_save(form)
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service wrote the many-to-many relations; inlines here are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        note = self.service_delete(obj, staff_user=request.user)
        if note:
            self.message_user(request, note, messages.WARNING)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # All or nothing: a refusal rolls back the deletions before it (see changelist_view).
        for obj in queryset:
            self.delete_model(request, obj)

    def _refused(self, request: HttpRequest, error: DomainError, url: str) -> HttpResponse:
        self.message_user(request, in_language(error.detail), messages.ERROR)
        return HttpResponseRedirect(url)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:  # a concurrent writer got there between the check and the save
            return self._refused(request, error, request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            return self._refused(request, error, request.get_full_path().rsplit("delete/", 1)[0])

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        try:
            # One transaction, so a refused bulk delete leaves no half-deletion or log entries.
            with transaction.atomic():
                return super().changelist_view(request, extra_context)
        except DomainError as error:
            return self._refused(request, error, request.get_full_path())


class ReadOnlyInline(admin.TabularInline):
    """Shows related rows on the parent's page; they change through their own services."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
