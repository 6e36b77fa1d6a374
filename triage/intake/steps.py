"""The intake's sequence of steps: names and titles only (the forms that ask them are in
forms.py, and answers.py checks saved answers with them)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    name: str
    title: str


STEPS: tuple[Step, ...] = (
    Step("patient", "Patient"),
    Step("pain", "Presenting pain"),
    Step("red_flags", "Red-flag screen"),
    Step("history", "History and medicines"),
)
STEP_BY_NAME = {step.name: step for step in STEPS}


def step_title(name: str) -> str:
    """The title of step `name`; any other name is the review, past the last step."""
    return STEP_BY_NAME[name].title if name in STEP_BY_NAME else "Review"


REVIEW = "review"
