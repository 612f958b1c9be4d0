"""Form rendering shared by every form: labelled fields with help and errors tied to them.

The project's own template engine renders the forms (Django's ``TemplatesSetting``), so this
app's templates can replace a widget's: ``core/templates/django/forms/widgets/select.html``
writes a select's options in one template instead of two includes per option.
"""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "core/form.html"
    field_template_name = "core/field.html"
