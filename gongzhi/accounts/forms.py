from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from .backends import AccountLocked


class PhoneLoginForm(AuthenticationForm):
    """Log in with a mobile number; a locked account is told when it opens again."""

    username = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "tel"}
        ),
    )
    error_messages = {
        "invalid_login": _("Wrong mobile number or password."),
        "inactive": _("This account is disabled."),
        "locked": _("Too many wrong passwords. Try again after %(until)s."),
    }

    def clean(self):
        phone = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if phone and password:
            try:
                self.user_cache = authenticate(self.request, phone=phone, password=password)
            except AccountLocked as locked:
                until = time_format(timezone.localtime(locked.until), "H:i")
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"until": until}
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
