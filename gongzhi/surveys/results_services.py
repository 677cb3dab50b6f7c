"""Publishing a survey's results to residents (audited).

Linking published results to a matter's timeline lives in the matters app
(matters.services.link_survey_results, from the matter page and the matters API); the
timeline drops the link while the results are unpublished.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import record

from .models import Response, Survey


class ResultsError(Exception):
    """A publishing step the survey's state refuses; the message is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def publish_results(*, survey: Survey, actor) -> Survey:
    """Show the survey's results to the residents of its community (aggregates only)."""
    if survey.status == Survey.Status.DRAFT:
        raise ResultsError(_("A draft survey has no results to publish."))
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.results_published_at is None:
            locked.results_published_at = timezone.now()
            locked.save(update_fields=["results_published_at", "updated_at"])
            record(
                actor=actor,
                action="survey.results_published",
                target=locked,
                data={"responses": Response.objects.filter(survey=locked).count()},
            )
    survey.results_published_at = locked.results_published_at
    return survey


def unpublish_results(*, survey: Survey, actor) -> Survey:
    """Hide the survey's results from residents again."""
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.results_published_at is not None:
            published_at = locked.results_published_at
            locked.results_published_at = None
            locked.save(update_fields=["results_published_at", "updated_at"])
            record(
                actor=actor,
                action="survey.results_unpublished",
                target=locked,
                data={"published_at": published_at.isoformat()},
            )
    survey.results_published_at = None
    return survey
