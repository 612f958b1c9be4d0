"""Interview mode in a real browser: the consent check stops the interviewer first, the guide
shows one question at a time with its picture, notes are saved while typing, and the demo's
transcript is aligned to the guide so its coding starts from the questions."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page
from e2e.test_research import shot

INTERVIEWS = "/research/verbindend-leren-gent/interviews/"


def test_the_interviewer_checks_consent_then_walks_the_guide_with_notes(
    app: App, page: Page
) -> None:
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(app.base_url + INTERVIEWS)
    expect(page.locator("h1")).to_contain_text("Interviews")
    shot(page, "interviews-desktop")
    page.locator("ul.interviews li", has_text="Bart Janssens").get_by_role("link").click()

    # no consent for recording: a clear stop, and only an explicit "notes only" goes on
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Bart Janssens has not consented to recording.")
    expect(
        alert.get_by_role("link", name="Record the consent on the respondent's page")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Start the interview")).to_have_count(0)
    assert_accessible(page, context="interview consent check")
    shot(page, "interview-consent-desktop")
    page.get_by_label("I will not record: go on with notes only").check()
    page.get_by_role("button", name="Start with notes only").click()

    # one question at a time, with the theme's picture and the notes field
    expect(page.get_by_text("Question 1 of 18")).to_be_visible()
    expect(page.get_by_text("do not record")).to_be_visible()
    expect(page.locator("h1")).to_have_text(
        "In your view, which conditions and which settings foster learning on the three levels?"
    )
    expect(page.locator("figure.interview-aid svg")).to_be_visible()
    page.get_by_label("Your notes on this question").fill("Tijd, vertrouwen & een vaste plek")
    expect(page.locator(".save-state")).to_contain_text(re.compile(r"Saved at \d"))
    assert_accessible(page, context="interview mode question")
    shot(page, "interview-question-desktop")
    page.get_by_role("button", name="Save and next question").click()
    expect(page.get_by_text("Question 2 of 18")).to_be_visible()
    page.get_by_label("Your notes on this question").fill("Mensen die durven vragen")
    page.get_by_role("button", name="Save and go back").click()
    expect(page.get_by_label("Your notes on this question")).to_have_value(
        "Tijd, vertrouwen & een vaste plek"
    )
    page.get_by_role("link", name="Bart Janssens").click()
    guide = page.locator("ol.guide")
    expect(guide).to_contain_text("Tijd, vertrouwen & een vaste plek")
    expect(guide).to_contain_text("Mensen die durven vragen")
    expect(page.get_by_text("Started without recording: notes only.")).to_be_visible()


def test_the_aligned_transcript_is_coded_by_the_guides_questions(app: App, page: Page) -> None:
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(app.base_url + INTERVIEWS)
    page.locator("ul.interviews li", has_text="transcript aligned").get_by_role("link").click()
    expect(page.locator("section.consent-check")).to_contain_text("consented to recording")
    expect(page.get_by_text("8 of the 18 questions were found")).to_be_visible()
    expect(page.locator("ol.guide")).to_contain_text("Draaiboek intake")
    shot(page, "interview-after-desktop")
    page.get_by_role("link", name="Code the transcript").click()
    expect(page.locator("body")).to_contain_text(
        "What needs to be in place for learning to take place on the three levels?"
    )
    expect(page.locator("body")).to_contain_text("Connected learning is learning on three levels")


def test_interview_mode_on_a_phone(app: App, browser: Browser) -> None:
    phone = new_phone_page(browser)
    log_in(phone, app, "researcher@verbindend.demo")
    phone.goto(app.base_url + INTERVIEWS)
    phone.locator("ul.interviews li", has_text="transcript ingedeeld").get_by_role("link").click()
    shot(phone, "interview-phone")
    phone.goto(phone.url + "q/9/")
    expect(phone.get_by_text("Vraag 9 van 18")).to_be_visible()
    expect(phone.get_by_label("Je notities bij deze vraag")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    shot(phone, "interview-question-phone")
    phone.context.close()
