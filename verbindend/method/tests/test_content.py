"""Tests of the method content and its loader: no database needed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation

from verbindend.method import content
from verbindend.method.content import ContentError, UnknownField, UnknownKey

#: The one key this file uses on purpose although it does not exist.
MISSING_KEY = "principle.p9"

THIS_FILE = Path(__file__).resolve()
PROJECT_PACKAGE = THIS_FILE.parents[2]  # .../verbindend

# Keys the brief for the method asks for by name.
REQUIRED_KEYS = [
    "meta",
    "concept.learning",
    "concept.collective_learning",
    "condition.learned",
    "condition.shared",
    "condition.collective_behaviour",
    "condition.anchored",
    "level.individual",
    "level.organisation",
    "level.network",
    "carrier.people",
    "carrier.technical_systems",
    "carrier.management_system",
    "knowledge.dossier",
    "knowledge.intervention",
    "knowledge.social",
    "knowledge.meta",
    "question.research.r1",
    "question.research.r2",
    "question.development.learning_culture",
    "question.development.learning_goals",
    "question.development.steering",
    "question.development.conditions",
    "question.development.means",
    "step.preparation",
    "step.documents",
    "step.interviews",
    "step.focus_groups",
    "step.cross_network",
    "step.analysis",
    "role.guidance_committee",
    "case_criterion.durability",
    "case_criterion.goal_origin",
    "case_criterion.governance_form",
    "case_criterion.sector",
    "case_criterion.scale",
    "case_criterion.life_phase",
    "case_criterion.openness",
    "respondent_criterion.trekker_follower",
    "respondent_criterion.professional_volunteer",
    "respondent_criterion.gender",
    "respondent_criterion.tenure",
    "respondent_criterion.experiences",
    "respondent_criterion.reflective",
    "governance.participant_governed",
    "governance.lead_organisation",
    "governance.administrative_organisation",
    "goal_origin.voluntary",
    "goal_origin.mandated",
    "scale.local",
    "scale.regional",
    "scale.flemish",
    "scale.national",
    "scale.international",
    "phase.starting",
    "phase.growing",
    "phase.mature",
    "phase.renewing",
    "phase.ending",
    "interview.levels",
    "interview.knowledge",
    "interview.history_line",
    "exercise.history_line",
    "exercise.history_line.q_peaks",
    "exercise.history_line.q_valleys",
    "exercise.history_line.q_red_thread",
    "insight.change_before_learning",
    "approach.appreciative",
    "exercise.appreciative",
    "exercise.sentence_completion",
    "exercise.farewell_letter",
    "exercise.conditions",
    "exercise.think_alone_first",
    "scan.scale.unknown",
    "scan.comment",
    "aid.levels",
    "aid.knowledge_types",
    "aid.carriers",
    "aid.conditions",
    "aid.principles",
    "aid.history_line_frame",
]


# -- completeness and faithfulness of the content -------------------------------------------------


def test_required_keys_exist() -> None:
    missing = [key for key in REQUIRED_KEYS if not content.exists(key)]
    assert not missing


def test_every_text_field_has_both_languages_and_is_not_empty() -> None:
    for key in content.all_keys():
        node = content.get(key)
        for field_name, values in node.texts.items():
            assert set(values) == {"nl", "en"}, (key, field_name)
            for lang in ("nl", "en"):
                assert values[lang].strip(), (key, field_name, lang)
                assert node.text(field_name, lang) == values[lang]


def test_dutch_and_english_differ() -> None:
    # a cheap guard against a text pasted into both languages
    same = [
        (key, f)
        for key in content.all_keys()
        for f, values in content.get(key).texts.items()
        if values["nl"] == values["en"] and len(values["nl"]) > 12
    ]
    assert not same


def test_meta_version_and_credit() -> None:
    assert re.fullmatch(r"\d{4}\.\d+", content.version())
    for lang in ("nl", "en"):
        text = content.credit(lang)
        for name in ("Opstaele", "Bonne", "Naert", "Arteveldehogeschool", "PRONET", "PWO"):
            assert name in text, (lang, name)
        assert "Verbindend leren" in text


@pytest.mark.parametrize(
    ("principle", "reflections"), [("p1", 8), ("p2", 7), ("p3", 7), ("p4", 5), ("p5", 5)]
)
def test_principles_and_their_reflection_items(principle: str, reflections: int) -> None:
    node = content.get(f"principle.{principle}")
    assert node.kind == "principle"
    assert node.title and node.summary and node.body
    items = node.children("reflection")
    assert len(items) >= reflections
    assert [r.key for r in items][:reflections] == [
        f"principle.{principle}.r{i}" for i in range(1, reflections + 1)
    ]
    assert all(r.has("question") for r in items)
    suggestion = content.get(f"principle.{principle}.exercise")
    assert suggestion.kind == "exercise_suggestion"
    assert suggestion.refs("exercises")
    assert all(e.kind in {"exercise", "exercise_pattern"} for e in suggestion.refs("exercises"))


def test_five_principles_in_order() -> None:
    assert [p.key for p in content.of_kind("principle")] == [f"principle.p{i}" for i in range(1, 6)]


def test_every_reflection_item_has_exactly_one_scan_statement() -> None:
    items = content.of_kind("scan_item")
    by_reflection: dict[str, list[str]] = {}
    for item in items:
        assert item.has("statement"), item.key
        (reflection,) = item.refs("reflection")
        by_reflection.setdefault(reflection.key, []).append(item.key)
        # scan.pN.sM belongs to principle.pN and its section points to that principle
        section = item.parent
        assert section is not None and section.kind == "scan_section"
        (principle,) = section.refs("principle")
        assert reflection.parent == principle, item.key
    for reflection in content.of_kind("reflection"):
        assert len(by_reflection.get(reflection.key, [])) == 1, reflection.key


def test_scan_scale() -> None:
    points = content.get("scan.scale").children("scan_scale_point")
    assert [p.key for p in points] == [f"scan.scale.{i}" for i in range(1, 6)] + [
        "scan.scale.unknown"
    ]
    assert [p.attrs.get("value") for p in points] == [1, 2, 3, 4, 5, None]
    assert all(p.has("label") for p in points)
    assert content.get("scan.comment").has("label")


def test_four_cumulative_conditions_in_order() -> None:
    conditions = content.of_kind("condition")
    assert [c.key for c in conditions] == [
        "condition.learned",
        "condition.shared",
        "condition.collective_behaviour",
        "condition.anchored",
    ]
    assert [c.order for c in conditions] == [1, 2, 3, 4]
    assert all(
        c.refs("concept") == [content.get("concept.collective_learning")] for c in conditions
    )


def test_six_research_steps_in_order() -> None:
    steps = content.of_kind("research_step")
    assert [s.key for s in steps] == [
        "step.preparation",
        "step.documents",
        "step.interviews",
        "step.focus_groups",
        "step.cross_network",
        "step.analysis",
    ]
    assert [s.order for s in steps] == [1, 2, 3, 4, 5, 6]


def test_three_levels_three_carriers_four_knowledge_types() -> None:
    assert [n.key.split(".")[1] for n in content.of_kind("level")] == [
        "individual",
        "organisation",
        "network",
    ]
    assert len(content.of_kind("carrier")) == 3
    types = content.of_kind("knowledge_type")
    assert len(types) == 4
    assert all(t.origin == "ours" for t in types)  # the report only names them


@pytest.mark.parametrize(
    ("family", "count"),
    [
        ("finding.individual", 6),
        ("finding.group_behaviour", 11),
        ("finding.condition_group", 9),
        ("finding.condition_individual", 8),
        ("finding.learning_culture", 7),
    ],
)
def test_findings_lists(family: str, count: int) -> None:
    items = content.get(family).children("finding")
    assert len(items) == count
    assert [i.order for i in items] == list(range(1, count + 1))
    assert all(i.has("label") for i in items)


def test_interview_themes_and_exercise_questions() -> None:
    assert len(content.get("interview.levels").children("interview_question")) == 4
    assert len(content.get("interview.knowledge").children("interview_question")) == 8
    assert [q.key for q in content.get("exercise.history_line").children()] == [
        "exercise.history_line.q_peaks",
        "exercise.history_line.q_valleys",
        "exercise.history_line.q_red_thread",
    ]
    assert len(content.get("exercise.appreciative").children("exercise_question")) == 3
    assert 2 <= len(content.get("exercise.sentence_completion").children("sentence_stem")) <= 3
    assert content.get("exercise.farewell_letter").attrs["private"] is True


def test_profile_vocabularies() -> None:
    expected = {
        "governance_form": 3,
        "goal_origin": 2,
        "network_scale": 5,
        "life_phase": 5,
    }
    for kind, count in expected.items():
        nodes = content.of_kind(kind)
        assert len(nodes) == count, kind
        assert all(n.title and n.body for n in nodes), kind


def test_aids_have_titles_and_captions() -> None:
    aids = content.of_kind("aid")
    assert len(aids) == 6
    for aid in aids:
        assert aid.has("title") and aid.has("caption") and aid.has("alt"), aid.key
    frame = content.get("aid.history_line_frame")
    assert frame.has("x_axis") and frame.has("y_axis")


def test_all_node_keys_fall_in_the_scanned_families() -> None:
    outside = [k for k in content.all_keys() if k != "meta" and not KEY_LIKE.match(k)]
    assert not outside


# -- the API --------------------------------------------------------------------------------------


def test_get_unknown_key_raises() -> None:
    with pytest.raises(UnknownKey) as info:
        content.get(MISSING_KEY)
    assert isinstance(info.value, KeyError)
    assert MISSING_KEY in str(info.value)
    assert not content.exists(MISSING_KEY)


def test_text_follows_the_active_language() -> None:
    node = content.get("principle.p1")
    with translation.override("en"):
        assert node.title == "Act together"
        assert node.text("title") == node.texts["title"]["en"]
    with translation.override("nl"):
        assert node.title == "Samen doen"
    with translation.override("en-gb"):
        assert node.title == "Act together"
    with translation.override("fr"):  # not a content language: falls back to Dutch
        assert node.title == "Samen doen"
    with translation.override(None):
        assert node.title == "Samen doen"
    assert node.text("title", "en") == "Act together"
    assert node.text("title", "nl_BE") == "Samen doen"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", "Act together"),
        ("EN-us", "Act together"),
        ("en_GB", "Act together"),
        ("nl", "Samen doen"),
        ("nl-be", "Samen doen"),
        ("fr", "Samen doen"),
        ("", "Samen doen"),
        ("e", "Samen doen"),
        ("english", "Samen doen"),
        ("-", "Samen doen"),
    ],
)
def test_language_codes_are_normalised(code: str, expected: str) -> None:
    assert content.get("principle.p1").text("title", code) == expected


def test_missing_fields() -> None:
    node = content.get("principle.p1.r1")
    assert node.title == "" and node.summary == "" and node.body == ""
    assert not node.has("title")
    with pytest.raises(UnknownField):
        node.text("title")


def test_children_parent_and_order() -> None:
    p4 = content.get("principle.p4")
    first = p4.children("reflection")[0]
    assert first.parent == p4
    assert p4.parent is None
    assert content.get("meta").parent is None
    assert [c.kind for c in p4.children()][-1] == "exercise_suggestion"
    keys = [n.key for n in content.of_kind("reflection")]
    assert keys.index("principle.p1.r8") < keys.index("principle.p2.r1")


def test_nodes_are_frozen_and_hashable() -> None:
    node = content.get("level.network")
    with pytest.raises(AttributeError):
        node.kind = "other"  # type: ignore[misc]
    assert {node, content.get("level.network")} == {node}


# -- validation on load ---------------------------------------------------------------------------

META = '["meta"]\nkind = "meta"\nversion = "1"\ncredit = { nl = "n", en = "e" }\n'


def _load(tmp_path: Path, **files: str) -> content.Catalogue:
    (tmp_path / "meta.toml").write_text(META, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return content.load(tmp_path)


def test_load_accepts_a_minimal_catalogue(tmp_path: Path) -> None:
    catalogue = _load(
        tmp_path,
        a='["demo.a"]\nkind = "demo"\norder = 1\ntitle.nl = "A"\ntitle.en = "A!"\n'
        '["demo.a.b"]\nkind = "demo_child"\nsee = ["demo.a"]\n'
        'label = { nl = "b", en = "b!" }\n',
    )
    assert catalogue.version() == "1"
    assert catalogue.get("demo.a").text("title", "en") == "A!"
    assert [c.key for c in catalogue.get("demo.a").children()] == ["demo.a.b"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a": '["demo.a"]\nkind = "demo"\ntitle.nl = "A"\n'}, "lacks 'en'"),
        ({"a": '["demo.a"]\nkind = "demo"\ntitle = { nl = "A", en = " " }\n'}, "is empty"),
        ({"a": '["demo.a"]\ntitle = { nl = "A", en = "B" }\n'}, "'kind' is missing"),
        (
            {"a": '["demo.a"]\nkind = "x"\n', "b": '["demo.a"]\nkind = "x"\n'},
            "duplicate key",
        ),
        ({"a": '["demo.a"]\nkind = "x"\nreflection = "demo.nothing"\n'}, "unknown key"),
        ({"a": '["demo.a"]\nkind = "x"\nreflection = "meta"\n'}, "must point to a reflection"),
        ({"a": '["demo.a.b"]\nkind = "x"\n'}, "parent node 'demo.a' does not exist"),
        ({"a": '[demo.a]\nkind = "x"\n'}, "quote the table name"),
        ({"a": '["demo.a"]\nkind = "x"\ntitel = { nl = "A", en = "B" }\n'}, "not a known text"),
        (
            {"a": '["demo.a"]\nkind = "x"\norder = 1\n["demo.b"]\nkind = "x"\norder = 1\n'},
            "also used by sibling",
        ),
        ({"a": '["demo.a"]\nkind = "x"\norigin = "elsewhere"\n'}, "'origin' must be"),
        ({"a": '["Demo.A"]\nkind = "x"\n'}, "lower-case"),
        ({"a": '["demo.a"\nkind = "x"\n'}, "invalid TOML"),
    ],
)
def test_load_rejects_broken_content(tmp_path: Path, files: dict[str, str], message: str) -> None:
    with pytest.raises(ContentError) as info:
        _load(tmp_path, **files)
    assert message in str(info.value)


def test_load_requires_meta(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('["demo.a"]\nkind = "x"\n', encoding="utf-8")
    with pytest.raises(ContentError, match="meta"):
        content.load(tmp_path)


# -- template tags --------------------------------------------------------------------------------

ENGINE = Engine(libraries={"method_tags": "verbindend.method.templatetags.method_tags"})


def _render(source: str, **context: object) -> str:
    return ENGINE.from_string("{% load method_tags %}" + source).render(Context(context))


def test_method_text_tag() -> None:
    with translation.override("en"):
        assert _render('{% method_text "principle.p3" "title" %}') == content.get(
            "principle.p3"
        ).text("title", "en")
        assert _render('{% method_text key "title" "nl" %}', key="principle.p1") == "Samen doen"
        assert _render('{% method_text "principle.p1" "title" as t %}[{{ t }}]') == (
            "[Act together]"
        )


def test_method_text_escapes() -> None:
    # an apostrophe in the English text is escaped like any other template output
    out = _render('{% method_text "scan.scale.unknown" "label" "en" %}')
    assert out == "Don&#x27;t know / not applicable"


def test_method_node_tag() -> None:
    with translation.override("nl"):
        out = _render(
            '{% method_node "principle.p2" as p %}{{ p.title }}|'
            "{% for r in p.children %}{% if r.kind == 'reflection' %}x{% endif %}{% endfor %}"
        )
    assert out == content.get("principle.p2").text("title", "nl") + "|" + "x" * 7


def test_tags_fail_loudly_on_unknown_keys() -> None:
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string('{% load method_tags %}{% method_text "principle.p0" "title" %}')
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string('{% load method_tags %}{% method_text "principle.p1" "titel" %}')
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string('{% load method_tags %}{% method_node "principle.p0" as p %}')
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string('{% load method_tags %}{% method_node "principle.p1" %}')
    with pytest.raises(UnknownKey):
        _render('{% method_text key "title" %}', key=MISSING_KEY)
    with pytest.raises(UnknownKey):
        _render("{% method_node key as p %}", key=MISSING_KEY)
    with pytest.raises(UnknownKey):
        _render('{% method_text undefined "title" %}')
    with pytest.raises(UnknownField):
        _render('{% method_text "principle.p1" field %}', field="nothing")


# -- every key used in code, templates and drawings exists ---------------------------------------

KEY_LIKE = re.compile(
    r"^(concept|condition|level|carrier|knowledge|question|step|role|case_criterion"
    r"|respondent_criterion|governance|goal_origin|scale|phase|interview|exercise|insight"
    r"|approach|finding|principle|scan|aid|competence|onboarding|guidance)\.[a-z0-9_.]+$"
)
SCANNED_SUFFIXES = {".py", ".html", ".txt", ".svg"}
# Strings of that shape that are not content keys: file names ("step.html"), Django permission
# codes ("scan.view_round") and, in Python, f-string fragments and the arguments of a call to
# something named ...Error or ...Exception (error codes such as "role.unknown"). Such an error
# code is skipped everywhere else too (a template or a test that checks for "scan.closed"). A
# line containing IGNORE_MARKER is skipped too.
FILE_SUFFIXES = {"py", "html", "txt", "svg", "css", "js", "json", "toml", "md", "csv", "pdf"}
FILE_SUFFIXES |= {"docx", "doc", "odt", "rtf", "xlsx", "xml", "qdpx", "qdc", "zip", "png", "jpg"}
PERMISSION = re.compile(r"^[a-z_]+\.(add|change|delete|view)_[a-z0-9_]+$")
IGNORE_MARKER = "method-key: ignore"
# Tests use made-up keys on purpose (and a wrong real-looking key fails its own test).
SKIPPED_DIRS = {"migrations", "__pycache__", "node_modules", "locale", "tests"}
# In templates, error codes are compared, e.g. {% if error.code == "scan.closed" %}.
ERROR_CODE_BEFORE = re.compile(r"code\s*(==|=)\s*$")
QUOTED = (re.compile(r'"([^"\n]*)"'), re.compile(r"'([^'\n]*)'"))


def _error_arguments(tree: ast.AST) -> list[ast.expr]:
    """The positional arguments of every call to something named ...Error or ...Exception."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name.endswith(("Error", "Exception")):
                found.extend(node.args)
    return found


