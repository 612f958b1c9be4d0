from django.apps import AppConfig


class ResearchConfig(AppConfig):
    """The research team's shared ground: glossary, literature, the guidance committee's voice."""

    name = "verbindend.research"
    label = "research"

    def ready(self) -> None:
        from verbindend.core import overview
        from verbindend.research import comments

        overview.register("research.open_comments", comments.overview_panel)
