"""Hash chains of votes, signatures and ballots: one chain per poll, initiative or budget."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerHead(models.Model):
    """The newest entry of one chain; locking it serialises appends to the chain."""

    chain = models.CharField(max_length=100, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["chain"]

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq} {self.head_hash[:12]}"


class LedgerEntry(models.Model):
    """One vote, signature or ballot: its digest, linked to the entry before it."""

    chain = models.CharField(max_length=100)
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20)
    # SHA-256 of the canonical JSON of what was cast (with a secret nonce the voter keeps):
    # public, yet it tells nothing about who voted or how.
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["chain", "seq"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="ledger_chain_seq")]

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise TypeError("ledger entries cannot change")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
