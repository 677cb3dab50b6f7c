"""Log in and out, change password, manage API tokens."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.audit import record

from . import services
from .forms import ApiTokenForm, PhoneLoginForm
from .models import ApiToken


class LoginView(auth_views.LoginView):
    form_class = PhoneLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(actor=self.request.user, action="user.password_change", target=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
def api_tokens(request):
    """List the user's tokens and create a new one; the raw value is shown once."""
    form = ApiTokenForm(request.POST or None)
    new_raw = None
    if request.method == "POST" and form.is_valid():
        _token, new_raw = services.create_api_token(
            user=request.user, name=form.cleaned_data["name"]
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_raw": new_raw}
    )


@login_required
@require_POST
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_api_token(token=token, actor=request.user)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:api-tokens")
