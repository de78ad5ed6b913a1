"""Appeals on receipts and in a person's activity: a signature under an appeal is counted on its chain."""

from django.utils.translation import gettext_lazy as _

from veche.accounts.activity import register_counted
from veche.appeals.models import Appeal, AppealSignature
from veche.ledger.subjects import register

register(
    Appeal,
    yours=_("Your signature under the appeal “{}”"),
    entry=_("A signature under the appeal “{}”"),
    municipality=lambda appeal: appeal.municipality,
    url=lambda appeal: appeal.get_absolute_url(),
    related=("municipality",),
    title=lambda appeal: appeal.title,
    # A hidden appeal's title is shown to nobody here; its receipts still check, in general words.
    shown=lambda appeal: not appeal.is_hidden,
)
register_counted("signature", AppealSignature, subject="petition")
