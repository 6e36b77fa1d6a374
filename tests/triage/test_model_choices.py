"""The stored pathway and episode status are the engine's own values, never a second list."""

from triage.guideline import EpisodeStatus, Pathway
from triage.models import Encounter


def test_pathway_choices_are_the_engines_pathways():
    field = Encounter._meta.get_field("pathway")
    assert [value for value, _ in field.choices] == [str(pathway) for pathway in Pathway]


def test_episode_status_choices_are_the_engines_statuses():
    field = Encounter._meta.get_field("episode_status")
    assert [value for value, _ in field.choices] == [str(status) for status in EpisodeStatus]
    assert field.default == EpisodeStatus.ACTIVE
