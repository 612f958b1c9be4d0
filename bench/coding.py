"""Coding: one coding per HTTP call, and the code × case matrix, on 100 documents with 10,000
codings (two coders, 10 cases).

Measured over loopback against uvicorn, logged in as a researcher, on one kept-alive connection:
- ``code_p95_ms``: POST of one coding (htmx request; the answer is a small margin fragment).
- ``matrix_ms``: median GET of the code × case matrix page (table, SVG heat map and links).
- ``query_p95_ms``: GET of a code query page (NEAR 10 words, AND, OR, NOT in turn, two codes in
  use, the first 50 fragments with context); ``query_in_process_p95_ms`` is the query alone.
Baselines from the same run: ``baseline_healthz_p95_ms`` (a trivial view over the same
connection: the floor of the HTTP stack), ``baseline_orm_insert_p95_ms`` (the same coding written
straight through the ORM, in process), ``baseline_count_sql_ms`` (a bare COUNT of the study's
codings: the floor of reading them at all) and ``naive_join_sql_ms`` (the matrix as one GROUP BY
over a join with the documents, which the app avoids). ``matrix_query_ms`` is the app's own
aggregate, in process.

The HTTP part runs twice: with the default (connections kept between requests) and, under
``new_conn``, with ``DB_CONN_MAX_AGE=0`` (a new database connection for every request), since
opening a SQLite connection with its pragmas is most of the cost of a small write.

Targets: code_p95_ms ≤ 10, matrix_ms ≤ 300, query_p95_ms ≤ 200.
"""

from __future__ import annotations

import http.client
import random
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlparse

from bench._common import emit, fresh_database, median, percentile, server, setup_django, size

OPERATORS = ("near", "and", "or", "not")


@dataclass
class Run:
    health: list[float]
    code: list[float]
    matrix: list[float]
    query: list[float]
    failures: int


