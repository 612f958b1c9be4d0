"""Template tags for the method's content (see verbindend.method.content).

    {% load method_tags %}
    {% method_text "principle.p3" "title" %}          text in the active language
    {% method_text key "question" "en" %}             text in a given language
    {% method_text "principle.p3" "summary" as s %}   store instead of output
    {% method_node "principle.p3" as p %}             the Node: {{ p.title }}, {{ p.children }}

Both fail loudly: a literal key or field that does not exist is a TemplateSyntaxError when the
template is compiled; a key or field that comes from a variable raises UnknownKey or
UnknownField (both KeyErrors) when the template is rendered.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.template.context import Context
from django.utils.html import conditional_escape

from verbindend.method import content
from verbindend.method import guidance as guidance_rules

register = template.Library()


def _literal(expr: FilterExpression) -> str | None:
    """The string of a quoted literal argument without filters, else None."""
    if not expr.filters and isinstance(expr.var, str):
        return str(expr.var)
    return None


def _split_as(tag: str, bits: list[str]) -> tuple[list[str], str | None]:
    if len(bits) >= 2 and bits[-2] == "as":
        name = bits[-1]
        if not name.isidentifier():
            raise template.TemplateSyntaxError(f"{tag}: {name!r} is not a valid variable name")
        return bits[:-2], name
    return bits, None


def _check_key(tag: str, key: str | None) -> content.Node | None:
    if key is None:
        return None
    try:
        return content.get(key)
    except content.UnknownKey:
        raise template.TemplateSyntaxError(f"{tag}: unknown method content key {key!r}") from None


def _resolve_key(expr: FilterExpression, context: Context) -> str:
    value = expr.resolve(context)
    if not isinstance(value, str):
        raise content.UnknownKey(repr(value))
    return value


class MethodTextNode(template.Node):
    def __init__(
        self,
        key: FilterExpression,
        field: FilterExpression,
        lang: FilterExpression | None,
        target: str | None,
    ) -> None:
        self.key = key
        self.field = field
        self.lang = lang
        self.target = target

    def render(self, context: Context) -> str:
        node = content.get(_resolve_key(self.key, context))
        lang = self.lang.resolve(context) if self.lang is not None else None
        text = node.text(str(self.field.resolve(context)), str(lang) if lang else None)
        if self.target is not None:
            context[self.target] = text
            return ""
        return str(conditional_escape(text)) if context.autoescape else text


class MethodNodeNode(template.Node):
    def __init__(self, key: FilterExpression, target: str) -> None:
        self.key = key
        self.target = target

    def render(self, context: Context) -> str:
        context[self.target] = content.get(_resolve_key(self.key, context))
        return ""


@register.tag("method_text")
def method_text(parser: Parser, token: Token) -> MethodTextNode:
    """{% method_text key field [lang] [as var] %}"""
    tag, *bits = token.split_contents()
    args, target = _split_as(tag, bits)
    if len(args) not in (2, 3):
        raise template.TemplateSyntaxError(
            f'usage: {{% {tag} "principle.p1" "title" ["en"] [as var] %}}'
        )
    key, field = parser.compile_filter(args[0]), parser.compile_filter(args[1])
    lang = parser.compile_filter(args[2]) if len(args) == 3 else None
    node = _check_key(tag, _literal(key))
    field_name = _literal(field)
    if node is not None and field_name is not None and not node.has(field_name):
        raise template.TemplateSyntaxError(
            f"{tag}: method content node {node.key!r} has no text field {field_name!r}"
        )
    return MethodTextNode(key, field, lang, target)


@register.tag("method_node")
def method_node(parser: Parser, token: Token) -> MethodNodeNode:
    """{% method_node key as var %}"""
    tag, *bits = token.split_contents()
    args, target = _split_as(tag, bits)
    if len(args) != 1 or target is None:
        raise template.TemplateSyntaxError(f'usage: {{% {tag} "principle.p1" as p %}}')
    key = parser.compile_filter(args[0])
    _check_key(tag, _literal(key))
    return MethodNodeNode(key, target)


# -- the guide ------------------------------------------------------------------------------------


@register.simple_tag
def method_nodes(kind: str) -> list[content.Node]:
    """{% method_nodes "condition" as conditions %}: all nodes of a kind, in document order."""
    return content.of_kind(kind)


@register.filter
def field(node: content.Node, name: str) -> str:
    """{{ node|field:"question" }}: a text field in the active language ("" when absent)."""
    return node.text(name) if node.has(name) else ""


@register.filter
def refs(node: content.Node, attr: str) -> list[content.Node]:
    """{{ node|refs:"see" }}: the nodes a reference attribute points to."""
    return node.refs(attr)


@register.filter
def children(node: content.Node, kind: str) -> list[content.Node]:
    """{{ node|children:"reflection" }}: the node's direct children of one kind, in order."""
    return node.children(kind)


