"""The first published version of each purpose's consent text (later versions are added, never edited)."""

from datetime import date

from django.db import migrations

TEXTS = {
    "participation": (
        "Je doet mee aan de leeractiviteiten van het netwerk: sessies, de scan, de tijdlijn en "
        "het leerlogboek. Wat je bijdraagt, zien de andere deelnemers van het netwerk. Je kunt "
        "je toestemming altijd intrekken en je gegevens laten wissen.",
        "You take part in the network's learning activities: sessions, the scan, the history "
        "line and the learning log. What you contribute is seen by the network's other "
        "participants. You can withdraw your consent and have your data erased at any time.",
    ),
    "research": (
        "Onderzoekers van een studie waaraan het netwerk meewerkt, mogen je bijdragen lezen, "
        "coderen en analyseren. In hun verslag verschijn je nooit met je naam. Trek je je "
        "toestemming in, dan gebruiken ze je bijdragen niet langer in nieuwe analyses.",
        "Researchers of a study the network takes part in may read, code and analyse your "
        "contributions. Their reports never show your name. If you withdraw your consent, they "
        "no longer use your contributions in new analyses.",
    ),
    "recording": (
        "Het interview wordt opgenomen en uitgetypt. De opname dient alleen om het uit te "
        "typen en wordt daarna verwijderd; de uitgetypte tekst blijft bij de studie.",
        "The interview is recorded and transcribed. The recording serves only to transcribe it "
        "and is deleted afterwards; the transcript stays with the study.",
    ),
    "quoting": (
        "Korte stukken uit wat je zei, mogen letterlijk in rapporten staan, onder een "
        "schuilnaam en zonder iets dat naar jou of je organisatie wijst. Laat je je gegevens "
        "wissen, dan blijven zulke stukken alleen onder die schuilnaam bewaard.",
        "Short passages of what you said may be quoted word for word in reports, under a "
        "pseudonym and without anything that points to you or your organisation. If you have "
        "your data erased, such passages are kept only under that pseudonym.",
    ),
}


def add(apps, schema_editor):
    ConsentText = apps.get_model("privacy", "ConsentText")
    for purpose, (nl, en) in TEXTS.items():
        ConsentText.objects.get_or_create(
            purpose=purpose,
            version="2026.1",
            defaults={"text_nl": nl, "text_en": en, "published_on": date(2026, 1, 1)},
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_rights")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