def main() -> None:
    doc_count = size(100, 5)
    coding_count = size(10_000, 300)
    calls = size(400, 20)
    with fresh_database() as url:
        setup_django(url)
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django.db import connection, transaction

        from verbindend.accounts.models import User
        from verbindend.accounts.services import grant_study_role
        from verbindend.analysis import queries, search, services
        from verbindend.analysis.models import Code, Coding
        from verbindend.core.roles import StudyRoles
        from verbindend.networks.models import Network
        from verbindend.studies import samples
        from verbindend.studies.models import Case, CaseStatus, Document, Study

        rng = random.Random(9)
        tag = str(time.time_ns())
        study = Study.objects.create(name="Bench", slug=f"bench-{tag}")
        coders = []
        for n in range(2):
            user = User.objects.create_user(username=f"coder{n}-{tag}@example.org", password=None)
            grant_study_role(user=user, study=study, role=StudyRoles.RESEARCHER)
            coders.append(user)
        cases = []
        for n in range(10):
            network = Network.objects.create(name=f"Netwerk {n}", slug=f"bench-{tag}-{n}")
            cases.append(
                Case.objects.create(study=study, network=network, status=CaseStatus.AGREED)
            )
        with transaction.atomic():
            documents = Document.objects.bulk_create(
                Document(
                    study=study,
                    case=cases[n % len(cases)],
                    kind="transcript",
                    title=f"Interview {n:03}",
                    text=(text := samples.words(size(3000, 300), seed=n)),
                    length=len(text),
                )
                for n in range(doc_count)
            )
        services.seed_codebook(study=study, with_findings=True)
        codes = list(Code.objects.filter(study=study))

        def span(document: Document) -> tuple[int, int]:
            start = rng.randrange(0, document.length - 200)
            return start, start + rng.randrange(20, 200)

        with transaction.atomic():
            Coding.objects.bulk_create(
                Coding(
                    study=study,
                    document=(d := documents[i % doc_count]),
                    code=codes[rng.randrange(len(codes))],
                    coder=coders[i % 2],
                    start=(s := span(d))[0],
                    end=s[1],
                )
                for i in range(coding_count)
            )

        # baseline: the same kind of coding written straight through the ORM
        orm = []
        for _ in range(calls):
            d = documents[rng.randrange(doc_count)]
            s = span(d)
            started = time.perf_counter()
            Coding.objects.create(
                study=study, document=d, code=codes[0], coder=coders[1], start=s[0], end=s[1]
            )
            orm.append((time.perf_counter() - started) * 1000)

        def sql_ms(sql: str) -> float:
            started = time.perf_counter()
            for _ in range(5):
                with connection.cursor() as cursor:
                    cursor.execute(sql, [study.pk])
                    cursor.fetchall()
            return (time.perf_counter() - started) * 1000 / 5

        # baselines: counting the study's codings at all, and the naive one-query join
        baseline_count_ms = sql_ms("SELECT COUNT(*) FROM analysis_coding WHERE study_id = %s")
        naive_join_ms = sql_ms(
            "SELECT c.code_id, d.case_id, COUNT(*) FROM analysis_coding c "
            "JOIN studies_document d ON d.id = c.document_id WHERE c.study_id = %s "
            "GROUP BY c.code_id, d.case_id"
        )
        started = time.perf_counter()
        cells = queries.code_by_case(study)
        matrix_orm_ms = (time.perf_counter() - started) * 1000

        # code queries: pairs of codes that are in use, each operator in turn
        used = [c for c in codes if c.codings.exists()]
        query_orm = []
        for n in range(size(40, 8)):
            first, second = rng.sample(used, 2)
            started = time.perf_counter()
            search.code_query(study, first, OPERATORS[n % len(OPERATORS)], second, near=10)
            query_orm.append((time.perf_counter() - started) * 1000)

        session = SessionStore()
        session[SESSION_KEY] = str(coders[0].pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the model backend
        session[HASH_SESSION_KEY] = coders[0].get_session_auth_hash()
        session.create()
        total = Coding.objects.filter(study=study).count()
        connection.close()

        def measure(conn_max_age: str) -> Run:
            """Coding calls, the trivial view and the matrix, against one server."""
            with server(url, extra_env={"DB_CONN_MAX_AGE": conn_max_age}) as base:
                parsed = urlparse(base)
                conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port)
                cookies = {settings.SESSION_COOKIE_NAME: session.session_key or ""}

                def request(
                    method: str, path: str, body: str = "", headers: dict[str, str] | None = None
                ) -> tuple[int, float]:
                    head = {
                        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                        **(headers or {}),
                    }
                    began = time.perf_counter()
                    conn.request(method, path, body=body or None, headers=head)
                    response = conn.getresponse()
                    response.read()
                    took = (time.perf_counter() - began) * 1000
                    for header in response.headers.get_all("Set-Cookie") or []:
                        for name, morsel in SimpleCookie(header).items():
                            cookies[name] = morsel.value
                    return response.status, took

                status, _took = request(
                    "GET", f"/analysis/{study.slug}/documents/{documents[0].pk}/"
                )
                assert status == 200, status
                csrf = cookies.get(settings.CSRF_COOKIE_NAME, "")
                assert csrf, "no CSRF cookie"
                health = [request("GET", "/healthz")[1] for _ in range(calls)]
                code_ms, failures = [], 0
                for _ in range(calls):
                    d = documents[rng.randrange(doc_count)]
                    s = span(d)
                    code = codes[rng.randrange(len(codes))]
                    status, took = request(
                        "POST",
                        f"/analysis/{study.slug}/documents/{d.pk}/code/",
                        urlencode({"code": code.pk, "start": s[0], "end": s[1]}),
                        {
                            "Content-Type": "application/x-www-form-urlencoded",
                            "X-CSRFToken": csrf,
                            "HX-Request": "true",
                            "Origin": base,
                        },
                    )
                    failures += status != 200
                    code_ms.append(took)
                matrix = []
                for _ in range(size(7, 2)):
                    status, took = request("GET", f"/analysis/{study.slug}/matrix/case/")
                    assert status == 200, status
                    matrix.append(took)
                query_ms = []
                for n in range(size(40, 8)):
                    first, second = rng.sample(used, 2)
                    op = OPERATORS[n % len(OPERATORS)]
                    params = {"first": first.pk, "op": op, "second": second.pk, "near": 10}
                    status, took = request(
                        "GET", f"/analysis/{study.slug}/queries/?{urlencode(params)}"
                    )
                    assert status == 200, status
                    query_ms.append(took)
                conn.close()
            return Run(health, code_ms, matrix, query_ms, failures)

        default = measure("60")  # the default: connections kept between requests
        fresh = measure("0")  # DB_CONN_MAX_AGE=0: a new database connection per request
        health, code_ms, matrix = default.health, default.code, default.matrix
        failures = default.failures + fresh.failures

        emit(
            {
                "bench": "coding",
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "documents": doc_count,
                "codings": total,
                "codes": len(codes),
                "calls": calls,
                "failures": failures,
                "code_p50_ms": round(median(code_ms), 2),
                "code_p95_ms": round(percentile(code_ms, 95), 2),
                "baseline_healthz_p50_ms": round(median(health), 2),
                "baseline_healthz_p95_ms": round(percentile(health, 95), 2),
                "code_over_healthz_p50": round(median(code_ms) / max(median(health), 1e-9), 2),
                "baseline_orm_insert_p50_ms": round(median(orm), 2),
                "baseline_orm_insert_p95_ms": round(percentile(orm, 95), 2),
                "matrix_ms": round(median(matrix), 1),
                "query_p50_ms": round(median(default.query), 1),
                "query_p95_ms": round(percentile(default.query, 95), 1),
                "query_in_process_p95_ms": round(percentile(query_orm, 95), 1),
                "new_conn": {
                    "code_p50_ms": round(median(fresh.code), 2),
                    "code_p95_ms": round(percentile(fresh.code, 95), 2),
                    "baseline_healthz_p50_ms": round(median(fresh.health), 2),
                    "baseline_healthz_p95_ms": round(percentile(fresh.health, 95), 2),
                    "matrix_ms": round(median(fresh.matrix), 1),
                    "query_p95_ms": round(percentile(fresh.query, 95), 1),
                },
                "matrix_cells": len(cells),
                "matrix_query_ms": round(matrix_orm_ms, 1),
                "baseline_count_sql_ms": round(baseline_count_ms, 1),
                "naive_join_sql_ms": round(naive_join_ms, 1),
                "targets": {"code_p95_ms": 10, "matrix_ms": 300, "query_p95_ms": 200},
            }
        )


if __name__ == "__main__":
    main()
