"""Form rendering shared by every form: labelled fields with help and errors tied to them."""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    form_template_name = "core/form.html"
    field_template_name = "core/field.html"