def _error_codes() -> set[str]:
    """Every string the project's code raises as an error code (not counting its tests)."""
    codes: set[str] = set()
    for path in PROJECT_PACKAGE.rglob("*.py"):
        parts = path.relative_to(PROJECT_PACKAGE).parts
        if SKIPPED_DIRS.intersection(parts) or "tests" in parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        for arg in _error_arguments(tree):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes.add(arg.value)
    return codes


def _python_strings(source: str) -> list[tuple[int, str]]:
    """Whole string literals; not f-string fragments, nor codes given to an ...Error(...)."""
    tree = ast.parse(source)
    skipped: set[int] = {id(arg) for arg in _error_arguments(tree)}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skipped.update(id(part) for part in node.values)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
    ]


def _quoted_strings(source: str) -> list[tuple[int, str]]:
    found = []
    for pattern in QUOTED:
        for match in pattern.finditer(source):
            line_start = source.rfind("\n", 0, match.start()) + 1
            if ERROR_CODE_BEFORE.search(source[line_start : match.start()]):
                continue
            found.append((source.count("\n", 0, match.start()) + 1, match.group(1)))
    return found


def _key_like_strings(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8", errors="replace")
    lines = source.splitlines()
    strings = _python_strings(source) if path.suffix == ".py" else _quoted_strings(source)
    found = []
    for lineno, value in strings:
        if not KEY_LIKE.match(value):
            continue
        if value.rsplit(".", 1)[-1] in FILE_SUFFIXES or PERMISSION.match(value):
            continue
        if 0 < lineno <= len(lines) and IGNORE_MARKER in lines[lineno - 1]:
            continue
        found.append((lineno, value))
    return found


def test_every_content_key_used_in_the_project_exists() -> None:
    assert PROJECT_PACKAGE.name == "verbindend"
    problems = []
    scanned = 0
    error_codes = _error_codes()
    for path in sorted(PROJECT_PACKAGE.rglob("*")):
        if path.suffix not in SCANNED_SUFFIXES or not path.is_file():
            continue
        if SKIPPED_DIRS.intersection(path.relative_to(PROJECT_PACKAGE).parts):
            continue
        scanned += 1
        for lineno, key in _key_like_strings(path):
            if path == THIS_FILE and key == MISSING_KEY:
                continue
            if key in error_codes and not content.exists(key):
                continue
            if not content.exists(key):
                problems.append(f"{path.relative_to(PROJECT_PACKAGE.parent)}:{lineno}: {key}")
    assert scanned > 0
    assert not problems, "unknown method content keys:\n" + "\n".join(problems)


def test_the_key_scan_finds_keys(tmp_path: Path) -> None:
    sample = tmp_path / "sample.html"
    sample.write_text(
        '{% method_text \'principle.p1\' "title" %} <img src="step.html"> '
        f'"scan.view_round" "{MISSING_KEY}"\n"principle.p0" <!-- method-key: ignore -->\n',
        encoding="utf-8",
    )
    assert _key_like_strings(sample) == [(1, MISSING_KEY), (1, "principle.p1")]
    code = tmp_path / "sample.py"
    code.write_text(
        f'raise DomainError("role.unknown")\nx = f"principle.p{{n}}"\ny = "{MISSING_KEY}"\n',
        encoding="utf-8",
    )
    assert _key_like_strings(code) == [(3, MISSING_KEY)]
