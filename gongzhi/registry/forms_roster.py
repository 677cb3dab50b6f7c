"""The roster upload form: an .xlsx file of at most 20 MB."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .roster import XLSX_CONTENT_TYPE

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Every .xlsx is a zip archive; anything else (an old .xls, a CSV renamed) is refused early.
ZIP_MAGIC = b"PK\x03\x04"


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        help_text=_("Excel .xlsx, at most 20 MB. Start from the template."),
        error_messages={"required": _("Choose an Excel file to upload.")},
        widget=forms.FileInput(attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("Upload an Excel .xlsx file; save older .xls or .csv files as .xlsx first."),
                code="extension",
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files."),
                code="size",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_UPLOAD_BYTES),
                },
            )
        upload.seek(0)
        head = upload.read(len(ZIP_MAGIC))
        upload.seek(0)
        if head != ZIP_MAGIC:
            raise forms.ValidationError(
                _("This is not an Excel .xlsx file, or the file is damaged."), code="content"
            )
        return upload
