from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbindend.core import policy
from verbindend.networks.models import Network, Person
from verbindend.privacy import services
from verbindend.privacy.forms import ConsentForm
from verbindend.privacy.models import ConsentRecord


@require_POST
def consent_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = policy.fetch(request.user, Network.objects.all(), "network.view", slug=slug)
    person = policy.fetch(
        request.user, Person.objects.filter(network=network), "people.change", pk=pk
    )
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.record_consent(person=person, form=form)
        messages.success(request, _("The consent was recorded."))
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("The consent was not recorded: %(errors)s") % {"errors": errors})
    return redirect("networks:person_edit", slug=network.slug, pk=person.pk)


@require_POST
def consent_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = policy.fetch(request.user, Network.objects.all(), "network.view", slug=slug)
    record = policy.fetch(
        request.user,
        ConsentRecord.objects.filter(person__network=network).select_related("person"),
        "people.change",
        pk=pk,
    )
    services.withdraw_consent(record=record)
    messages.success(request, _("The consent was withdrawn."))
    return redirect("networks:person_edit", slug=network.slug, pk=record.person.pk)
