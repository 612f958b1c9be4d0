"""Chart labels are wrapped, not cut: only a very long one is shortened, and then ends in "…"."""

from __future__ import annotations

from verbindend.core.charts import wrap_label


def test_a_label_is_wrapped_whole_on_short_lines() -> None:
    label = "Organisaties uit de welzijnssector en het onderwijs"
    lines = wrap_label(label, 20)
    assert " ".join(lines) == label
    assert all(len(line) <= 20 for line in lines)


def test_a_very_long_label_ends_in_an_ellipsis_within_its_lines() -> None:
    lines = wrap_label("woord " * 40, 20, most=3)
    assert len(lines) == 3
    assert lines[-1].endswith("…") and "[...]" not in lines[-1]
    assert all(len(line) <= 20 for line in lines)
