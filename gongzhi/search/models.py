"""The full-text index: one row per searchable document, plus term statistics.

The database's own full-text index sits on SearchEntry (PostgreSQL: a generated `tsvector`
column with a GIN index; SQLite: the FTS5 table `search_fts`, kept in step by triggers), both
made by migrations 0002-0004 because neither exists on the other engine. Write through
gongzhi.core.search only: it keeps SearchTerm in step.

A later migration that alters SearchEntry must keep that index: on SQLite, Django rebuilds
an altered table and its triggers are lost (recreate them as 0003 does); on PostgreSQL the
generated column reads title_terms, body_terms, community_id, visible and is_open.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One indexed document: a need, a reply, a comment, ... named by (kind, object_id)."""

    kind = models.CharField(_("kind"), max_length=32)
    object_id = models.PositiveBigIntegerField(_("object"))
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    visible = models.BooleanField(_("visible"), default=True)
    # Open documents (a need still being handled) are the ones offered as similar.
    is_open = models.BooleanField(_("open"), default=True)
    # Segmented, lower-cased terms separated by single spaces: what the engine indexes.
    title_terms = models.TextField()
    body_terms = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")
        ]
        indexes = [models.Index(fields=["community", "kind"], name="search_entry_scope")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SearchTerm(models.Model):
    """How many documents of a community contain a term: the IDF behind similar()."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=64)
    df = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "term"], name="search_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.df})"