@register.filter
def label(node: content.Node) -> str:
    """{{ node|label }}: the short text that names a node."""
    from verbindend.method import guide

    return guide.label(node)


@register.filter
def key_url(key: str) -> str:
    """{{ node.key|key_url }}: the node's place in the guide (section and anchor)."""
    from verbindend.method import guide

    return guide.key_url(key)


@register.filter
def section_slug(key: str) -> str:
    """{{ node.key|section_slug }}: the slug of the node's home section ("" for the overview)."""
    from verbindend.method import guide

    return guide.section_of(key).slug


@register.inclusion_tag("method/_figure.html")
def aid_figure(name: str, anchor: bool = False) -> dict[str, object]:
    """{% aid_figure "levels" %}: a visual aid drawn inline, with its caption and links."""
    from verbindend.method import aids

    name = name.removeprefix("aid.")
    # aids.render returns the SafeString of our own SVG template, which escaped every text.
    aid = aids.node(name)
    return {
        "aid": aid,
        "caption": aid.text("caption"),
        "name": name,
        "svg": aids.render(name),
        "anchor": anchor,
    }


# -- advice for a kind of network ----------------------------------------------------------------


@register.inclusion_tag("method/_guidance.html", takes_context=True)
def guidance(
    context: Context,
    network: guidance_rules.Profile,
    screen: str,
    principle: str = "",
    besides: str = "",
    notice: bool = True,
    as_section: bool = False,
    level: int = 2,
    once: bool = False,
) -> dict[str, object]:
    """{% guidance network "agenda" principle="principle.p2" %}: the advice for this network.

    ``besides`` (comma-separated principle keys) keeps only advice about none of them; ``notice``
    says, when the profile is empty, that filling it in brings tailored advice (with a link for
    those who may edit it). ``as_section`` puts it under a heading of ``level`` (h2 by default).
    With ``once``, advice already shown by an earlier ``once`` call on the page is left out (a
    rule about two principles of an agenda appears at the first).
    """
    from verbindend.core import policy

    advice = guidance_rules.applicable(network, screen=screen, principle=principle or None)
    if besides:
        skip = set(besides.split(","))
        advice = [a for a in advice if not skip.intersection(a.principle_keys)]
    if once:
        state: Any = context.render_context  # lives for this one rendering of the page
        shown: set[str] = state.setdefault("guidance_shown", set())
        advice = [a for a in advice if a.key not in shown]
        shown.update(a.key for a in advice)
    request = context.get("request")
    user = getattr(request, "user", None)
    empty = notice and not guidance_rules.has_profile(network)
    return {
        "advice": advice,
        "network": network,
        "in_card": bool(principle),
        "empty": empty,
        "can_edit": empty and user is not None and policy.can(user, "network.change", network),
        "as_section": as_section and bool(advice or empty),
        "more": bool(besides),
        "level": level,
        "rule_level": level + 1 if as_section else 3,
    }


@register.filter
def profile_values(rule: content.Node) -> list[content.Node]:
    """{{ rule|profile_values }}: the profile values a guidance rule applies to, as content."""
    return guidance_rules.values_of(rule)
