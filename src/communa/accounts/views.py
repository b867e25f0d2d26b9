"""Account pages: sign-up, log-in, log-out, profile, passwords and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts import actions, forms
from communa.accounts.http import AuthedRequest
from communa.accounts.selectors import notifications_page, tokens_of
from communa.core.errors import DomainError, NotFound
from communa.core.forms import CursorForm
from communa.core.http import client_ip
from communa.core.pagination import next_page_link
from communa.core.web import show_error_on_form

BACKEND = "communa.accounts.backends.CaseInsensitiveModelBackend"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = forms.SignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = actions.register_user(
                    username=form.cleaned_data["username"],
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    display_name=form.cleaned_data["display_name"],
                    language=request.LANGUAGE_CODE,
                    ip=client_ip(request),
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                login(request, user, backend=BACKEND)
                messages.success(
                    request, _("Welcome to Communa, %(name)s!") % {"name": user.shown_name}
                )
                return redirect("accounts:profile")
        else:
            status = 400
    return render(request, "accounts/signup.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def log_in(request: HttpRequest) -> HttpResponse:
    """Log in with a username or e-mail address."""
    form = forms.LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = actions.authenticate_user(
                    request=request,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    ip=client_ip(request),
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                login(request, user)
                return HttpResponseRedirect(_next_url(request))
        else:
            status = 400
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@require_POST
def log_out(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, so a link on another site cannot do it)."""
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("web:home")


def _profile_page(
    request: AuthedRequest,
    *,
    profile_form: forms.ProfileForm | None = None,
    avatar_form: forms.AvatarForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    initial = {
        "display_name": user.display_name,
        "gender": user.gender,
        "birth_year": user.birth_year,
        "city": user.city,
        "country": str(user.country or ""),
        "language": user.language,
        "time_zone": user.time_zone,
    }
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form or forms.ProfileForm(initial=initial),
            "avatar_form": avatar_form or forms.AvatarForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest) -> HttpResponse:
    """See and edit one's profile."""
    if request.method == "GET":
        return _profile_page(request)
    form = forms.ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, profile_form=form, status=400)
    try:
        actions.update_profile(actor=request.user, user=request.user, changes=form.cleaned_data)
    except DomainError as exc:
        return _profile_page(request, profile_form=form, status=show_error_on_form(form, exc))
    response = redirect("accounts:profile")
    if form.cleaned_data["language"]:
        # The profile language becomes the interface language right away.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.cleaned_data["language"],
            samesite="Lax",
            max_age=365 * 24 * 3600,
        )
    messages.success(request, _("Your profile has been saved."))
    return response


@login_required
@require_POST
def avatar(request: AuthedRequest) -> HttpResponse:
    """Upload or remove the avatar."""
    if request.POST.get("remove"):
        actions.remove_avatar(actor=request.user, user=request.user)
        messages.success(request, _("Your avatar has been removed."))
        return redirect("accounts:profile")
    form = forms.AvatarForm(request.POST, request.FILES)
    if not form.is_valid():
        return _profile_page(request, avatar_form=form, status=400)
    try:
        actions.set_avatar(
            actor=request.user, user=request.user, upload=form.cleaned_data["avatar"]
        )
    except DomainError as exc:
        return _profile_page(request, avatar_form=form, status=show_error_on_form(form, exc))
    messages.success(request, _("Your avatar has been updated."))
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    """Change one's password."""
    form = forms.PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.change_password(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                update_session_auth_hash(request, request.user)
                messages.success(request, _("Your password has been changed."))
                return redirect("accounts:profile")
        else:
            status = 400
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a password reset link by e-mail."""
    form = forms.PasswordResetForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.request_password_reset(
                    email=form.cleaned_data["email"],
                    ip=client_ip(request),
                    build_link=lambda uid, token: request.build_absolute_uri(
                        reverse("accounts:password_reset_confirm", args=[uid, token])
                    ),
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                return redirect("accounts:password_reset_sent")
        else:
            status = 400
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    """Tell the person to look in their mailbox."""
    return render(request, "accounts/password_reset_sent.html")


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Set a new password from the mailed link."""
    try:
        actions.user_for_reset(uidb64=uidb64, token=token)
    except NotFound as exc:
        return render(
            request, "accounts/password_reset_confirm.html", {"invalid": exc.message}, status=404
        )
    form = forms.SetPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.reset_password(uidb64=uidb64, token=token, **form.cleaned_data)
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Your password has been set. You can log in now."))
                return redirect("accounts:login")
        else:
            status = 400
    return render(request, "accounts/password_reset_confirm.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthedRequest) -> HttpResponse:
    """List, create and revoke personal access tokens."""
    form = forms.TokenForm(request.POST or None)
    status, new_token = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, new_token = actions.create_access_token(
                    actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                form = forms.TokenForm()
        else:
            status = 400
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": tokens_of(request.user),
            "new_token": new_token,
        },
        status=status,
    )


@login_required
@require_POST
def revoke_token(request: AuthedRequest, token_id: int) -> HttpResponse:
    """Revoke one of one's tokens."""
    try:
        token = actions.revoke_access_token(actor=request.user, token_id=token_id)
    except NotFound as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The token “%(name)s” has been revoked.") % {"name": token.name}
        )
    return redirect("accounts:tokens")


# --- notifications -------------------------------------------------------------------------------


@login_required
@require_GET
def notifications(request: AuthedRequest) -> HttpResponse:
    """My notifications, newest first, a page at a time."""
    form = CursorForm(request.GET)
    if not form.is_valid():
        return render(
            request, "accounts/notifications.html", {"form": form, "items": []}, status=400
        )
    try:
        page = notifications_page(request.user, cursor=form.cleaned_data["cursor"] or None)
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return render(
            request, "accounts/notifications.html", {"form": form, "items": []}, status=status
        )
    return render(
        request,
        "accounts/notifications.html",
        {"items": page.items, "next_link": next_page_link(request, page.next_cursor)},
    )


MENU_SIZE = 5


@login_required
@require_GET
def notifications_menu(request: AuthedRequest) -> HttpResponse:
    """The top bar's menu: my latest notifications (loaded when the menu is opened)."""
    page = notifications_page(request.user, limit=MENU_SIZE)
    return render(request, "accounts/_notifications_menu.html", {"items": page.items})


@login_required
@require_GET
def open_notification(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Follow a notification to what it is about, marking it read on the way."""
    found = request.user.notifications.filter(pk=notification_id).first()
    if found is None:
        raise Http404
    actions.mark_notifications_read(actor=request.user, ids=[found.pk])
    target = found.url
    if not target or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        target = reverse("accounts:notifications")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def read_notifications(request: AuthedRequest) -> HttpResponse:
    """Mark all my notifications read."""
    marked = actions.mark_notifications_read(actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(n)d notification marked as read.", "%(n)d notifications marked as read.", marked
        )
        % {"n": marked},
    )
    return redirect("accounts:notifications")
