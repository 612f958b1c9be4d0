"""Texts of Django itself that its Dutch catalogue does not translate (yet).

Listing them here puts them in our own catalogue, which Django consults before its own, so a
Dutch page never shows an English form widget label.
"""

from django.utils.translation import gettext_lazy as _

#: Django 6.1's first option of a select box for an optional choice field.
BLANK_CHOICE_LABEL = _("- Select an option -")
