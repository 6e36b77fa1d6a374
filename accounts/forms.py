"""The second-factor forms: a code from the authenticator app, or a recovery code."""

from django import forms

from accounts import second_factor


class SecondFactorForm(forms.Form):
    """One field named like django-otp's (`otp_token`): six digits, or a recovery code when
    `recovery` is allowed. The shape is checked here; whether it matches is the device's say."""

    otp_token = forms.CharField(label="Code", max_length=32, strip=True)

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery = recovery

    def clean_otp_token(self) -> str:
        code = self.cleaned_data["otp_token"]
        shape_ok = (
            second_factor.looks_like_code(code)
            if self.recovery
            else second_factor.looks_like_authenticator_code(code)
        )
        if not shape_ok:
            raise forms.ValidationError(
                "Type the six digits your authenticator app shows now"
                + (", or one of your recovery codes." if self.recovery else "."),
                code="shape",
            )
        return code
