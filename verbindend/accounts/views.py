from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from verbindend.accounts import services
from verbindend.accounts.forms import NewAccountForm, ProfileForm, TokenForm
from verbindend.accounts.models import Invitation, User
from verbindend.core import nextpage, throttle

PENDING = "verbindend_pending_2fa"
SETUP_KEY = "verbindend_2fa_setup_key"


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    return nextpage.safe_next(request, candidate) or reverse("core:dashboard")


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Password first; a second step asks for the code when the user has an authenticator."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if _confirmed_device(user):
            self.request.session[PENDING] = {"user": user.pk, "next": self.get_success_url()}
            return redirect("accounts:twofactor_verify")
        auth_login(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """What django-axes shows while an address and account name are locked out."""
    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME or 0) * 60))
    context = {"lockout_minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Reset mails are limited per address and per email, so the form cannot flood an inbox."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allowed = settings.PASSWORD_RESETS_PER_HOUR
        throttle.limit("password_reset", throttle.client_address(request), allowed)
        email = str(request.POST.get("email", ""))[:254].strip().casefold()
        if email:
            throttle.limit("password_reset", "email:" + email, allowed)
        return super().post(request, *args, **kwargs)


@login_not_required
@require_http_methods(["GET", "POST"])
def twofactor_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            del request.session[PENDING]
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return redirect(_safe_next(request, pending.get("next")))
        form.add_error("token", _("This code is not right. Try the newest code."))
    return render(request, "accounts/twofactor_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def twofactor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if _confirmed_device(user):  # type: ignore[arg-type]
        messages.info(request, _("Two-factor login is already on."))
        return redirect("accounts:profile")
    # the secret waits in the session until a POST stores it: showing the QR code writes nothing
    key = request.session.setdefault(SETUP_KEY, random_hex(20))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None and request.method == "POST":
        device = services.start_two_factor(user=user, key=key)  # type: ignore[arg-type]
    if device is None:
        device = TOTPDevice(user=user, key=key, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.pop(SETUP_KEY, None)
            otp_login(request, device)
            messages.success(request, _("Two-factor login is on."))
            return redirect("accounts:profile")
        form.add_error("token", _("This code is not right. Check the time on your phone."))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1b2a30")
    return render(
        request,
        "accounts/twofactor_setup.html",
        {
            "form": form,
            "qr_svg": qr,
            "secret": device.bin_key.hex(),
            "required": request.GET.get("required") == "1",
        },
    )


@require_http_methods(["POST"])
def twofactor_disable(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    from verbindend.core import policy

    if settings.REQUIRE_2FA_FOR and policy.has_role_anywhere(
        request.user, settings.REQUIRE_2FA_FOR
    ):
        messages.error(request, _("This site requires two-factor login for your role."))
        return redirect("accounts:profile")
    form = TokenForm(request.POST)
    if form.is_valid() and match_token(request.user, form.cleaned_data["token"]):
        TOTPDevice.objects.filter(user=request.user).delete()
        messages.success(request, _("Two-factor login is off."))
    else:
        messages.error(request, _("Give a current code to switch two-factor login off."))
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "has_2fa": _confirmed_device(request.user) is not None,  # type: ignore[arg-type]
            "token_form": TokenForm(),
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("network", "study"), token=token
    )
    if not invitation.is_usable:
        return render(request, "accounts/invitation_unusable.html", status=410)
    user = request.user if request.user.is_authenticated else None
    if user is not None and not invitation.is_for(user):
        return render(
            request,
            "accounts/invitation_other_address.html",
            {"invitation": invitation},
            status=403,
        )
    existing_account = User.objects.filter(username__iexact=invitation.email).exists()
    form = (
        None
        if user or existing_account
        else NewAccountForm(request.POST or None, email=invitation.email)
    )
    if request.method == "POST":
        if user is not None:
            services.accept_invitation(invitation=invitation, user=user)
        elif form is not None and form.is_valid():
            with transaction.atomic():
                user = services.accept_invitation(
                    invitation=invitation,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                )
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user is not None:
            messages.success(request, _("Welcome! Your invitation was accepted."))
            scope = invitation.network or invitation.study
            return redirect(scope.get_absolute_url())  # type: ignore[union-attr]
    return render(
        request,
        "accounts/accept.html",
        {"invitation": invitation, "form": form, "existing_account": existing_account},
    )
