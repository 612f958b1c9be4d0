"""Try suggested codes from the command line, with the demo study's model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from verbindend.analysis.models import ModelStatus, SuggestionModel
from verbindend.analysis.suggest import services
from verbindend.core.demo import DEMO_STUDY_SLUG
from verbindend.studies.models import Study


class Command(BaseCommand):
    help = "Print the codes suggested for a piece of text, with their confidence (demo study)."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--text", help="the text to code")
        source.add_argument("--file", type=Path, help="a UTF-8 text file to code")
        parser.add_argument("--unit", choices=["sentence", "paragraph"], default="sentence")
        parser.add_argument("--study", default=DEMO_STUDY_SLUG, help="slug of the study")
        parser.add_argument("--language", default="en", choices=["nl", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        study = Study.objects.filter(slug=options["study"]).first()
        if study is None:
            raise CommandError(
                f"There is no study '{options['study']}'. Load the demo first: "
                "python manage.py load_demo"
            )
        if options["file"] is not None:
            try:
                text = options["file"].read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {options['file']}: {error}") from None
        else:
            text = options["text"]
        if not text.strip():
            raise CommandError("Give some text to code.")
        row = SuggestionModel.objects.filter(study=study).first()
        if row is None or row.status != ModelStatus.READY:
            self.stderr.write("Training the study's model first…")
            services.train(study)
        with translation.override(options["language"]):
            results = services.suggest_text(study, text, options["unit"])
            for seg, picks in results:
                self.stdout.write(f"“{seg.text}”")
                if not picks:
                    self.stdout.write("  (no suggestion)")
                for code, confidence, source in picks:
                    self.stdout.write(f"  {confidence:.2f}  {code.label}  [{source}]")
