"""A project.qde read into plain data, to compare two exports by meaning, not by bytes."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from lxml import etree

from verbindend.analysis.refi.spec import PROJECT_NS

N = {"q": PROJECT_NS}


def _values(element: etree._Element, variables: dict[str, str]) -> dict[str, str]:
    found = {}
    for value in element.findall("q:VariableValue", N):
        ref = value.find("q:VariableRef", N)
        assert ref is not None
        name = variables[ref.get("targetGUID")]
        found[name] = next(c.text for c in value if etree.QName(c).localname != "VariableRef")
    return found


def snapshot(qdpx: bytes) -> dict[str, Any]:
    archive = zipfile.ZipFile(io.BytesIO(qdpx))
    root = etree.fromstring(archive.read("project.qde"))
    variables = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variable", N)}

    def code_tree(parent: etree._Element, parent_guid: str | None) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for code in parent.findall("q:Code", N):
            found[code.get("guid")] = (
                code.get("name"),
                code.get("color"),
                code.findtext("q:Description", None, N),
                parent_guid,
                [r.get("targetGUID") for r in code.findall("q:NoteRef", N)],
            )
            found.update(code_tree(code, code.get("guid")))
        return found

    codes_el = root.find("q:CodeBook/q:Codes", N)
    sources = {}
    selections = {}
    for source in root.iterfind("q:Sources/q:TextSource", N):
        path = source.get("plainTextPath")
        text = archive.read("sources/" + path.removeprefix("internal://")).decode("utf-8")
        sources[source.get("guid")] = (
            source.get("name"),
            text,
            source.findtext("q:Description", None, N),
            _values(source, variables),
            [r.get("targetGUID") for r in source.findall("q:NoteRef", N)],
            source.get("creatingUser"),
        )
        for selection in source.findall("q:PlainTextSelection", N):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            selections[selection.get("guid")] = (
                source.get("guid"),
                start,
                end,
                text[start:end],
                sorted(
                    (
                        c.get("guid"),
                        c.find("q:CodeRef", N).get("targetGUID"),
                        c.get("creatingUser"),
                        tuple(r.get("targetGUID") for r in c.findall("q:NoteRef", N)),
                    )
                    for c in selection.findall("q:Coding", N)
                ),
            )
    return {
        "users": {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", N)},
        "codes": code_tree(codes_el, None) if codes_el is not None else {},
        "variables": {
            v.get("guid"): (v.get("name"), v.get("typeOfVariable"))
            for v in root.iterfind("q:Variables/q:Variable", N)
        },
        "cases": {
            c.get("guid"): (
                c.get("name"),
                _values(c, variables),
                sorted(r.get("targetGUID") for r in c.findall("q:SourceRef", N)),
            )
            for c in root.iterfind("q:Cases/q:Case", N)
        },
        "sources": sources,
        "selections": selections,
        "notes": {
            n.get("guid"): (n.findtext("q:PlainTextContent", None, N), n.get("creatingUser"))
            for n in root.iterfind("q:Notes/q:Note", N)
        },
    }
